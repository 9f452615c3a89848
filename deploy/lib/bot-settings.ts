/**
 * The bot's own settings (its environment variables) as deploy settings. The bot's config schema
 * (src/config-schema.ts) is the one list of names and the one validator: a variable declared there is settable
 * here as `-c bot.NAME=value` or in cdk.json `"context": {"botSettings": {"NAME": "value"}}`, and is validated at
 * synth by the bot's own loadConfig, so a bad value fails `cdk synth` with the message the bot would give at start.
 *
 * Only the variables listed in NOT_PASSED_THROUGH are not settable, each with the reason; everything else
 * (including settings other people add to the schema later) flows into the task's environment unchanged.
 */

import { ConfigError, loadConfig, MissingSlackCredentials } from '../../src/config.ts';
import { schema } from '../../src/config-schema.ts';
import { EXIT_MARGIN_MS, INTERRUPT_WINDOW_MS } from '../../src/core/shutdown.ts';

export type BotVariable = keyof typeof schema.shape;

/** Every variable the bot reads, from its schema. */
export const BOT_VARIABLES = Object.keys(schema.shape) as BotVariable[];

export type NotPassedThrough =
  | { kind: 'secret'; reason: string }
  | { kind: 'derived'; reason: string; from?: string }
  | { kind: 'excluded'; reason: string };

/** Variables the deploy sets itself (from the resources it creates) or never sets, each with why. */
export const NOT_PASSED_THROUGH: Partial<Record<BotVariable, NotPassedThrough>> = {
  SLACK_BOT_TOKEN: {
    kind: 'secret',
    reason: 'a Slack token: it lives only in Secrets Manager (slackSecretName)',
  },
  SLACK_APP_TOKEN: {
    kind: 'secret',
    reason: 'a Slack token: it lives only in Secrets Manager (slackSecretName)',
  },
  SLACK_SIGNING_SECRET: {
    kind: 'secret',
    reason: 'a Slack secret: it lives only in Secrets Manager (slackSecretName)',
  },
  SLACK_API_URL: {
    kind: 'excluded',
    reason: 'points the bot at a Slack stand-in; a deployed bot must send its token to Slack only',
  },
  PORT: { kind: 'derived', reason: 'the container port the health check and load balancer use' },
  HARNESS_ARN: { kind: 'derived', reason: 'the harness this stack creates' },
  HARNESS_QUALIFIER: {
    kind: 'derived',
    reason: 'left unset (DEFAULT): the task role may invoke only the DEFAULT endpoint of this harness',
  },
  AWS_REGION: { kind: 'derived', reason: 'the region the stack is deployed to' },
  SESSIONS_TABLE: { kind: 'derived', reason: 'the DynamoDB table this stack creates' },
  DATA_DIR: {
    kind: 'excluded',
    reason: 'the embedded store is for local runs; a deployed bot uses DynamoDB',
  },
  SKILLS_BASE_PATH: {
    kind: 'derived',
    reason: 'where the harness image puts the skills, or the bucket they are uploaded to (skillsSource=s3)',
  },
  HARNESS_TOOLS: {
    kind: 'derived',
    from: 'harnessTools',
    reason:
      'the tools the stack gives its harness (with the ARNs of Gateways it creates); set harnessTools instead',
  },
  HARNESSES: {
    kind: 'derived',
    from: 'harnesses',
    reason: 'the further harnesses the stack creates; set harnesses instead',
  },
  HARNESS_ARNS: { kind: 'derived', reason: 'the ARNs of the harnesses this stack creates' },
  HARNESS_SESSION_IDLE_SECONDS: {
    kind: 'derived',
    from: 'harnessIdleTimeoutSeconds',
    reason: "the harness's idleRuntimeSessionTimeout; set harnessIdleTimeoutSeconds instead",
  },
  BOT_MODE: {
    kind: 'derived',
    reason: 'always "slack": a deployed bot with missing tokens must fail, never start the sandbox',
  },
  SANDBOX_PORT: { kind: 'excluded', reason: 'the local sandbox is not deployed' },
  FIS_REGIONS: {
    kind: 'derived',
    reason: "the deploy region: the FIS roles and the bot's FIS permissions exist only there",
  },
  METRICS_NAMESPACE: {
    kind: 'derived',
    reason: "one namespace per stack, which this stack's alarms watch",
  },
  FIS_START_ROLE_ARN: {
    kind: 'derived',
    reason: 'the start-only role this stack creates, the only identity that can start an experiment',
  },
};

/** Defaults the deploy picks for the task, still overridable with bot.NAME. */
export const DEPLOY_DEFAULTS: Partial<Record<BotVariable, string>> = {
  // Running answers get this long after SIGTERM; with the interruption notes and the exit it fits the stopTimeout.
  SHUTDOWN_GRACE_SECONDS: '40',
};

/** Seconds ECS waits after SIGTERM before SIGKILL (container stopTimeout); Fargate allows at most 120. */
export const CONTAINER_STOP_TIMEOUT_SECONDS = 60;

/** The longest grace that still leaves the interruption notes and the exit inside the stop timeout. */
const MAX_SHUTDOWN_GRACE_SECONDS =
  CONTAINER_STOP_TIMEOUT_SECONDS - (INTERRUPT_WINDOW_MS + EXIT_MARGIN_MS) / 1000;

/**
 * The older camelCase deploy settings that name a bot variable; kept so existing deploy commands keep working.
 * They are validated by the bot's schema like bot.NAME.
 */
export const BOT_SETTING_ALIASES: Readonly<Record<string, BotVariable>> = {
  fisApprovers: 'FIS_APPROVERS',
  botAdmins: 'BOT_ADMINS',
  defaultTargetRegion: 'DEFAULT_TARGET_REGION',
  logLevel: 'LOG_LEVEL',
  logContent: 'LOG_CONTENT',
  maxAnswerReplies: 'MAX_ANSWER_REPLIES',
  targetAccounts: 'TARGET_ACCOUNTS',
  targetAccountExternalId: 'TARGET_ACCOUNT_EXTERNAL_ID',
};

export const BOT_PREFIX = 'bot.';
export const BOT_OBJECT = 'botSettings';

/** Placeholders for what the deploy derives at deploy time, so loadConfig can validate the rest at synth. */
const SYNTH_PLACEHOLDERS: Record<string, string> = {
  SLACK_BOT_TOKEN: 'xoxb-synth-check',
  SLACK_APP_TOKEN: 'xapp-synth-check',
  HARNESS_ARN: 'arn:aws:bedrock-agentcore:us-east-1:111122223333:harness/synth_check-AbCdEf1234',
  SESSIONS_TABLE: 'synth-check',
};

function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.trim() === '' ? undefined : s.trim();
}

/**
 * Collects the bot settings from context: bot.NAME keys, the botSettings object and the camelCase aliases.
 * Returns the values to pass through (with deploy defaults) and every problem found.
 */
export function readBotSettings(
  get: (key: string) => unknown,
  contextKeys: readonly string[],
): { values: Record<string, string>; problems: string[] } {
  const problems: string[] = [];
  const given = new Map<string, { value: string; from: string }>();
  const give = (name: string, raw: unknown, from: string) => {
    const value = asText(raw);
    if (value === undefined) return;
    const earlier = given.get(name);
    if (earlier && earlier.value !== value) {
      problems.push(`${from} and ${earlier.from} both set ${name} to different values; keep one`);
      return;
    }
    given.set(name, { value, from });
  };

  const object = get(BOT_OBJECT);
  if (object !== undefined && (typeof object !== 'object' || object === null || Array.isArray(object))) {
    problems.push(
      `${BOT_OBJECT} must be an object of bot variables, e.g. {"COMMAND_ACCESS": "/fis=S0123ABCD"}`,
    );
  } else if (object) {
    for (const [k, v] of Object.entries(object)) give(k, v, `${BOT_OBJECT}.${k}`);
  }
  for (const key of contextKeys) {
    if (key.startsWith(BOT_PREFIX)) give(key.slice(BOT_PREFIX.length), get(key), key);
  }
  for (const [alias, name] of Object.entries(BOT_SETTING_ALIASES)) give(name, get(alias), alias);

  const known = new Set<string>(BOT_VARIABLES);
  const values: Record<string, string> = { ...DEPLOY_DEFAULTS };
  for (const [name, { value, from }] of given) {
    if (!known.has(name)) {
      problems.push(
        `${from}: ${name} is not a bot setting (the bot's settings are in src/config-schema.ts and the README's configuration table)`,
      );
      continue;
    }
    const rule = NOT_PASSED_THROUGH[name as BotVariable];
    if (rule) {
      problems.push(`${from} cannot be set through the deploy: ${name} is ${rule.reason}`);
      continue;
    }
    values[name] = value;
  }

  // The bot's own validation, exactly as it runs at start (placeholders stand in for what the deploy derives).
  try {
    loadConfig({ ...SYNTH_PLACEHOLDERS, ...values });
  } catch (err) {
    if (!(err instanceof ConfigError) || err instanceof MissingSlackCredentials) throw err;
    for (const p of err.problems) {
      const name = p.split(' ')[0] ?? '';
      const from = given.get(name)?.from ?? `${BOT_PREFIX}${name}`;
      problems.push(`${from}: ${p}`);
    }
  }

  const grace = Number(values.SHUTDOWN_GRACE_SECONDS);
  if (Number.isFinite(grace) && grace > MAX_SHUTDOWN_GRACE_SECONDS) {
    problems.push(
      `bot.SHUTDOWN_GRACE_SECONDS must be at most ${MAX_SHUTDOWN_GRACE_SECONDS}: ECS kills the container ${CONTAINER_STOP_TIMEOUT_SECONDS} s after SIGTERM, and after the grace the bot needs ${INTERRUPT_WINDOW_MS / 1000} s to mark unfinished answers interrupted and ${EXIT_MARGIN_MS / 1000} s to close`,
    );
  }
  return { values, problems };
}
