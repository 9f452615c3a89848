/**
 * A local stand-in for the AWS control-plane calls the doctor makes, spoken in each service's own wire
 * protocol so the real SDK clients talk to it (every client pointed at this one endpoint; the service is
 * the one the request was SigV4-signed for):
 * - bedrock-agentcore GetHarness, bedrock GetInferenceProfile / GetFoundationModel, eks ListAccessEntries /
 *   ListAssociatedAccessPolicies, xray GetTraceSegmentDestination: rest-json;
 * - dynamodb DescribeTable / DescribeTimeToLive / DescribeContinuousBackups (JSON 1.0), logs
 *   DescribeLogGroups (JSON 1.1);
 * - iam GetRole / SimulatePrincipalPolicy, sts GetCallerIdentity: query protocol with XML answers.
 * As strict as the services: SigV4 required, required members checked, the modelled error per
 * operation (ResourceNotFoundException, NoSuchEntity, TableNotFoundException…), and
 * SimulatePrincipalPolicy decided by a real IAM policy evaluator over the role's policies
 * (@cloud-copilot/iam-simulate via iam-authorizer.ts), so a missing statement is found, not assumed.
 * Contract test: test/doctor/aws-control-plane-contract.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Authorizer, evaluate, type PolicyDocument } from './iam-authorizer.ts';

export interface RoleRecord {
  arn: string;
  trust: unknown;
  policies: PolicyDocument[];
}

export interface TableRecord {
  /** DescribeTable's `Table`, as DynamoDB returns it. */
  table: Record<string, unknown>;
  ttl: { TimeToLiveStatus: string; AttributeName?: string };
  pitr: 'ENABLED' | 'DISABLED';
}

export interface ControlPlaneState {
  account: string;
  /** Who the credentials are (sts:GetCallerIdentity). */
  callerArn: string;
  /** GetHarness's `harness`, by harness id (name-suffix). */
  harnesses: Map<string, Record<string, unknown>>;
  /** GetInferenceProfile answers by `<region>/<id>`. */
  inferenceProfiles: Map<string, Record<string, unknown>>;
  /** GetFoundationModel's `modelDetails` by `<region>/<modelId>`. */
  foundationModels: Map<string, Record<string, unknown>>;
  roles: Map<string, RoleRecord>;
  tables: Map<string, TableRecord>;
  /** Log groups by `<region>/<name>`. */
  logGroups: Map<string, { retentionInDays?: number }>;
  /** EKS clusters by `<region>/<name>`: principal ARN → associated access policies. */
  clusters: Map<
    string,
    Map<string, Array<{ policyArn: string; accessScope: { type: string; namespaces?: string[] } }>>
  >;
  /** X-Ray trace segment destination by region (default: XRay, ACTIVE). */
  traceDestinations: Map<string, { Destination: string; Status: string }>;
}

export interface ControlPlaneCall {
  service: string;
  op: string;
  region: string;
}

class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The errors each operation may answer, by the SDK's name for them: exactly the ones its model lists
 * (`@throws` in the SDK's command declarations; test/doctor/aws-control-plane-contract.test.ts holds them
 * to it). Access denied is AWS's common error for every operation and is not listed.
 */
export const MODELLED_ERRORS: Record<string, { client: string; errors: readonly string[] }> = {
  GetHarness: {
    client: 'client-bedrock-agentcore-control',
    errors: ['ResourceNotFoundException', 'ValidationException'],
  },
  GetInferenceProfile: { client: 'client-bedrock', errors: ['ResourceNotFoundException'] },
  GetFoundationModel: { client: 'client-bedrock', errors: ['ResourceNotFoundException'] },
  ListAccessEntries: { client: 'client-eks', errors: ['ResourceNotFoundException'] },
  ListAssociatedAccessPolicies: { client: 'client-eks', errors: ['ResourceNotFoundException'] },
  GetTraceSegmentDestination: { client: 'client-xray', errors: [] },
  DescribeTable: { client: 'client-dynamodb', errors: ['ResourceNotFoundException'] },
  DescribeTimeToLive: { client: 'client-dynamodb', errors: ['ResourceNotFoundException'] },
  DescribeContinuousBackups: { client: 'client-dynamodb', errors: ['TableNotFoundException'] },
  DescribeLogGroups: { client: 'client-cloudwatch-logs', errors: [] },
  GetRole: { client: 'client-iam', errors: ['NoSuchEntityException'] },
  SimulatePrincipalPolicy: {
    client: 'client-iam',
    errors: ['NoSuchEntityException', 'InvalidInputException'],
  },
  GetCallerIdentity: { client: 'client-sts', errors: [] },
};

/** A modelled error of `op` (query services put the name without "Exception" on the wire). */
function modelled(op: string, name: string, message: string): ServiceError {
  if (!MODELLED_ERRORS[op]?.errors.includes(name)) throw new Error(`${op} does not model ${name}`);
  const wire = op === 'GetRole' || op === 'SimulatePrincipalPolicy' ? name.replace(/Exception$/, '') : name;
  return new ServiceError(wire === 'NoSuchEntity' ? 404 : 400, wire, message);
}

export class AwsControlPlane {
  readonly calls: ControlPlaneCall[] = [];
  readonly state: ControlPlaneState;
  private server: Server | undefined;
  url = '';

  /** `authorizer`: the doctor's own permissions (each call's IAM action on "*"); none means allowed. */
  constructor(
    state: Partial<ControlPlaneState> & { account: string },
    private readonly authorizer?: Authorizer,
  ) {
    this.state = {
      callerArn: `arn:aws:iam::${state.account}:user/operator`,
      harnesses: new Map(),
      inferenceProfiles: new Map(),
      foundationModels: new Map(),
      roles: new Map(),
      tables: new Map(),
      logGroups: new Map(),
      clusters: new Map(),
      traceDestinations: new Map(),
      ...state,
    };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
      req.headers.authorization ?? '',
    );
    const url = new URL(req.url ?? '/', 'http://x');
    if (!scope) {
      res.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'MissingAuthenticationTokenException',
      });
      res.end(JSON.stringify({ message: 'Missing Authentication Token' }));
      return;
    }
    const [, region, service] = scope as unknown as [string, string, string];
    const query = service === 'iam' || service === 'sts';
    const json = service === 'dynamodb' || service === 'logs';
    try {
      if (query) {
        const p = new URLSearchParams(body);
        const op = p.get('Action') ?? '';
        await this.authorize(service, op);
        return this.xml(res, service, op, await this.queryOp(service, op, p));
      }
      if (json) {
        const op = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        await this.authorize(service, op);
        return this.send(res, 200, this.jsonOp(service, op, region, body ? JSON.parse(body) : {}));
      }
      const { op, answer } = this.restOp(service, region, req.method ?? 'GET', url);
      await this.authorize(service, op);
      return this.send(res, 200, answer());
    } catch (err) {
      const e = err instanceof ServiceError ? err : new ServiceError(500, 'InternalFailure', String(err));
      if (query) {
        res.writeHead(e.status, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${e.code}</Code><Message>${esc(e.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
      } else if (json) {
        const ns = service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810' : 'com.amazonaws.logs';
        this.send(res, e.status, { __type: `${ns}#${e.code}`, message: e.message });
      } else {
        res.writeHead(e.status, { 'content-type': 'application/json', 'x-amzn-errortype': e.code });
        res.end(JSON.stringify({ message: e.message }));
      }
    }
  }

  private async authorize(service: string, op: string): Promise<void> {
    this.calls.push({ service, op, region: '' });
    if (!this.authorizer || (service === 'sts' && op === 'GetCallerIdentity')) return;
    const prefix = service === 'logs' ? 'logs' : service;
    const d = await this.authorizer.authorize([{ action: `${prefix}:${op}`, resource: '*' }]);
    if (!d.allowed)
      throw new ServiceError(
        service === 'iam' ? 403 : 400,
        service === 'iam' ? 'AccessDenied' : 'AccessDeniedException',
        d.message,
      );
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(body));
  }

  private xml(res: ServerResponse, service: string, op: string, inner: string): void {
    const ns =
      service === 'iam'
        ? 'https://iam.amazonaws.com/doc/2010-05-08/'
        : 'https://sts.amazonaws.com/doc/2011-06-15/';
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<${op}Response xmlns="${ns}"><${op}Result>${inner}</${op}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${op}Response>`,
    );
  }

  private async queryOp(service: string, op: string, p: URLSearchParams): Promise<string> {
    const s = this.state;
    if (service === 'sts' && op === 'GetCallerIdentity') {
      return `<Arn>${s.callerArn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>${s.account}</Account>`;
    }
    if (service === 'iam' && op === 'GetRole') {
      const name = required(p.get('RoleName'), 'RoleName');
      const role = s.roles.get(name);
      if (!role)
        throw modelled('GetRole', 'NoSuchEntityException', `The role with name ${name} cannot be found.`);
      return `<Role><Path>/</Path><RoleName>${esc(name)}</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>${role.arn}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${esc(encodeURIComponent(JSON.stringify(role.trust)))}</AssumeRolePolicyDocument></Role>`;
    }
    if (service === 'iam' && op === 'SimulatePrincipalPolicy') {
      const source = required(p.get('PolicySourceArn'), 'PolicySourceArn');
      const actions = members(p, 'ActionNames');
      if (actions.length === 0)
        throw modelled(
          'SimulatePrincipalPolicy',
          'InvalidInputException',
          'ActionNames must contain at least one action',
        );
      const role = [...s.roles.values()].find((r) => r.arn === source);
      if (!role)
        throw modelled(
          'SimulatePrincipalPolicy',
          'NoSuchEntityException',
          `The user, group or role ${source} cannot be found.`,
        );
      const resources = members(p, 'ResourceArns');
      const context: Record<string, string | string[]> = {};
      for (let i = 1; p.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
        const key = p.get(`ContextEntries.member.${i}.ContextKeyName`)!;
        const values = members(p, `ContextEntries.member.${i}.ContextKeyValues`);
        context[key] = p.get(`ContextEntries.member.${i}.ContextKeyType`)?.endsWith('List')
          ? values
          : (values[0] ?? '');
      }
      const results: string[] = [];
      for (const action of actions) {
        const decisions: string[] = [];
        for (const resource of resources.length ? resources : ['*']) {
          const r = await evaluate(
            { policies: role.policies, accountId: s.account, principalArn: source },
            { action, resource, context },
          );
          decisions.push(
            r === 'Allowed' ? 'allowed' : r === 'ExplicitlyDenied' ? 'explicitDeny' : 'implicitDeny',
          );
        }
        const overall = decisions.includes('explicitDeny')
          ? 'explicitDeny'
          : decisions.every((d) => d === 'allowed')
            ? 'allowed'
            : 'implicitDeny';
        results.push(
          `<member><EvalActionName>${action}</EvalActionName><EvalResourceName>${esc(resources[0] ?? '*')}</EvalResourceName><EvalDecision>${overall}</EvalDecision><MatchedStatements/><MissingContextValues/></member>`,
        );
      }
      return `<IsTruncated>false</IsTruncated><EvaluationResults>${results.join('')}</EvaluationResults>`;
    }
    throw new ServiceError(400, 'InvalidAction', `Could not find operation ${op} for version`);
  }

  private jsonOp(service: string, op: string, region: string, b: Record<string, unknown>): unknown {
    const s = this.state;
    if (service === 'dynamodb') {
      const name = required(b.TableName as string, 'TableName');
      const t = s.tables.get(name);
      const missing = `Requested resource not found: Table: ${name} not found`;
      if (op === 'DescribeTable') {
        if (!t) throw modelled(op, 'ResourceNotFoundException', missing);
        return { Table: t.table };
      }
      if (op === 'DescribeTimeToLive') {
        if (!t) throw modelled(op, 'ResourceNotFoundException', missing);
        return { TimeToLiveDescription: t.ttl };
      }
      if (op === 'DescribeContinuousBackups') {
        if (!t) throw modelled(op, 'TableNotFoundException', `Table not found: ${name}`);
        return {
          ContinuousBackupsDescription: {
            ContinuousBackupsStatus: 'ENABLED',
            PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: t.pitr },
          },
        };
      }
    }
    if (service === 'logs' && op === 'DescribeLogGroups') {
      const prefix = (b.logGroupNamePrefix as string | undefined) ?? '';
      const logGroups = [...s.logGroups.entries()]
        .filter(([k]) => k.startsWith(`${region}/${prefix}`))
        .map(([k, v]) => ({
          logGroupName: k.slice(region.length + 1),
          arn: `arn:aws:logs:${region}:${s.account}:log-group:${k.slice(region.length + 1)}:*`,
          ...(v.retentionInDays ? { retentionInDays: v.retentionInDays } : {}),
        }));
      return { logGroups };
    }
    throw new ServiceError(400, 'UnknownOperationException', `${op} is not served here`);
  }

  private restOp(
    service: string,
    region: string,
    method: string,
    url: URL,
  ): { op: string; answer: () => unknown } {
    const s = this.state;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (
      service === 'bedrock-agentcore' &&
      method === 'GET' &&
      parts[0] === 'harnesses' &&
      parts.length === 2
    ) {
      return {
        op: 'GetHarness',
        answer: () => {
          const h = s.harnesses.get(parts[1]!);
          if (!h || !String(h.arn).includes(`:${region}:`))
            throw modelled('GetHarness', 'ResourceNotFoundException', `Harness ${parts[1]} not found`);
          return { harness: h };
        },
      };
    }
    if (
      service === 'bedrock' &&
      method === 'GET' &&
      parts[0] === 'inference-profiles' &&
      parts.length === 2
    ) {
      return {
        op: 'GetInferenceProfile',
        answer: () => {
          const id = parts[1]!.replace(/^arn:.*inference-profile\//, '');
          const p = s.inferenceProfiles.get(`${region}/${id}`);
          if (!p)
            throw modelled(
              'GetInferenceProfile',
              'ResourceNotFoundException',
              `Inference profile ${id} not found`,
            );
          return p;
        },
      };
    }
    if (service === 'bedrock' && method === 'GET' && parts[0] === 'foundation-models' && parts.length === 2) {
      return {
        op: 'GetFoundationModel',
        answer: () => {
          const m = s.foundationModels.get(`${region}/${parts[1]}`);
          if (!m)
            throw modelled(
              'GetFoundationModel',
              'ResourceNotFoundException',
              `The model ${parts[1]} does not exist`,
            );
          return { modelDetails: m };
        },
      };
    }
    if (service === 'eks' && method === 'GET' && parts[0] === 'clusters' && parts[2] === 'access-entries') {
      const cluster = s.clusters.get(`${region}/${parts[1]}`);
      const missing = (op: string) =>
        modelled(op, 'ResourceNotFoundException', `No cluster found for name: ${parts[1]}.`);
      if (parts.length === 3)
        return {
          op: 'ListAccessEntries',
          answer: () => {
            if (!cluster) throw missing('ListAccessEntries');
            return { accessEntries: [...cluster.keys()] };
          },
        };
      if (parts.length === 5 && parts[4] === 'access-policies')
        return {
          op: 'ListAssociatedAccessPolicies',
          answer: () => {
            if (!cluster) throw missing('ListAssociatedAccessPolicies');
            const policies = cluster.get(parts[3]!);
            if (!policies)
              throw modelled(
                'ListAssociatedAccessPolicies',
                'ResourceNotFoundException',
                `The specified access entry resource is not found.`,
              );
            return { clusterName: parts[1], principalArn: parts[3], associatedAccessPolicies: policies };
          },
        };
    }
    if (service === 'xray' && method === 'POST' && url.pathname === '/GetTraceSegmentDestination') {
      return {
        op: 'GetTraceSegmentDestination',
        answer: () => s.traceDestinations.get(region) ?? { Destination: 'XRay', Status: 'ACTIVE' },
      };
    }
    throw new ServiceError(404, 'UnknownOperationException', `${method} ${url.pathname} is not served here`);
  }
}

function required(v: string | null | undefined, name: string): string {
  if (!v)
    throw new ServiceError(
      400,
      'ValidationException',
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  return v;
}

function members(p: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; p.has(`${name}.member.${i}`); i++) out.push(p.get(`${name}.member.${i}`)!);
  return out;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
