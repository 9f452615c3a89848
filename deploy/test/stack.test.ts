/** The resources one `cdk deploy` creates (default settings: Socket Mode, environment-agnostic). */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { GSI } from '../../src/adapters/approval-store.ts';
import { EXIT_MARGIN_MS, INTERRUPT_WINDOW_MS } from '../../src/core/shutdown.ts';
import { ALL_SKILLS } from '../../src/core/skills.ts';
import { AWS_KNOWLEDGE_MCP } from '../../src/harness-catalog.ts';
import { SKILLS_BASE_PATH } from '../lib/constructs/harness.ts';
import { SESSIONS_GSI } from '../lib/constructs/sessions-table.ts';
import { SLACK_SECRET_KEYS } from '../lib/constructs/slack-secret.ts';
import {
  EXECUTE_MAX_WATCH_MINUTES,
  EXECUTE_MONITOR_CHUNK_MINUTES,
  FIS_TARGET_TAG,
  FIS_TEMPLATE_TAG,
  HARNESS_ENV,
  REPORTS_DIR,
} from '../lib/fis-contract.ts';
import { logicalId, synth } from './helpers/synth.ts';

const s = synth({
  fisApprovers: 'U012ABCDEF,S0123ABCD',
  botAdmins: 'S0ADMINS01',
  defaultTargetRegion: 'us-west-2',
});
afterAll(() => s.cleanup());
const { template, json } = s;

const botContainer = () => {
  const [td] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  const defs = (td!.Properties as { ContainerDefinitions: Container[] }).ContainerDefinitions;
  expect(defs).toHaveLength(1);
  return defs[0]!;
};
interface Container {
  Environment: { Name: string; Value: unknown }[];
  Secrets: { Name: string; ValueFrom: unknown }[];
  User?: string;
  ReadonlyRootFilesystem?: boolean;
  PortMappings?: unknown[];
  LogConfiguration: { LogDriver: string; Options: Record<string, unknown> };
}

describe('harness', () => {
  it('builds both images for linux/arm64 from files, without Docker at synth time', () => {
    expect(s.dockerAssets).toHaveLength(2);
    for (const a of s.dockerAssets) expect(a.source.platform).toBe('linux/arm64');
    const files = s.dockerAssets.map((a) => a.source.dockerFile).sort();
    expect(files).toEqual(['deploy/Dockerfile', 'harness-container/Dockerfile']);
  });

  it('creates the harness with model, prompt, the six skill paths, the knowledge MCP tool and limits', () => {
    template.resourceCountIs('AWS::BedrockAgentCore::Harness', 1);
    const roleId = logicalId(json, 'AWS::IAM::Role', 'HarnessExecutionRole');
    template.hasResourceProperties('AWS::BedrockAgentCore::Harness', {
      HarnessName: 'slack_ops_agent',
      ExecutionRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
      Model: {
        BedrockModelConfig: { ModelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', MaxTokens: 16384 },
      },
      SystemPrompt: [{ Text: Match.stringLikeRegexp('/opt/\\.agents/skills/') }],
      Skills: ALL_SKILLS.map((n) => ({ Path: `${SKILLS_BASE_PATH}${n}` })),
      Tools: [
        {
          Type: 'remote_mcp',
          Name: 'aws-knowledge-mcp',
          Config: { RemoteMcp: { Url: AWS_KNOWLEDGE_MCP.url } },
        },
      ],
      Environment: {
        AgentCoreRuntimeEnvironment: {
          LifecycleConfiguration: { IdleRuntimeSessionTimeout: 1800, MaxLifetime: 28800 },
          NetworkConfiguration: { NetworkMode: 'PUBLIC' },
        },
      },
      EnvironmentArtifact: { ContainerConfiguration: { ContainerUri: Match.anyValue() } },
      MaxIterations: 75,
      TimeoutSeconds: 3300,
      Memory: { ManagedMemoryConfiguration: { EventExpiryDuration: 30 } },
    });
    expect(ALL_SKILLS).toHaveLength(7);
  });

  it('points the harness at the harness image asset', () => {
    const [h] = Object.values(template.findResources('AWS::BedrockAgentCore::Harness'));
    const uri = JSON.stringify((h!.Properties as Record<string, unknown>).EnvironmentArtifact);
    expect(uri).toContain('container-assets');
  });

  it('is created only after its execution role has its policies (ECR pull above all)', () => {
    const harness = json.Resources[logicalId(json, 'AWS::BedrockAgentCore::Harness', 'Harness')]!;
    const rolePolicy = logicalId(json, 'AWS::IAM::Policy', 'HarnessExecutionRoleDefaultPolicy');
    expect(harness.DependsOn).toContain(rolePolicy);
  });

  it('keeps the agent loop under the 60-minute streaming limit', () => {
    const [h] = Object.values(template.findResources('AWS::BedrockAgentCore::Harness'));
    expect((h!.Properties as { TimeoutSeconds: number }).TimeoutSeconds).toBeLessThan(3600);
  });

  const harnessProps = () => {
    const [h] = Object.values(template.findResources('AWS::BedrockAgentCore::Harness'));
    return h!.Properties as {
      TimeoutSeconds: number;
      MaxIterations: number;
      EnvironmentVariables: Record<string, unknown>;
      SystemPrompt: { Text: unknown }[];
    };
  };

  it('leaves room for the execute skill to watch an experiment inside one resumed invocation', () => {
    const { TimeoutSeconds, MaxIterations } = harnessProps();
    // The watch, plus 5 minutes to confirm, stop and write the report.
    expect(EXECUTE_MAX_WATCH_MINUTES * 60 + 300).toBeLessThanOrEqual(TimeoutSeconds);
    // Each monitor chunk costs one tool call plus up to four metric reads; 15 calls for the rest of the run.
    const chunks = Math.ceil(EXECUTE_MAX_WATCH_MINUTES / EXECUTE_MONITOR_CHUNK_MINUTES);
    expect(chunks * 5 + 15).toBeLessThanOrEqual(MaxIterations);
  });

  it('gives the agent the FIS contract as environment variables', () => {
    const env = harnessProps().EnvironmentVariables;
    const fisRoleId = logicalId(json, 'AWS::IAM::Role', 'FisExperimentRole');
    expect(env).toEqual({
      [HARNESS_ENV.fisExperimentRoleArn]: { 'Fn::GetAtt': [fisRoleId, 'Arn'] },
      [HARNESS_ENV.fisTemplateTagKey]: FIS_TEMPLATE_TAG.key,
      [HARNESS_ENV.fisTemplateTagValue]: FIS_TEMPLATE_TAG.value,
      [HARNESS_ENV.fisTargetTagKey]: FIS_TARGET_TAG.key,
      [HARNESS_ENV.fisTargetTagValue]: FIS_TARGET_TAG.value,
      [HARNESS_ENV.reportsDir]: REPORTS_DIR,
      [HARNESS_ENV.fisLogGroupArn]: {
        'Fn::GetAtt': [logicalId(json, 'AWS::Logs::LogGroup', 'FisExperimentLogs'), 'Arn'],
      },
      [HARNESS_ENV.fisAlarmPrefix]: 'AgentCoreSlackBot-fis-stop-',
      [HARNESS_ENV.fisReportBucket]: { Ref: logicalId(json, 'AWS::S3::Bucket', 'Reports') },
    });
  });

  it('creates the experiment log group, with retention, that the FIS role may deliver logs to', () => {
    const group = json.Resources[logicalId(json, 'AWS::Logs::LogGroup', 'FisExperimentLogs')]!;
    expect(group.Properties?.RetentionInDays).toBe(90);
    // Generated name: it outlives the stack, and a second stack must not collide with it.
    expect(group.Properties?.LogGroupName).toBeUndefined();
  });

  it('tells the agent the tags, the FIS role, that it may stop experiments, and where reports go', () => {
    const text = JSON.stringify(harnessProps().SystemPrompt);
    expect(text).toContain(`${FIS_TEMPLATE_TAG.key}=${FIS_TEMPLATE_TAG.value}`);
    expect(text).toContain(`${FIS_TARGET_TAG.key}=${FIS_TARGET_TAG.value}`);
    expect(text).toContain(`$${HARNESS_ENV.fisExperimentRoleArn}`);
    expect(text).toContain(REPORTS_DIR);
    expect(text).toContain('aws fis stop-experiment');
    expect(text).not.toMatch(/working directory/);
  });
});

describe('storage and secrets', () => {
  it('creates one on-demand table with pk/sk, TTL, point-in-time recovery and KMS encryption', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          // The keys of the sparse index gsi1 (asserted below).
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  it('has the sparse index gsi1 (gsi1pk/gsi1sk strings, projection ALL) the approval store queries', () => {
    expect(SESSIONS_GSI.name).toBe(GSI);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('creates the Slack secret with no token in the template', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const [secret] = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    const props = secret!.Properties as {
      SecretString?: unknown;
      GenerateSecretString: Record<string, string>;
    };
    expect(props.SecretString).toBeUndefined();
    const placeholders = JSON.parse(props.GenerateSecretString.SecretStringTemplate!);
    expect(Object.keys(placeholders).sort()).toEqual([...SLACK_SECRET_KEYS].sort());
    for (const v of Object.values(placeholders)) expect(v).toBe('');
    expect(JSON.stringify(json)).not.toMatch(/xox[abpr]-|xapp-/);
  });
});

describe('bot service', () => {
  it('runs on Fargate ARM64 as a non-root user with a read-only root filesystem', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    template.hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE', DesiredCount: 1 });
    const c = botContainer();
    expect(c.User).toBe('node');
    expect(c.ReadonlyRootFilesystem).toBe(true);
  });

  it('uses Socket Mode by default: app token injected, no signing secret, no open port, no load balancer', () => {
    const c = botContainer();
    const secrets = c.Secrets.map((x) => x.Name).sort();
    expect(secrets).toEqual(['SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN']);
    expect(c.PortMappings ?? []).toHaveLength(0);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.absent(),
    });
  });

  it('passes the harness, table, skills path, region, approvers and log level to the bot', () => {
    const env = Object.fromEntries(botContainer().Environment.map((e) => [e.Name, e.Value]));
    const harnessId = logicalId(json, 'AWS::BedrockAgentCore::Harness', 'Harness');
    const tableId = logicalId(json, 'AWS::DynamoDB::Table', 'Sessions');
    expect(env.HARNESS_ARN).toEqual({ 'Fn::GetAtt': [harnessId, 'Arn'] });
    expect(env.SESSIONS_TABLE).toEqual({ Ref: tableId });
    expect(env.SKILLS_BASE_PATH).toBe('/opt/.agents/skills/');
    expect(env.AWS_REGION).toEqual({ Ref: 'AWS::Region' });
    expect(env.DEFAULT_TARGET_REGION).toBe('us-west-2');
    expect(env.FIS_APPROVERS).toBe('U012ABCDEF,S0123ABCD');
    expect(env.BOT_ADMINS).toBe('S0ADMINS01');
    // Bot settings left unset keep the bot's own defaults (its schema), not a second copy here.
    expect(env.LOG_LEVEL).toBeUndefined();
    expect(env.BOT_MODE).toBe('slack');
    for (const name of Object.keys(env)) expect(name).not.toMatch(/TOKEN|SECRET/);
  });

  it('health-checks /healthz in every mode and gives running answers time to drain on stop', () => {
    const c = botContainer() as unknown as {
      HealthCheck: { Command: string[] };
      StopTimeout: number;
      Environment: Array<{ Name: string; Value: unknown }>;
    };
    expect(c.HealthCheck.Command.join(' ')).toContain('/healthz');
    const env = Object.fromEntries(c.Environment.map((e) => [e.Name, e.Value]));
    expect(env.PORT).toBe('3000');
    // The grace, then the interruption notes of runs still going, then closing down: all before SIGKILL.
    expect(
      Number(env.SHUTDOWN_GRACE_SECONDS) * 1000 + INTERRUPT_WINDOW_MS + EXIT_MARGIN_MS,
    ).toBeLessThanOrEqual(c.StopTimeout * 1000);
  });

  it('logs to a log group with retention', () => {
    // The bot's log group, the FIS experiment log group and the tool guard function's (on by default:
    // deploy/test/tool-guard.test.ts); the harness runtime's gets its retention through LogRetention
    // (deploy/test/observability.test.ts).
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(botContainer().LogConfiguration.LogDriver).toBe('awslogs');
  });
});

describe('alarms', () => {
  it('alarms on error logs and on the service not running, notifying an SNS topic', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.level >= 50 }',
      MetricTransformations: [Match.objectLike({ MetricName: 'BotErrorLogs' })],
    });
    const topicId = logicalId(json, 'AWS::SNS::Topic', 'Alarms');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(
      alarms
        .map((a) => (a.Properties as { MetricName?: string }).MetricName)
        .filter(Boolean)
        .sort(),
    ).toEqual(['BotErrorLogs', 'RunningTaskCount']);
    // Plus the two metric-math alarms on turns (deploy/test/alarms.test.ts).
    expect(alarms).toHaveLength(4);
    for (const a of alarms)
      expect((a.Properties as { AlarmActions: unknown[] }).AlarmActions).toEqual([{ Ref: topicId }]);
  });
});

describe('roles', () => {
  it('creates the harness execution role, the FIS experiment role and the bot task role', () => {
    for (const hint of ['HarnessExecutionRole', 'FisExperimentRole', 'BotTaskRole']) {
      expect(logicalId(json, 'AWS::IAM::Role', hint)).toBeTruthy();
    }
  });

  it('outputs what the operator needs after deploy', () => {
    for (const key of [
      'HarnessArn',
      'SlackSecretArn',
      'SessionsTableName',
      'FisExperimentRoleArn',
      'BotLogGroup',
    ]) {
      template.hasOutput(key, Match.anyValue());
    }
  });
});
