import { parseTargetAccounts, type TargetAccount } from '../../src/core/target-accounts.ts';
import { readBotSettings } from './bot-settings.ts';
import { type ContextReader, contextFields } from './context-fields.ts';
import { EXECUTE_MAX_WATCH_MINUTES, FIS_TARGET_TAG, FIS_TEMPLATE_TAG } from './fis-contract.ts';
import { type HarnessSettings, readHarnessSettings } from './harness-settings.ts';
import { modelRegionProblem } from './model-geography.ts';
import { MEMORY_STRATEGIES, type MemoryStrategy, type Settings } from './settings-types.ts';

export type { ContextReader } from './context-fields.ts';
export { foundationModelId, modelRegionProblem } from './model-geography.ts';
export {
  type HarnessMemory,
  MEMORY_STRATEGIES,
  type MemoryStrategy,
  type Settings,
  type SlackMode,
} from './settings-types.ts';

/**
 * Deployment settings: read from CDK context (`cdk deploy -c key=value`, or "context" in deploy/cdk.json), validated
 * once, with defaults. Nothing secret belongs here: Slack tokens live only in Secrets Manager.
 * The bot's own settings are not repeated here: they pass through from the bot's schema (bot-settings.ts).
 */

const DEFAULTS = {
  stackName: 'AgentCoreSlackBot',
  harnessName: 'slack_ops_agent',
  modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  modelMaxTokens: 16384,
  harnessMaxIterations: 75,
  harnessTimeoutSeconds: 3300,
  harnessIdleTimeoutSeconds: 1800,
  harnessMaxLifetimeSeconds: 28800,
  harnessMemory: 'managed',
  harnessToolGuard: 'on',
  memoryEventExpiryDays: 30,
  fisTemplateTagKey: FIS_TEMPLATE_TAG.key,
  fisTemplateTagValue: FIS_TEMPLATE_TAG.value,
  fisTargetTagKey: FIS_TARGET_TAG.key,
  fisTargetTagValue: FIS_TARGET_TAG.value,
  slackMode: 'socket',
  githubBranch: 'main',
  alarmFailureRatePercent: 50,
  alarmMinTurns: 3,
  logRetentionDays: 30,
  transactionSearch: 'off',
  transactionSearchIndexingPercent: 1,
  desiredCount: 1,
  natGateways: 0,
} as const;

/** The execute skill's watch budget plus 5 minutes for confirming, stopping and writing the report. */
export const MIN_TIMEOUT_FOR_EXECUTE = (EXECUTE_MAX_WATCH_MINUTES + 5) * 60;

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const ACCOUNT = /^\d{12}$/;
const HARNESS_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;
/** A geography-prefixed inference profile id (cross-region inference); bare model ids are rejected by Bedrock. */
const INFERENCE_PROFILE_ID = /^(us|eu|apac|global|jp|au|ca|us-gov)\.[a-z0-9-]+\.[A-Za-z0-9._:-]+$/;
const TAG = /^[\w.:/=+\-@ ]{1,128}$/;
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
];

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Deployment settings are not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/**
 * `contextKeys` lists every context key that is set (app.node.getAllContext()), so bot.NAME keys can be found.
 */
export function readSettings(get: ContextReader, contextKeys: readonly string[] = []): Settings {
  const fields = contextFields(get);
  const { problems, str, matching, int, list, oneOf } = fields;

  const account = matching('account', ACCOUNT, 'must be a 12-digit AWS account id');
  const region = matching('region', REGION, 'must be an AWS region such as us-west-2');
  if ((account === undefined) !== (region === undefined)) {
    problems.push('account and region must be set together (or neither, for an environment-agnostic synth)');
  }

  const stackName = matching(
    'stackName',
    /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    'must be a stack name',
    DEFAULTS.stackName,
  )!;
  const settings: Omit<Settings, keyof HarnessSettings> = {
    account,
    region,
    stackName,
    harnessName: matching(
      'harnessName',
      HARNESS_NAME,
      'must match [a-zA-Z][a-zA-Z0-9_]{0,39} (letters, digits, underscores)',
      defaultHarnessName(stackName),
    )!,
    modelId: matching(
      'modelId',
      INFERENCE_PROFILE_ID,
      'must be a Bedrock inference-profile id such as us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      DEFAULTS.modelId,
    )!,
    modelMaxTokens: int('modelMaxTokens', 1, 200_000, DEFAULTS.modelMaxTokens),
    harnessMaxIterations: int('harnessMaxIterations', 1, 1000, DEFAULTS.harnessMaxIterations),
    // The Runtime's streaming limit is 60 minutes: keep the agent loop below it.
    harnessTimeoutSeconds: int('harnessTimeoutSeconds', 60, 3599, DEFAULTS.harnessTimeoutSeconds),
    harnessIdleTimeoutSeconds: int(
      'harnessIdleTimeoutSeconds',
      60,
      28_800,
      DEFAULTS.harnessIdleTimeoutSeconds,
    ),
    harnessMaxLifetimeSeconds: int(
      'harnessMaxLifetimeSeconds',
      60,
      28_800,
      DEFAULTS.harnessMaxLifetimeSeconds,
    ),
    harnessMemory: oneOf('harnessMemory', ['managed', 'disabled'] as const, DEFAULTS.harnessMemory),
    harnessToolGuard: oneOf('harnessToolGuard', ['on', 'off'] as const, DEFAULTS.harnessToolGuard),
    // AgentCore Memory keeps events 7 to 365 days.
    memoryEventExpiryDays: int('memoryEventExpiryDays', 7, 365, DEFAULTS.memoryEventExpiryDays),
    memoryStrategies: str('memoryStrategies')
      ? (list(
          'memoryStrategies',
          new RegExp(`^(${MEMORY_STRATEGIES.join('|')})$`),
          `must be a comma-separated list of ${MEMORY_STRATEGIES.join(', ')}`,
        ) as MemoryStrategy[])
      : undefined,
    memoryKmsKeyArn: matching(
      'memoryKmsKeyArn',
      /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/,
      'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
    ),
    harnessSubnetIds: list('harnessSubnetIds', /^subnet-[0-9a-f]{8,17}$/, 'must be subnet ids (subnet-…)'),
    harnessSecurityGroupIds: list(
      'harnessSecurityGroupIds',
      /^sg-[0-9a-f]{8,17}$/,
      'must be security group ids (sg-…)',
    ),
    eksClusters: list('eksClusters', /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/, 'must be EKS cluster names'),
    githubRepository: matching(
      'githubRepository',
      /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
      'must be owner/repository',
    ),
    githubBranch: matching(
      'githubBranch',
      /^[\w./-]{1,200}$/,
      'must be a branch name',
      DEFAULTS.githubBranch,
    )!,
    githubOidcProviderArn: matching(
      'githubOidcProviderArn',
      /^arn:aws[\w-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
      'must be the ARN of the token.actions.githubusercontent.com OIDC provider',
    ),
    alarmFailureRatePercent: int('alarmFailureRatePercent', 1, 100, DEFAULTS.alarmFailureRatePercent),
    alarmMinTurns: int('alarmMinTurns', 1, 1000, DEFAULTS.alarmMinTurns),
    targetAccounts: [],
    bot: {},
    fisTemplateTagKey: matching(
      'fisTemplateTagKey',
      TAG,
      'must be a valid tag key',
      DEFAULTS.fisTemplateTagKey,
    )!,
    fisTemplateTagValue: matching(
      'fisTemplateTagValue',
      TAG,
      'must be a valid tag value',
      DEFAULTS.fisTemplateTagValue,
    )!,
    fisTargetTagKey: matching('fisTargetTagKey', TAG, 'must be a valid tag key', DEFAULTS.fisTargetTagKey)!,
    fisTargetTagValue: matching(
      'fisTargetTagValue',
      TAG,
      'must be a valid tag value',
      DEFAULTS.fisTargetTagValue,
    )!,
    slackSecretName: matching(
      'slackSecretName',
      /^[\w/+=.@-]{1,512}$/,
      'must be a Secrets Manager secret name',
    ),
    slackMode: oneOf('slackMode', ['socket', 'http'] as const, DEFAULTS.slackMode),
    certificateArn: matching(
      'certificateArn',
      /^arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/,
      'must be an ACM certificate ARN',
    ),
    logRetentionDays: int('logRetentionDays', 1, 2557, DEFAULTS.logRetentionDays),
    transactionSearch: oneOf('transactionSearch', ['on', 'off'] as const, DEFAULTS.transactionSearch),
    transactionSearchIndexingPercent: int(
      'transactionSearchIndexingPercent',
      0,
      100,
      DEFAULTS.transactionSearchIndexingPercent,
    ),
    desiredCount: int('desiredCount', 0, 10, DEFAULTS.desiredCount),
    natGateways: int('natGateways', 0, 3, DEFAULTS.natGateways),
    alarmEmail: matching('alarmEmail', /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address'),
  };

  const bot = readBotSettings(get, contextKeys);
  settings.bot = bot.values;
  problems.push(...bot.problems);
  const accounts = parseTargetAccounts(bot.values.TARGET_ACCOUNTS ?? '', partitionOf(region));
  // Invalid values are reported by the bot's schema above.
  if (accounts.every((a) => typeof a !== 'string')) settings.targetAccounts = accounts as TargetAccount[];
  if (str('targetAccountRoleName')) {
    problems.push(
      'targetAccountRoleName is replaced by role ARNs in TARGET_ACCOUNTS: targetAccounts=prod=arn:aws:iam::<account>:role/<name> (an account id alone means the template default role)',
    );
  }
  problems.push(...crossFieldProblems(settings, str));
  const harnesses = readHarnessSettings(get, settings.harnessName, Boolean(settings.bot.FIS_APPROVERS));
  problems.push(...harnesses.problems);
  if (problems.length > 0) throw new SettingsError(problems);
  return { ...settings, ...harnesses.values };
}

/**
 * Rules that tie settings together (or to AWS's fixed values), checked after each setting alone is valid, so the
 * message can name both sides.
 */
function crossFieldProblems(
  settings: Omit<Settings, keyof HarnessSettings>,
  str: (key: string) => string | undefined,
): string[] {
  const problems: string[] = [];
  if (!RETENTION_DAYS.includes(settings.logRetentionDays)) {
    problems.push(
      `logRetentionDays must be one of ${RETENTION_DAYS.join(', ')} (CloudWatch Logs retention values)`,
    );
  }
  if (str('transactionSearchIndexingPercent') && settings.transactionSearch !== 'on') {
    problems.push('transactionSearchIndexingPercent only applies to transactionSearch=on');
  }
  if (settings.harnessTimeoutSeconds < MIN_TIMEOUT_FOR_EXECUTE) {
    // The execute skill watches an approved experiment inside one resumed invocation.
    problems.push(
      `harnessTimeoutSeconds must be at least ${MIN_TIMEOUT_FOR_EXECUTE}: the FIS execute skill watches an experiment for up to ${EXECUTE_MAX_WATCH_MINUTES} minutes in one invocation`,
    );
  }
  const modelProblem = modelRegionProblem(settings.modelId, settings.region);
  if (modelProblem) problems.push(modelProblem);
  if (settings.harnessSubnetIds.length > 0 !== settings.harnessSecurityGroupIds.length > 0) {
    problems.push('harnessSubnetIds and harnessSecurityGroupIds must be set together (VPC network mode)');
  }
  if (settings.memoryKmsKeyArn && settings.harnessMemory !== 'managed') {
    problems.push('memoryKmsKeyArn only applies to harnessMemory=managed');
  }
  if (settings.harnessIdleTimeoutSeconds > settings.harnessMaxLifetimeSeconds) {
    problems.push('harnessIdleTimeoutSeconds must not exceed harnessMaxLifetimeSeconds');
  }
  if (settings.slackMode === 'http' && !settings.certificateArn) {
    problems.push('slackMode=http needs certificateArn: Slack only sends events to https:// request URLs');
  }
  if (settings.slackMode === 'socket' && settings.desiredCount > 1) {
    // Slack may deliver a Socket Mode envelope to any open connection; one task is the verified setup.
    problems.push('desiredCount above 1 is only supported with slackMode=http (behind the load balancer)');
  }
  return problems;
}

/** The partition of a region (the ARNs of the roles named by account id); unknown region: the commercial one. */
function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * Harness names are unique per account and region, so a second stack gets its own by default: derived from its
 * stack name (the default stack keeps the name it always had).
 */
export function defaultHarnessName(stackName: string): string {
  if (stackName === DEFAULTS.stackName) return DEFAULTS.harnessName;
  return stackName.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40);
}
