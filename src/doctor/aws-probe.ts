/**
 * The doctor's AWS questions, asked with the AWS SDK and answered in the doctor's plain types. Each SDK
 * error becomes an AwsProbeError naming the IAM action of the call, so a refused call reads as "could not
 * check X" with the permission to add. Endpoints and credentials come from the SDK's usual chain; tests
 * pass the stand-in's.
 */
import {
  BedrockClient,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
} from '@aws-sdk/client-bedrock';
import { BedrockAgentCoreControlClient, GetHarnessCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  EKSClient,
  ListAccessEntriesCommand,
  ListAssociatedAccessPoliciesCommand,
} from '@aws-sdk/client-eks';
import {
  type ContextEntry,
  GetRoleCommand,
  IAMClient,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetTraceSegmentDestinationCommand, XRayClient } from '@aws-sdk/client-xray';
import {
  type AccessEntryInfo,
  AwsProbeError,
  type DoctorAws,
  type FoundationModelInfo,
  type HarnessInfo,
  type InferenceProfileInfo,
  type LogGroupInfo,
  type SimulationRequest,
  type SimulationResult,
  type TableInfo,
} from './ports.ts';

export interface AwsProbeOptions {
  /** The harness's region: AgentCore, Bedrock and X-Ray are asked there. */
  region: string;
  /** The table's region. */
  storeRegion: string;
  /** Tests: every client talks to this endpoint with these credentials. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

async function call<T>(action: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    const e = err as { name?: string; Code?: string; message?: string };
    throw new AwsProbeError(e.name ?? e.Code ?? 'Error', action, e.message ?? String(err));
  }
}

export class SdkAwsProbe implements DoctorAws {
  private readonly clients = new Map<string, unknown>();

  constructor(private readonly o: AwsProbeOptions) {}

  private client<C>(kind: string, region: string, make: (cfg: object) => C): C {
    const key = `${kind}@${region}`;
    let c = this.clients.get(key) as C | undefined;
    if (!c) {
      c = make({
        region,
        maxAttempts: 2,
        ...(this.o.endpoint ? { endpoint: this.o.endpoint } : {}),
        ...(this.o.credentials ? { credentials: this.o.credentials } : {}),
      });
      this.clients.set(key, c);
    }
    return c;
  }

  callerArn(): Promise<string> {
    const sts = this.client('sts', this.o.region, (c) => new STSClient(c));
    return call(
      'sts:GetCallerIdentity',
      async () => (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '',
    );
  }

  harness(arn: string): Promise<HarnessInfo> {
    const region = arn.split(':')[3] ?? this.o.region;
    const c = this.client('agentcore', region, (cfg) => new BedrockAgentCoreControlClient(cfg));
    return call('bedrock-agentcore:GetHarness', async () => {
      const { harness: h } = await c.send(
        new GetHarnessCommand({ harnessId: arn.slice(arn.lastIndexOf('/') + 1) }),
      );
      if (!h)
        throw Object.assign(new Error('empty GetHarness answer'), { name: 'ResourceNotFoundException' });
      const env = h.environment?.agentCoreRuntimeEnvironment;
      return {
        arn: h.arn ?? arn,
        status: h.status ?? 'UNKNOWN',
        ...(h.failureReason ? { failureReason: h.failureReason } : {}),
        executionRoleArn: h.executionRoleArn ?? '',
        ...(h.model?.bedrockModelConfig?.modelId
          ? { bedrockModelId: h.model.bedrockModelConfig.modelId }
          : {}),
        skillPaths: (h.skills ?? []).flatMap((s) => (s.path ? [s.path] : [])),
        ...(env?.lifecycleConfiguration?.idleRuntimeSessionTimeout !== undefined
          ? { idleRuntimeSessionTimeout: env.lifecycleConfiguration.idleRuntimeSessionTimeout }
          : {}),
        ...(h.environmentArtifact?.containerConfiguration?.containerUri
          ? { containerUri: h.environmentArtifact.containerConfiguration.containerUri }
          : {}),
        ...(env?.agentRuntimeId ? { agentRuntimeId: env.agentRuntimeId } : {}),
        environmentVariables: h.environmentVariables ?? {},
      };
    });
  }

  inferenceProfile(id: string, region: string): Promise<InferenceProfileInfo> {
    const c = this.client('bedrock', region, (cfg) => new BedrockClient(cfg));
    return call('bedrock:GetInferenceProfile', async () => {
      const r = await c.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
      return {
        id: r.inferenceProfileId ?? id,
        arn: r.inferenceProfileArn ?? '',
        status: r.status ?? 'UNKNOWN',
        modelArns: (r.models ?? []).flatMap((m) => (m.modelArn ? [m.modelArn] : [])),
      };
    });
  }

  foundationModel(id: string, region: string): Promise<FoundationModelInfo> {
    const c = this.client('bedrock', region, (cfg) => new BedrockClient(cfg));
    return call('bedrock:GetFoundationModel', async () => {
      const d = (await c.send(new GetFoundationModelCommand({ modelIdentifier: id }))).modelDetails;
      return {
        id: d?.modelId ?? id,
        lifecycle: d?.modelLifecycle?.status ?? 'UNKNOWN',
        inferenceTypes: d?.inferenceTypesSupported ?? [],
      };
    });
  }

  async simulate(principalArn: string, requests: SimulationRequest[]): Promise<SimulationResult[]> {
    const iam = this.client('iam', this.o.region, (c) => new IAMClient(c));
    const out: SimulationResult[] = [];
    // One call per resource and context: IAM evaluates every action named against them.
    const groups = new Map<string, SimulationRequest[]>();
    for (const r of requests) {
      const key = JSON.stringify([r.resource, r.context ?? {}]);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const reqs of groups.values()) {
      const { resource, context } = reqs[0]!;
      const entries: ContextEntry[] = Object.entries(context ?? {}).map(([k, v]) => ({
        ContextKeyName: k,
        ContextKeyValues: Array.isArray(v) ? v : [v],
        ContextKeyType: Array.isArray(v) ? 'stringList' : 'string',
      }));
      const actions = [...new Set(reqs.map((r) => r.action))];
      let marker: string | undefined;
      const decisions = new Map<string, SimulationResult['decision']>();
      do {
        const r = await call('iam:SimulatePrincipalPolicy', () =>
          iam.send(
            new SimulatePrincipalPolicyCommand({
              PolicySourceArn: principalArn,
              ActionNames: actions,
              ResourceArns: [resource],
              ...(entries.length ? { ContextEntries: entries } : {}),
              ...(marker ? { Marker: marker } : {}),
            }),
          ),
        );
        for (const e of r.EvaluationResults ?? [])
          if (e.EvalActionName)
            decisions.set(
              e.EvalActionName,
              (e.EvalDecision ?? 'implicitDeny') as SimulationResult['decision'],
            );
        marker = r.IsTruncated ? r.Marker : undefined;
      } while (marker);
      for (const q of reqs) out.push({ ...q, decision: decisions.get(q.action) ?? 'implicitDeny' });
    }
    // Callers read results in the order they asked.
    return requests.map(
      (q) =>
        out.find(
          (o) =>
            o.action === q.action &&
            o.resource === q.resource &&
            JSON.stringify(o.context) === JSON.stringify(q.context),
        )!,
    );
  }

  roleTrust(roleName: string): Promise<unknown> {
    const iam = this.client('iam', this.o.region, (c) => new IAMClient(c));
    return call('iam:GetRole', async () => {
      const doc =
        (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.AssumeRolePolicyDocument ?? '{}';
      return JSON.parse(decodeURIComponent(doc));
    });
  }

  private ddb(): DynamoDBClient {
    return this.client('dynamodb', this.o.storeRegion, (c) => new DynamoDBClient(c));
  }

  table(name: string): Promise<TableInfo> {
    return call('dynamodb:DescribeTable', async () => {
      const t = (await this.ddb().send(new DescribeTableCommand({ TableName: name }))).Table;
      const types = new Map((t?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
      return {
        status: t?.TableStatus ?? 'UNKNOWN',
        keys: (t?.KeySchema ?? []).map((k) => ({
          name: k.AttributeName ?? '',
          type: k.KeyType as 'HASH' | 'RANGE',
          ...(types.get(k.AttributeName) ? { attributeType: types.get(k.AttributeName) } : {}),
        })),
        indexes: (t?.GlobalSecondaryIndexes ?? []).map((i) => ({
          name: i.IndexName ?? '',
          ...(i.IndexStatus ? { status: i.IndexStatus } : {}),
          keys: (i.KeySchema ?? []).map((k) => ({
            name: k.AttributeName ?? '',
            type: k.KeyType as 'HASH' | 'RANGE',
          })),
        })),
      };
    });
  }

  tableTtl(name: string): Promise<{ attribute?: string; status: string }> {
    return call('dynamodb:DescribeTimeToLive', async () => {
      const d = (await this.ddb().send(new DescribeTimeToLiveCommand({ TableName: name })))
        .TimeToLiveDescription;
      return {
        status: d?.TimeToLiveStatus ?? 'DISABLED',
        ...(d?.AttributeName ? { attribute: d.AttributeName } : {}),
      };
    });
  }

  tablePitr(name: string): Promise<string> {
    return call('dynamodb:DescribeContinuousBackups', async () => {
      const d = (await this.ddb().send(new DescribeContinuousBackupsCommand({ TableName: name })))
        .ContinuousBackupsDescription;
      return d?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ?? 'DISABLED';
    });
  }

  logGroups(prefix: string, region: string): Promise<LogGroupInfo[]> {
    const c = this.client('logs', region, (cfg) => new CloudWatchLogsClient(cfg));
    return call('logs:DescribeLogGroups', async () => {
      const out: LogGroupInfo[] = [];
      let nextToken: string | undefined;
      do {
        const r = await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken }));
        for (const g of r.logGroups ?? [])
          out.push({
            name: g.logGroupName ?? '',
            ...(g.retentionInDays ? { retentionDays: g.retentionInDays } : {}),
          });
        nextToken = r.nextToken;
      } while (nextToken);
      return out;
    });
  }

  async accessEntry(
    cluster: string,
    region: string,
    principalArn: string,
  ): Promise<AccessEntryInfo | undefined> {
    const eks = this.client('eks', region, (cfg) => new EKSClient(cfg));
    const entries: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const r = await call('eks:ListAccessEntries', () =>
          eks.send(new ListAccessEntriesCommand({ clusterName: cluster, nextToken })),
        );
        entries.push(...(r.accessEntries ?? []));
        nextToken = r.nextToken;
      } while (nextToken);
    } catch (err) {
      // The only resource ListAccessEntries names is the cluster.
      if (err instanceof AwsProbeError && err.notFound)
        throw new AwsProbeError('ClusterNotFound', err.action, err.message);
      throw err;
    }
    if (!entries.includes(principalArn)) return undefined;
    const policies: AccessEntryInfo['policies'] = [];
    nextToken = undefined;
    do {
      const r = await call('eks:ListAssociatedAccessPolicies', () =>
        eks.send(new ListAssociatedAccessPoliciesCommand({ clusterName: cluster, principalArn, nextToken })),
      );
      for (const p of r.associatedAccessPolicies ?? [])
        policies.push({
          policyArn: p.policyArn ?? '',
          scope: p.accessScope?.type ?? 'cluster',
          ...(p.accessScope?.namespaces?.length ? { namespaces: p.accessScope.namespaces } : {}),
        });
      nextToken = r.nextToken;
    } while (nextToken);
    return { principalArn, policies };
  }

  traceDestination(region: string): Promise<{ destination: string; status: string }> {
    const c = this.client('xray', region, (cfg) => new XRayClient(cfg));
    return call('xray:GetTraceSegmentDestination', async () => {
      const r = await c.send(new GetTraceSegmentDestinationCommand({}));
      return { destination: r.Destination ?? 'XRay', status: r.Status ?? 'UNKNOWN' };
    });
  }
}
