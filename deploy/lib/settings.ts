import { EXECUTE_MAX_WATCH_MINUTES, FIS_TARGET_TAG, FIS_TEMPLATE_TAG } from './fis-contract.ts';
import { type HarnessSettings, readHarnessSettings } from './harness-settings.ts';

/**
 * Deployment settings: read from CDK context (`cdk deploy -c key=value`, or "context" in deploy/cdk.json), validated
 * once, with defaults. Nothing secret belongs here: Slack tokens live only in Secrets Manager.
 */

export type SlackMode = 'socket' | 'http';
export type HarnessMemory = 'managed' | 'disabled';

export interface Settings extends HarnessSettings {
  /** Target account and region; when both are unset the stack is environment-agnostic (offline synth). */
  account: string | undefined;
  region: string | undefined;
  stackName: string;
  /** AgentCore harness name: [a-zA-Z][a-zA-Z0-9_]{0,39} (no hyphens). */
  harnessName: string;
  /** Bedrock inference-profile id, e.g. us.anthropic.claude-sonnet-4-5-20250929-v1:0. */
  modelId: string;
  modelMaxTokens: number;
  harnessMaxIterations: number;
  harnessTimeoutSeconds: number;
  harnessIdleTimeoutSeconds: number;
  harnessMaxLifetimeSeconds: number;
  harnessMemory: HarnessMemory;
  memoryEventExpiryDays: number;
  /** Slack user or user-group ids allowed to approve FIS experiments, comma-separated (FIS_APPROVERS). */
  fisApprovers: string;
  /** Slack user or user-group ids who may also Retry and Stop other people's runs (BOT_ADMINS); empty: none. */
  botAdmins: string;
  /** Tag every FIS template and alarm the agent creates must carry, and every template the bot starts must have. */
  fisTemplateTagKey: string;
  fisTemplateTagValue: string;
  /** Tag a resource must carry before the FIS experiment role may act on it (opt-in blast radius). */
  fisTargetTagKey: string;
  fisTargetTagValue: string;
  /** Existing Secrets Manager secret name holding the Slack tokens; unset = the stack creates an empty one. */
  slackSecretName: string | undefined;
  slackMode: SlackMode;
  /** ACM certificate for the HTTPS listener (HTTP mode only; Slack only calls https:// request URLs). */
  certificateArn: string | undefined;
  defaultTargetRegion: string | undefined;
  logLevel: string;
  /** MAX_ANSWER_REPLIES: replies of answer text posted at most (a longer answer is attached as a file). */
  maxAnswerReplies: number;
  /** LOG_CONTENT: log what people wrote and the agent answered (off: sizes and ids only). */
  logContent: boolean;
  logRetentionDays: number;
  desiredCount: number;
  natGateways: number;
  alarmEmail: string | undefined;
}

/** What the CDK app reads: `app.node.tryGetContext` or any plain record (tests). */
export type ContextReader = (key: string) => unknown;

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
  memoryEventExpiryDays: 30,
  fisTemplateTagKey: FIS_TEMPLATE_TAG.key,
  fisTemplateTagValue: FIS_TEMPLATE_TAG.value,
  fisTargetTagKey: FIS_TARGET_TAG.key,
  fisTargetTagValue: FIS_TARGET_TAG.value,
  slackMode: 'socket',
  logLevel: 'info',
  logContent: 'false',
  maxAnswerReplies: 10,
  logRetentionDays: 30,
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
const SLACK_IDS = /^$|^[UWS][A-Z0-9]{2,}(,[UWS][A-Z0-9]{2,})*$/;
const TAG = /^[\w.:/=+\-@ ]{1,128}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
];

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Deployment settings are not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

export function readSettings(get: ContextReader): Settings {
  const problems: string[] = [];

  const str = (key: string): string | undefined => {
    const v = get(key);
    if (v === undefined || v === null) return undefined;
    const s = String(v).trim();
    return s === '' ? undefined : s;
  };
  const matching = (key: string, re: RegExp, hint: string, fallback?: string): string | undefined => {
    const v = str(key) ?? fallback;
    if (v !== undefined && !re.test(v)) problems.push(`${key} ${hint} (got "${v}")`);
    return v;
  };
  const int = (key: string, min: number, max: number, fallback: number): number => {
    const raw = str(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = str(key) ?? fallback;
    if (!allowed.includes(v as T)) {
      problems.push(`${key} must be one of ${allowed.join(', ')} (got "${v}")`);
      return fallback;
    }
    return v as T;
  };

  const account = matching('account', ACCOUNT, 'must be a 12-digit AWS account id');
  const region = matching('region', REGION, 'must be an AWS region such as us-west-2');
  if ((account === undefined) !== (region === undefined)) {
    problems.push('account and region must be set together (or neither, for an environment-agnostic synth)');
  }

  const settings: Omit<Settings, keyof HarnessSettings> = {
    account,
    region,
    stackName: matching(
      'stackName',
      /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
      'must be a stack name',
      DEFAULTS.stackName,
    )!,
    harnessName: matching(
      'harnessName',
      HARNESS_NAME,
      'must match [a-zA-Z][a-zA-Z0-9_]{0,39} (letters, digits, underscores)',
      DEFAULTS.harnessName,
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
    memoryEventExpiryDays: int('memoryEventExpiryDays', 1, 365, DEFAULTS.memoryEventExpiryDays),
    fisApprovers: matching(
      'fisApprovers',
      SLACK_IDS,
      'must be comma-separated Slack user (U…/W…) or user-group (S…) ids',
      '',
    )!,
    botAdmins: matching(
      'botAdmins',
      SLACK_IDS,
      'must be comma-separated Slack user (U…/W…) or user-group (S…) ids',
      '',
    )!,
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
    defaultTargetRegion: matching('defaultTargetRegion', REGION, 'must be an AWS region such as us-west-2'),
    logLevel: oneOf('logLevel', LOG_LEVELS, DEFAULTS.logLevel),
    maxAnswerReplies: int('maxAnswerReplies', 1, 200, DEFAULTS.maxAnswerReplies),
    logContent: oneOf('logContent', ['true', 'false'] as const, DEFAULTS.logContent) === 'true',
    logRetentionDays: int('logRetentionDays', 1, 2557, DEFAULTS.logRetentionDays),
    desiredCount: int('desiredCount', 0, 10, DEFAULTS.desiredCount),
    natGateways: int('natGateways', 0, 3, DEFAULTS.natGateways),
    alarmEmail: matching('alarmEmail', /^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address'),
  };

  if (!RETENTION_DAYS.includes(settings.logRetentionDays)) {
    problems.push(
      `logRetentionDays must be one of ${RETENTION_DAYS.join(', ')} (CloudWatch Logs retention values)`,
    );
  }
  if (settings.harnessTimeoutSeconds < MIN_TIMEOUT_FOR_EXECUTE) {
    // The execute skill watches an approved experiment inside one resumed invocation.
    problems.push(
      `harnessTimeoutSeconds must be at least ${MIN_TIMEOUT_FOR_EXECUTE}: the FIS execute skill watches an experiment for up to ${EXECUTE_MAX_WATCH_MINUTES} minutes in one invocation`,
    );
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
  const harnesses = readHarnessSettings(get, settings.harnessName);
  problems.push(...harnesses.problems);
  if (problems.length > 0) throw new SettingsError(problems);
  return { ...settings, ...harnesses.values };
}

/** The foundation-model id behind a geography-prefixed inference profile id (us.anthropic.x → anthropic.x). */
export function foundationModelId(inferenceProfileId: string): string {
  return inferenceProfileId.replace(/^(us-gov|us|eu|apac|global|jp|au|ca)\./, '');
}
