/**
 * A healthy deployment for the doctor, built from what deploy/ synthesizes: the harness, its execution
 * role, the bot task role and the FIS experiment role with their policies and trust exactly as the
 * template has them (resolved for the sample account), the table as sessions-table.ts defines it, and a
 * workspace in the fake Slack where every id resolves. Tests break one thing each and read the doctor.
 */

import {
  botTaskRolePolicy,
  deployedArn,
  identityPoliciesOf,
  resolveIntrinsics,
  SIM_ENV,
  synthesizedTemplate,
} from '../../deploy/test/helpers/iam-eval.ts';
import { logicalId } from '../../deploy/test/helpers/synth.ts';
import { runDoctor } from '../../src/doctor/run.ts';
import { AwsControlPlane, type ControlPlaneState } from '../../src/stand-ins/aws-control-plane.ts';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { MANIFEST_SCOPES } from '../helpers/manifest.ts';

export const ACCOUNT = SIM_ENV.account;
export const REGION = SIM_ENV.region;
/** The table's name as the synthesized bot role grants it. */
export const TABLE = deployedArn('AWS::DynamoDB::Table', 'Sessions').split('/')[1]!;
export const APPROVER = 'U0CAROL03';
export const GROUP = 'S0SRE0001';
export const ADMIN = 'U0ALICE01';
/** The roles' ARNs as the synthesized policies name them. */
export const BOT_ROLE = deployedArn('AWS::IAM::Role', 'BotTaskRole');
export const HARNESS_ROLE = deployedArn('AWS::IAM::Role', 'HarnessExecutionRole');
export const FIS_ROLE = deployedArn('AWS::IAM::Role', 'FisExperimentRole');
export const START_ROLE = deployedArn('AWS::IAM::Role', 'FisStartRole');
const nameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
export const RUNTIME_ID = 'opsagent_runtime-AbCdEf1234';
export const PROFILE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
export const MODEL = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

type Json = Record<string, unknown>;

function harnessProps(): Json {
  const json = synthesizedTemplate();
  const id = logicalId(json, 'AWS::BedrockAgentCore::Harness', 'Harness');
  return resolveIntrinsics(json.Resources[id]!.Properties, json) as Json;
}

export function harnessArn(): string {
  const json = synthesizedTemplate();
  return String(
    resolveIntrinsics(
      { 'Fn::GetAtt': [logicalId(json, 'AWS::BedrockAgentCore::Harness', 'Harness'), 'Arn'] },
      json,
    ),
  );
}

/** GetHarness's answer for the synthesized harness, as AgentCore reports a READY one. */
function harnessRecord(): Json {
  const p = harnessProps() as {
    HarnessName: string;
    EnvironmentVariables?: Record<string, string>;
    Skills: Array<{ Path: string }>;
    Model: { BedrockModelConfig: { ModelId: string } };
    Environment: {
      AgentCoreRuntimeEnvironment: { LifecycleConfiguration: { IdleRuntimeSessionTimeout: number } };
    };
  };
  const arn = harnessArn();
  return {
    harnessId: arn.slice(arn.lastIndexOf('/') + 1),
    harnessName: p.HarnessName,
    arn,
    status: 'READY',
    executionRoleArn: HARNESS_ROLE,
    createdAt: '2026-06-01T09:00:00Z',
    updatedAt: '2026-06-01T09:00:00Z',
    model: { bedrockModelConfig: { modelId: p.Model.BedrockModelConfig.ModelId } },
    systemPrompt: [{ text: 'You are an operations agent.' }],
    tools: [],
    skills: p.Skills.map((s) => ({ path: s.Path })),
    allowedTools: [],
    truncation: { strategy: 'none' },
    environment: {
      agentCoreRuntimeEnvironment: {
        agentRuntimeArn: `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:runtime/${RUNTIME_ID}`,
        agentRuntimeName: 'opsagent_runtime',
        agentRuntimeId: RUNTIME_ID,
        lifecycleConfiguration: {
          idleRuntimeSessionTimeout:
            p.Environment.AgentCoreRuntimeEnvironment.LifecycleConfiguration.IdleRuntimeSessionTimeout,
        },
        networkConfiguration: { networkMode: 'PUBLIC' },
      },
    },
    environmentArtifact: {
      containerConfiguration: {
        containerUri: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/cdk-hnb659fds-container-assets-${ACCOUNT}-${REGION}:abc123`,
      },
    },
    environmentVariables: {
      ...(p.EnvironmentVariables ?? {}),
      FIS_EXPERIMENT_ROLE_ARN: FIS_ROLE,
      FIS_LOG_GROUP_ARN: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/fis/agentcore-slack-bot:*`,
    },
  };
}

/** The synthesized role's policies, with the template's generated names replaced by the fixture's. */
function rolePolicies(hint: string): Json[] {
  const json = synthesizedTemplate();
  if (hint === 'BotTaskRole') return [botTaskRolePolicy(json) as unknown as Json];
  return identityPoliciesOf(json, logicalId(json, 'AWS::IAM::Role', hint)).map(
    (p) => p.policy as unknown as Json,
  );
}

function trustOf(hint: string): unknown {
  const json = synthesizedTemplate();
  const id = logicalId(json, 'AWS::IAM::Role', hint);
  return resolveIntrinsics(json.Resources[id]!.Properties?.AssumeRolePolicyDocument, json);
}

export function healthyState(): Partial<ControlPlaneState> & { account: string } {
  const h = harnessRecord();
  const modelId = (h.model as { bedrockModelConfig: { modelId: string } }).bedrockModelConfig.modelId;
  const foundation = modelId.replace(/^[a-z-]+\./, '');
  return {
    account: ACCOUNT,
    callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${nameOf(BOT_ROLE)}/doctor-task`,
    harnesses: new Map([[String(h.harnessId), h]]),
    inferenceProfiles: new Map([
      [
        `${REGION}/${modelId}`,
        {
          inferenceProfileName: 'US Claude Sonnet 4.5',
          inferenceProfileArn: `arn:aws:bedrock:${REGION}:${ACCOUNT}:inference-profile/${modelId}`,
          inferenceProfileId: modelId,
          status: 'ACTIVE',
          type: 'SYSTEM_DEFINED',
          models: ['us-east-1', 'us-east-2', 'us-west-2'].map((r) => ({
            modelArn: `arn:aws:bedrock:${r}::foundation-model/${foundation}`,
          })),
        },
      ],
    ]),
    foundationModels: new Map([
      [
        `${REGION}/${foundation}`,
        {
          modelArn: `arn:aws:bedrock:${REGION}::foundation-model/${foundation}`,
          modelId: foundation,
          providerName: 'Anthropic',
          inferenceTypesSupported: ['INFERENCE_PROFILE'],
          modelLifecycle: { status: 'ACTIVE' },
        },
      ],
    ]),
    roles: new Map([
      [
        nameOf(BOT_ROLE),
        { arn: BOT_ROLE, trust: trustOf('BotTaskRole'), policies: rolePolicies('BotTaskRole') as never },
      ],
      [
        nameOf(HARNESS_ROLE),
        {
          arn: HARNESS_ROLE,
          trust: trustOf('HarnessExecutionRole'),
          policies: rolePolicies('HarnessExecutionRole') as never,
        },
      ],
      [
        nameOf(FIS_ROLE),
        {
          arn: FIS_ROLE,
          trust: trustOf('FisExperimentRole'),
          policies: rolePolicies('FisExperimentRole') as never,
        },
      ],
      [
        nameOf(START_ROLE),
        { arn: START_ROLE, trust: trustOf('FisStartRole'), policies: rolePolicies('FisStartRole') as never },
      ],
    ]),
    tables: new Map([
      [
        TABLE,
        {
          table: {
            TableName: TABLE,
            TableStatus: 'ACTIVE',
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'sk', KeyType: 'RANGE' },
            ],
            AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((n) => ({
              AttributeName: n,
              AttributeType: 'S',
            })),
            GlobalSecondaryIndexes: [
              {
                IndexName: 'gsi1',
                IndexStatus: 'ACTIVE',
                KeySchema: [
                  { AttributeName: 'gsi1pk', KeyType: 'HASH' },
                  { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              },
            ],
          },
          ttl: { TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' },
          pitr: 'ENABLED',
        },
      ],
    ]),
    logGroups: new Map([
      [`${REGION}//aws/fis/agentcore-slack-bot`, { retentionInDays: 90 }],
      [`${REGION}//aws/bedrock-agentcore/runtimes/${RUNTIME_ID}-DEFAULT`, { retentionInDays: 30 }],
    ]),
    clusters: new Map([
      [
        `us-west-2/orders`,
        new Map([
          [
            HARNESS_ROLE,
            [
              {
                policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
                accessScope: { type: 'cluster' },
              },
            ],
          ],
        ]),
      ],
    ]),
    traceDestinations: new Map([[REGION, { Destination: 'CloudWatchLogs', Status: 'ACTIVE' }]]),
  };
}

export interface World {
  slack: FakeSlack;
  aws: AwsControlPlane;
  env: Record<string, string>;
  doctor(args?: string[], env?: Record<string, string | undefined>): ReturnType<typeof runDoctor>;
  close(): Promise<void>;
}

/** The fake Slack and the AWS stand-in with a healthy deployment; `change` breaks one thing first. */
export async function world(
  change: (s: ReturnType<typeof healthyState>, slack: FakeSlack) => void = () => {},
): Promise<World> {
  const slack = new FakeSlack({ scopes: [...MANIFEST_SCOPES] });
  slack.addUser({ id: APPROVER, name: 'carol' });
  slack.addUser({ id: ADMIN, name: 'alice' });
  slack.userGroups.set(GROUP, ['U0DAVE004']);
  slack.addChannel({ id: 'C0OPS0001', name: 'ops', isPrivate: true, members: [slack.botUserId] });
  const state = healthyState();
  change(state, slack);
  const aws = new AwsControlPlane(state);
  await Promise.all([slack.start(), aws.start()]);
  const env = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    HARNESS_ARN: harnessArn(),
    AWS_REGION: REGION,
    SESSIONS_TABLE: TABLE,
    HARNESS_SESSION_IDLE_SECONDS: String(
      (
        (state.harnesses!.values().next().value as Json).environment as {
          agentCoreRuntimeEnvironment: { lifecycleConfiguration: { idleRuntimeSessionTimeout: number } };
        }
      ).agentCoreRuntimeEnvironment.lifecycleConfiguration.idleRuntimeSessionTimeout,
    ),
    ALLOWED_CHANNELS: 'C0GENERAL,C0OPS0001',
    FIS_APPROVERS: `${APPROVER},${GROUP}`,
    // As the deploy sets it (bot-service.ts): each approved start assumes this role.
    FIS_START_ROLE_ARN: START_ROLE,
    COMMAND_ACCESS: `/fis run=${GROUP}`,
    BOT_ADMINS: ADMIN,
  };
  return {
    slack,
    aws,
    env,
    doctor: (args = ['--cluster', 'orders@us-west-2'], over = {}) =>
      runDoctor(
        args,
        { ...env, ...over },
        {
          awsEndpoint: {
            url: aws.url,
            credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
          },
        },
      ),
    close: async () => {
      await Promise.all([slack.stop(), aws.stop()]);
    },
  };
}
