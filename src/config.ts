/**
 * The only module that reads process.env. Every setting is parsed and validated once, here;
 * a bad or missing setting produces one ConfigError that lists every problem.
 */
import { z } from 'zod';
import { DEFAULT_PRICES, type PriceTable, parsePriceTable } from './core/cost.ts';

const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const HARNESS_ARN =
  /^arn:aws(-[a-z]+)*:bedrock-agentcore:([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d):(\d{12}):harness\/[a-zA-Z][a-zA-Z0-9_]{0,39}-[a-zA-Z0-9]{10}$/;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());
const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
};
const booleanFlag = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );
const intInRange = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, wholeNumber(min, max).default(fallback));

const schema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^xoxb-/, 'must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)')
      .optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^xapp-/,
        'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)',
      )
      .optional(),
  ),
  SLACK_API_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  PORT: intInRange(0, 65535, 3000),
  HARNESS_ARN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(HARNESS_ARN, 'must look like arn:aws:bedrock-agentcore:<region>:<account>:harness/<name>-<id>')
      .optional(),
  ),
  HARNESS_QUALIFIER: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/, 'must be a harness endpoint name')
      .optional(),
  ),
  AWS_REGION: z.preprocess(
    emptyToUndefined,
    z.string().regex(AWS_REGION, 'must be an AWS region').optional(),
  ),
  DEFAULT_TARGET_REGION: z.preprocess(
    emptyToUndefined,
    z.string().regex(AWS_REGION, 'must be an AWS region such as us-west-2').optional(),
  ),
  SESSIONS_TABLE: optionalString,
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./.data')),
  SKILLS_BASE_PATH: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\/[^\s]*$/, 'must be an absolute path inside the harness image')
      .default('/opt/.agents/skills/'),
  ),
  HARNESS_IDLE_TIMEOUT_SECONDS: intInRange(1, 3600, 600),
  HARNESS_MAX_RUN_MINUTES: intInRange(1, 60, 60),
  HARNESS_MAX_ITERATIONS: z.preprocess(emptyToUndefined, wholeNumber(1, 1000).optional()),
  HARNESS_TIMEOUT_SECONDS: z.preprocess(emptyToUndefined, wholeNumber(60, 3599).optional()),
  HARNESS_THROTTLE_RETRIES: intInRange(0, 10, 3),
  STREAM_EDIT_INTERVAL_MS: intInRange(100, 60_000, 1000),
  STREAM_MODE: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.trim().toLowerCase()) : v),
    z.enum(['edit', 'native'], { error: 'must be "edit" or "native"' }).default('edit'),
  ),
  STREAM_ROLLOVER_SECONDS: intInRange(10, 290, 240),
  LONG_ANSWER_FILE_CHARS: intInRange(0, 10_000_000, 11_000),
  MAX_ANSWER_REPLIES: intInRange(1, 200, 10),
  REPORT_FILES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^(off|\/[^\s'"`;|&$]*\*?[^\s'"`;|&$]*)$/,
        'must be "off" or an absolute path pattern such as /tmp/reports/*.md',
      )
      .default('/tmp/reports/*.md'),
  ),
  TOKEN_PRICES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .superRefine((v, ctx) => {
        if (v.trim().toLowerCase() === 'off') return;
        const p = parsePriceTable(v);
        if (typeof p === 'string')
          ctx.addIssue({
            code: 'custom',
            message: `must be "off" or "<model>:input=<usd>,output=<usd>[,cache_read=<usd>,cache_write=<usd>]" in USD per million tokens (${p})`,
          });
      })
      .optional(),
  ),
  SESSION_TTL_DAYS: intInRange(1, 3650, 30),
  LEASE_SECONDS: intInRange(2, 600, 30),
  DUPLICATE_COMMAND_WINDOW_SECONDS: intInRange(0, 300, 5),
  MAX_QUEUED_FOLLOW_UPS: intInRange(0, 50, 5),
  HARNESS_SESSION_IDLE_SECONDS: intInRange(0, 28_800, 900),
  SHUTDOWN_GRACE_SECONDS: intInRange(0, 3600, 25),
  ALLOWED_CHANNELS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*[CGD][A-Z0-9]{2,}(\s*,\s*[CGD][A-Z0-9]{2,})*\s*$/,
        'must be a comma-separated list of Slack channel ids (C…/G…)',
      )
      .optional(),
  ),
  COMMAND_ACCESS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*\/[a-z]+( [a-z]+)?\s*=\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*(\s*;\s*\/[a-z]+( [a-z]+)?\s*=\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*)*\s*;?\s*$/,
        'must look like /fis=S0123ABCD,U0456EFGH;/fis run=S0789IJKL;/chaos=S0789IJKL (command or "command subcommand" = user or user group ids)',
      )
      .optional(),
  ),
  BOT_ADMINS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*\s*$/,
        'must be a comma-separated list of Slack user ids (U…/W…) and user group ids (S…)',
      )
      .optional(),
  ),
  FIS_APPROVERS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^\s*[UWS][A-Z0-9]{2,}(\s*,\s*[UWS][A-Z0-9]{2,})*\s*$/,
        'must be a comma-separated list of Slack user ids (U…/W…) and user group ids (S…)',
      )
      .optional(),
  ),
  FIS_ALLOW_SELF_APPROVAL: booleanFlag(false),
  FIS_ALLOW_NO_STOP_CONDITIONS: booleanFlag(false),
  FIS_APPROVAL_TTL_MINUTES: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a number of minutes from 0.05 to 1440' })
      .min(0.05, 'must be a number of minutes from 0.05 to 1440')
      .max(1440, 'must be a number of minutes from 0.05 to 1440')
      .default(15),
  ),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  LOG_CONTENT: booleanFlag(false),
  BOT_MODE: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.trim().toLowerCase()) : v),
    z.enum(['sandbox', 'slack'], { error: 'must be "sandbox" or "slack"' }).optional(),
  ),
  SANDBOX_PORT: intInRange(0, 65535, 3030),
});

export type SlackMode =
  | { kind: 'socket'; appToken: string }
  | {
      kind: 'http';
      signingSecret: string;
      port: number /** Local sandbox: listen on loopback only. */;
      host?: string;
    };

export interface Config {
  slack: {
    botToken: string;
    mode: SlackMode;
    /** Web API base URL, for local stand-ins; undefined means https://slack.com/api/. */
    apiUrl: string | undefined;
    /** Socket Mode: /healthz and /readyz listen here (HTTP mode serves them on the receiver's port). */
    healthPort: number;
    healthHost?: string;
  };
  harness: {
    arn: string;
    qualifier: string | undefined;
    region: string;
    skillsBasePath: string;
    idleTimeoutMs: number;
    maxRunMs: number;
    maxIterations: number | undefined;
    timeoutSeconds: number | undefined;
    throttleRetries: number;
    /** Local sandbox only: the harness emulator's URL and the dummy credentials it accepts. */
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };
  store: { table: string | undefined; dataDir: string; region: string; ttlDays: number };
  defaultTargetRegion: string;
  /** Local sandbox only: the FIS emulator (otherwise the SDK's endpoint and credentials). */
  fis?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  approvals: {
    /** Approver user ids and user group ids; empty disables `/fis run`. */
    approvers: string[];
    allowSelfApproval: boolean;
    allowNoStopConditions: boolean;
    ttlMs: number;
  };
  streamEditIntervalMs: number;
  concurrency: {
    leaseMs: number;
    maxQueue: number;
    /** A harness session idle this long is assumed recycled; 0 disables the assumption. */
    sessionIdleMs: number;
    shutdownGraceMs: number;
    /** The same command from the same person in the same channel within this window runs once (0: off). */
    duplicateCommandWindowSeconds: number;
  };
  access: {
    /** Empty: every channel. */
    channels: string[];
    /** Per slash command: the users and user groups allowed to run it (commands not listed: everyone). */
    commands: Record<string, string[]>;
    /** May Retry and Stop other people's runs (BOT_ADMINS). */
    admins: string[];
  };
  streaming: {
    mode: 'edit' | 'native';
    /** Native mode: start a new streamed message after this long (Slack ends streams after ~5 min). */
    rolloverMs: number;
    /** Answers at least this long are also uploaded as a Markdown file (0: never). */
    longAnswerFileChars: number;
    /** Replies' worth of answer text posted at most; a longer answer is attached as answer.md. */
    maxAnswerReplies: number;
    /** Files the agent wrote that are attached after a turn (a shell glob in the session), or undefined. */
    reportFiles: string | undefined;
    /** Prices for the cost estimate in the footer; undefined shows no estimate. */
    prices: PriceTable | undefined;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Log what people wrote and what the agent answered (Slack bodies included); off: sizes and ids only. */
  logContent: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Thrown when no Slack credentials are configured at all: the caller explains how to set the app up. */
export class MissingSlackCredentials extends ConfigError {
  constructor(problems: string[]) {
    super(problems);
    this.name = 'MissingSlackCredentials';
  }
}

export const SLACK_SETUP_HELP = [
  'No Slack credentials are configured, so the bot cannot connect to Slack.',
  'To run it against a workspace:',
  '  1. Create a Slack app from manifest.yml (https://api.slack.com/apps → Create New App → From a manifest).',
  '  2. Install it to the workspace and copy the Bot User OAuth Token into SLACK_BOT_TOKEN (xoxb-…).',
  '  3. Socket Mode (default in the manifest): create an app-level token with connections:write and set',
  '     SLACK_APP_TOKEN (xapp-…). HTTP mode instead: set SLACK_SIGNING_SECRET and point the request URLs',
  '     at https://<your-host>/slack/events.',
  '  4. Set HARNESS_ARN to your AgentCore harness ARN and provide AWS credentials the usual way.',
].join('\n');

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.') || 'environment';
      const value = env[String(issue.path[0])];
      const got = value === undefined || isSecret(name) ? '' : ` (got "${value}")`;
      problems.push(`${name} ${issue.message}${got}`);
    }
  }
  const e = parsed.success ? parsed.data : undefined;
  const noSlack =
    !env.SLACK_BOT_TOKEN?.trim() && !env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim();
  if (!env.SLACK_BOT_TOKEN?.trim() && !noSlack) problems.push('SLACK_BOT_TOKEN is required (xoxb-…)');
  if (!env.SLACK_APP_TOKEN?.trim() && !env.SLACK_SIGNING_SECRET?.trim() && !noSlack) {
    problems.push(
      'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is required: SLACK_APP_TOKEN (xapp-…) for Socket Mode, or SLACK_SIGNING_SECRET (Basic Information → Signing Secret) for HTTP mode',
    );
  }
  // The region comes from the harness ARN; without one, the missing ARN is the one problem to report.
  if (!env.HARNESS_ARN?.trim()) problems.push('HARNESS_ARN is required (the ARN of your AgentCore harness)');
  if (noSlack) {
    throw new MissingSlackCredentials([
      'SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) are not set',
      ...problems,
    ]);
  }
  if (problems.length > 0 || !e) throw new ConfigError(problems);

  const harnessArn = e.HARNESS_ARN!;
  const arnRegion = HARNESS_ARN.exec(harnessArn)?.[2];
  const region = e.AWS_REGION ?? arnRegion!;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN!,
      mode: e.SLACK_APP_TOKEN
        ? { kind: 'socket', appToken: e.SLACK_APP_TOKEN }
        : { kind: 'http', signingSecret: e.SLACK_SIGNING_SECRET!, port: e.PORT },
      apiUrl: e.SLACK_API_URL ? withTrailingSlash(e.SLACK_API_URL) : undefined,
      healthPort: e.PORT,
    },
    harness: {
      arn: harnessArn,
      qualifier: e.HARNESS_QUALIFIER,
      region: arnRegion ?? region,
      skillsBasePath: withTrailingSlash(e.SKILLS_BASE_PATH),
      idleTimeoutMs: e.HARNESS_IDLE_TIMEOUT_SECONDS * 1000,
      maxRunMs: e.HARNESS_MAX_RUN_MINUTES * 60_000,
      maxIterations: e.HARNESS_MAX_ITERATIONS,
      timeoutSeconds: e.HARNESS_TIMEOUT_SECONDS,
      throttleRetries: e.HARNESS_THROTTLE_RETRIES,
    },
    store: { table: e.SESSIONS_TABLE, dataDir: e.DATA_DIR, region, ttlDays: e.SESSION_TTL_DAYS },
    defaultTargetRegion: e.DEFAULT_TARGET_REGION ?? region,
    approvals: {
      approvers: (e.FIS_APPROVERS ?? '')
        .split(',')
        .map((id: string) => id.trim())
        .filter(Boolean),
      allowSelfApproval: e.FIS_ALLOW_SELF_APPROVAL,
      allowNoStopConditions: e.FIS_ALLOW_NO_STOP_CONDITIONS,
      ttlMs: Math.round(e.FIS_APPROVAL_TTL_MINUTES * 60_000),
    },
    streamEditIntervalMs: e.STREAM_EDIT_INTERVAL_MS,
    concurrency: {
      leaseMs: e.LEASE_SECONDS * 1000,
      maxQueue: e.MAX_QUEUED_FOLLOW_UPS,
      sessionIdleMs: e.HARNESS_SESSION_IDLE_SECONDS * 1000,
      shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
      duplicateCommandWindowSeconds: e.DUPLICATE_COMMAND_WINDOW_SECONDS,
    },
    access: {
      channels: list(e.ALLOWED_CHANNELS),
      commands: Object.fromEntries(
        (e.COMMAND_ACCESS ?? '')
          .split(';')
          .map((part: string) => part.split('='))
          .filter((kv: string[]) => kv.length === 2)
          .map(([cmd, ids]: string[]) => [cmd!.trim().replace(/\s+/g, ' '), list(ids)]),
      ),
      admins: list(e.BOT_ADMINS),
    },
    streaming: {
      mode: e.STREAM_MODE,
      rolloverMs: e.STREAM_ROLLOVER_SECONDS * 1000,
      longAnswerFileChars: e.LONG_ANSWER_FILE_CHARS,
      maxAnswerReplies: e.MAX_ANSWER_REPLIES,
      reportFiles: e.REPORT_FILES === 'off' ? undefined : e.REPORT_FILES,
      prices: !e.TOKEN_PRICES
        ? DEFAULT_PRICES
        : e.TOKEN_PRICES.trim().toLowerCase() === 'off'
          ? undefined
          : (parsePriceTable(e.TOKEN_PRICES) as PriceTable),
    },
    logLevel: e.LOG_LEVEL,
    logContent: e.LOG_CONTENT,
  };
}

export type BotMode = 'sandbox' | 'slack';

/**
 * BOT_MODE forces a mode; without it, `npm start` runs the local sandbox when no Slack credential is
 * set at all, and connects to Slack otherwise.
 */
export function loadBotMode(env: Record<string, string | undefined> = process.env): BotMode {
  const parsed = schema.shape.BOT_MODE.safeParse(env.BOT_MODE);
  if (!parsed.success)
    throw new ConfigError([`BOT_MODE must be "sandbox" or "slack" (got "${env.BOT_MODE}")`]);
  if (parsed.data) return parsed.data;
  const anySlack = [env.SLACK_BOT_TOKEN, env.SLACK_APP_TOKEN, env.SLACK_SIGNING_SECRET].some((v) =>
    v?.trim(),
  );
  return anySlack ? 'slack' : 'sandbox';
}

/** What the sandbox wires up itself and hands to `SandboxConfig.botConfig`. */
export interface SandboxWiring {
  botToken: string;
  signingSecret: string;
  slackApiUrl: string;
  dataDir: string;
  /** Set when the harness emulator runs (no HARNESS_ARN configured). */
  emulator?: { url: string; harnessArn: string };
  /** The FIS emulator, when it runs alongside the harness emulator. */
  fisEmulator?: { url: string };
  /** Approvers of the sandbox's fake workspace, unless FIS_APPROVERS is set. */
  approvers?: string[];
  /** The demo's region (where its FIS template lives), unless DEFAULT_TARGET_REGION is set. */
  defaultTargetRegion?: string;
}

export interface SandboxConfig {
  /** Where the sandbox page is served (loopback only); 0 picks a free port. */
  port: number;
  /** The real AgentCore harness when HARNESS_ARN is set; otherwise the local emulator. */
  harness: { kind: 'emulator' } | { kind: 'real'; arn: string };
  logLevel: Config['logLevel'];
  /** The bot's own config for the sandbox: HTTP mode on loopback, the fake Slack, embedded storage. */
  botConfig(wiring: SandboxWiring): Config;
}

/** Sandbox settings: SANDBOX_PORT, HARNESS_ARN (optional) and the harness and streaming settings. */
export function loadSandboxConfig(env: Record<string, string | undefined> = process.env): SandboxConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    // Slack settings do not matter here; everything else is validated as for the bot.
    const ignored = new Set([
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_API_URL',
      'PORT',
    ]);
    const problems = parsed.error.issues
      .filter((i) => !ignored.has(String(i.path[0])))
      .map((i) => {
        const name = i.path.join('.') || 'environment';
        const value = env[String(i.path[0])];
        return `${name} ${i.message}${value === undefined || isSecret(name) ? '' : ` (got "${value}")`}`;
      });
    if (problems.length > 0) throw new ConfigError(problems);
  }
  const arn = env.HARNESS_ARN?.trim() || undefined;
  const logLevel = (env.LOG_LEVEL?.trim() || 'warn') as Config['logLevel'];
  const port = parsed.success ? parsed.data.SANDBOX_PORT : 3030;
  return {
    port,
    harness: arn ? { kind: 'real', arn } : { kind: 'emulator' },
    logLevel,
    botConfig(w) {
      const {
        SLACK_BOT_TOKEN: _t,
        SLACK_APP_TOKEN: _a,
        SLACK_SIGNING_SECRET: _s,
        SLACK_API_URL: _u,
        SESSIONS_TABLE: _table,
        ...rest
      } = env;
      const config = loadConfig({
        ...rest,
        SLACK_BOT_TOKEN: w.botToken,
        SLACK_SIGNING_SECRET: w.signingSecret,
        SLACK_API_URL: w.slackApiUrl,
        PORT: '0',
        DATA_DIR: w.dataDir,
        LOG_LEVEL: logLevel,
        FIS_APPROVERS: rest.FIS_APPROVERS?.trim() || w.approvers?.join(','),
        DEFAULT_TARGET_REGION: rest.DEFAULT_TARGET_REGION?.trim() || w.defaultTargetRegion,
        ...(w.emulator
          ? { HARNESS_ARN: w.emulator.harnessArn, HARNESS_QUALIFIER: undefined, AWS_REGION: undefined }
          : {}),
      });
      if (config.slack.mode.kind === 'http') config.slack.mode.host = '127.0.0.1';
      if (w.emulator) {
        config.harness.endpoint = w.emulator.url;
        config.harness.credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };
      }
      if (w.fisEmulator) {
        config.fis = {
          endpoint: w.fisEmulator.url,
          credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
        };
      }
      return config;
    },
  };
}

function list(s: string | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

function isSecret(name: string): boolean {
  return /TOKEN|SECRET/.test(name);
}

function withTrailingSlash(s: string): string {
  return s.endsWith('/') ? s : `${s}/`;
}
