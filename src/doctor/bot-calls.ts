/**
 * Every AWS command the bot's adapters send, and the requests IAM authorizes for it, in the deployment
 * the configuration describes. The doctor simulates these for the bot's role; test/doctor/bot-calls.test.ts
 * fails when an adapter sends a command this list does not know.
 */
import type { Config } from '../config.ts';
import { harnessEnv } from './arns.ts';
import type { HarnessInfo, SimulationRequest } from './ports.ts';

/** The tag the bot's role requires on templates it starts (deploy's default; the harness says what it uses). */
export const DEFAULT_TEMPLATE_TAG = { key: 'managed-by', value: 'agentcore-slack-bot' } as const;

export function templateTagOf(h: HarnessInfo | undefined): { key: string; value: string } {
  const key = h?.environmentVariables.FIS_TEMPLATE_TAG_KEY;
  const value = h?.environmentVariables.FIS_TEMPLATE_TAG_VALUE;
  return key && value ? { key, value } : DEFAULT_TEMPLATE_TAG;
}

interface Where {
  harness: string[];
  table?: string;
  tableIndex?: string;
  template: string;
  experiment: string;
  alarm: string;
  /** `arn:<partition>:ecs:<region>:<account>` of the experiments' Region. */
  ecs: string;
  /** `arn:<partition>:<service>:<region>:<account>` of the experiments' Region, for eks and lambda. */
  eks: string;
  lambda: string;
  /** `arn:<partition>:rds:<region>:<account>` of the experiments' Region. */
  rds: string;
  templateTag: { key: string; value: string };
  /** The start-only role the bot assumes for each approved start (FIS_START_ROLE_ARN), when deployed. */
  startRole?: string;
}

/** SDK command → what AWS authorizes for it. */
export const BOT_COMMANDS: Record<string, (w: Where) => SimulationRequest[]> = {
  InvokeHarnessCommand: (w) =>
    w.harness.flatMap((resource) => [
      { action: 'bedrock-agentcore:InvokeHarness', resource },
      { action: 'bedrock-agentcore:InvokeAgentRuntime', resource },
    ]),
  InvokeAgentRuntimeCommandCommand: (w) =>
    w.harness.map((resource) => ({ action: 'bedrock-agentcore:InvokeAgentRuntimeCommand', resource })),
  StopRuntimeSessionCommand: (w) =>
    w.harness.map((resource) => ({ action: 'bedrock-agentcore:StopRuntimeSession', resource })),
  DescribeTableCommand: (w) => (w.table ? [{ action: 'dynamodb:DescribeTable', resource: w.table }] : []),
  GetCommand: (w) => (w.table ? [{ action: 'dynamodb:GetItem', resource: w.table }] : []),
  // The replica heartbeat's read of its running claims (src/adapters/session-batch-read.ts).
  BatchGetCommand: (w) => (w.table ? [{ action: 'dynamodb:BatchGetItem', resource: w.table }] : []),
  PutCommand: (w) => (w.table ? [{ action: 'dynamodb:PutItem', resource: w.table }] : []),
  UpdateCommand: (w) => (w.table ? [{ action: 'dynamodb:UpdateItem', resource: w.table }] : []),
  QueryCommand: (w) =>
    w.table && w.tableIndex
      ? [
          { action: 'dynamodb:Query', resource: w.table },
          { action: 'dynamodb:Query', resource: w.tableIndex },
        ]
      : [],
  GetExperimentTemplateCommand: (w) => [{ action: 'fis:GetExperimentTemplate', resource: w.template }],
  // With a start-only role the bot's own role never starts anything: it assumes that role (fis.template-tag
  // checks what the start role may start). Without one, the bot's role starts tagged templates itself.
  StartExperimentCommand: (w) =>
    w.startRole
      ? []
      : [
          {
            action: 'fis:StartExperiment',
            resource: w.template,
            context: { [`aws:ResourceTag/${w.templateTag.key}`]: w.templateTag.value },
          },
          { action: 'fis:StartExperiment', resource: w.experiment },
        ],
  AssumeRoleCommand: (w) =>
    w.startRole
      ? [
          { action: 'sts:AssumeRole', resource: w.startRole },
          { action: 'sts:SetSourceIdentity', resource: w.startRole },
        ]
      : [],
  ListTargetAccountConfigurationsCommand: (w) => [
    { action: 'fis:ListTargetAccountConfigurations', resource: w.template },
  ],
  // Blast radius: resolving a template's tag-selected targets the way FIS will.
  GetResourcesCommand: () => [{ action: 'tag:GetResources', resource: '*' }],
  // EC2 instance targets: their descriptions (FIS filters, AZs) and, after the experiment, their health.
  DescribeInstancesCommand: () => [{ action: 'ec2:DescribeInstances', resource: '*' }],
  DescribeInstanceStatusCommand: () => [{ action: 'ec2:DescribeInstanceStatus', resource: '*' }],
  // ECS task targets: whether their services run their desired count again after the experiment.
  DescribeTasksCommand: (w) => [{ action: 'ecs:DescribeTasks', resource: `${w.ecs}:task/doctor-check/0` }],
  DescribeServicesCommand: (w) => [
    { action: 'ecs:DescribeServices', resource: `${w.ecs}:service/doctor-check/doctor-check` },
  ],
  // Auto Scaling group, EKS node group and Lambda function targets: descriptions (filters) and health after.
  DescribeAutoScalingGroupsCommand: () => [
    { action: 'autoscaling:DescribeAutoScalingGroups', resource: '*' },
  ],
  DescribeNodegroupCommand: (w) => [
    { action: 'eks:DescribeNodegroup', resource: `${w.eks}:nodegroup/doctor-check/doctor-check/0` },
  ],
  GetFunctionConfigurationCommand: (w) => [
    { action: 'lambda:GetFunctionConfiguration', resource: `${w.lambda}:function:doctor-check` },
  ],
  // RDS targets (aws:rds:db, aws:rds:cluster): descriptions and health, asked for by filter (the account's pattern).
  DescribeDBInstancesCommand: (w) => [{ action: 'rds:DescribeDBInstances', resource: `${w.rds}:db:*` }],
  DescribeDBClustersCommand: (w) => [{ action: 'rds:DescribeDBClusters', resource: `${w.rds}:cluster:*` }],
  GetExperimentCommand: (w) => [{ action: 'fis:GetExperiment', resource: w.experiment }],
  StopExperimentCommand: (w) => [{ action: 'fis:StopExperiment', resource: w.experiment }],
  ListExperimentsCommand: () => [{ action: 'fis:ListExperiments', resource: '*' }],
  // Stop-condition alarms of an experiment the bot starts (the alarm resource type is required).
  DescribeAlarmsCommand: (w) => [{ action: 'cloudwatch:DescribeAlarms', resource: w.alarm }],
  DescribeAlarmHistoryCommand: (w) => [{ action: 'cloudwatch:DescribeAlarmHistory', resource: w.alarm }],
};

const FIS_COMMANDS = new Set([
  'GetExperimentTemplateCommand',
  'StartExperimentCommand',
  'AssumeRoleCommand',
  'ListTargetAccountConfigurationsCommand',
  'GetResourcesCommand',
  'DescribeInstancesCommand',
  'DescribeInstanceStatusCommand',
  'DescribeTasksCommand',
  'DescribeServicesCommand',
  'DescribeAutoScalingGroupsCommand',
  'DescribeNodegroupCommand',
  'GetFunctionConfigurationCommand',
  'DescribeDBInstancesCommand',
  'DescribeDBClustersCommand',
  'GetExperimentCommand',
  'StopExperimentCommand',
  'ListExperimentsCommand',
  'DescribeAlarmsCommand',
  'DescribeAlarmHistoryCommand',
]);

/** The requests the bot's role must allow with this configuration (FIS only when approvals are on). */
export function botRequests(
  config: Config,
  templateTag: { key: string; value: string },
): SimulationRequest[] {
  const { partition: P, account: A } = harnessEnv(config.harness.arn);
  const fisRegion = config.defaultTargetRegion;
  const table = config.store.table
    ? `arn:${P}:dynamodb:${config.store.region}:${A}:table/${config.store.table}`
    : undefined;
  const where: Where = {
    harness: [
      config.harness.arn,
      `${config.harness.arn}/harness-endpoint/${config.harness.qualifier ?? 'DEFAULT'}`,
    ],
    table,
    tableIndex: table ? `${table}/index/gsi1` : undefined,
    template: `arn:${P}:fis:${fisRegion}:${A}:experiment-template/EXTdoctorcheck`,
    experiment: `arn:${P}:fis:${fisRegion}:${A}:experiment/EXPdoctorcheck`,
    alarm: `arn:${P}:cloudwatch:${fisRegion}:${A}:alarm:doctor-check`,
    ecs: `arn:${P}:ecs:${fisRegion}:${A}`,
    eks: `arn:${P}:eks:${fisRegion}:${A}`,
    lambda: `arn:${P}:lambda:${fisRegion}:${A}`,
    rds: `arn:${P}:rds:${fisRegion}:${A}`,
    templateTag,
    startRole: config.approvals.startRoleArn,
  };
  const approvals = config.approvals.approvers.length > 0;
  return Object.entries(BOT_COMMANDS)
    .filter(([name]) => approvals || !FIS_COMMANDS.has(name))
    .flatMap(([, f]) => f(where));
}
