/**
 * The only module that reads process.env. Every setting is parsed and validated once, here;
 * a bad or missing setting produces one ConfigError that lists every problem.
 */

import { HARNESS_ARN, schema } from './config-schema.ts';
import { type Config, ConfigError, MissingSlackCredentials } from './config-types.ts';
import { SLASH_COMMANDS } from './core/commands.ts';
import { DEFAULT_PRICES, type PriceTable, parsePriceTable } from './core/cost.ts';
import { INVESTIGATE_COMMAND } from './core/investigation-runs.ts';
import { approvalGateToolProblem, type HarnessSpec } from './harness-catalog.ts';

export {
  type Config,
  ConfigError,
  MissingSlackCredentials,
  SLACK_SETUP_HELP,
  type SlackMode,
} from './config-types.ts';

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
  const others = e ? namedHarnesses(e.HARNESSES, e.HARNESS_ARNS, problems) : [];
  if (e && (e.FIS_APPROVERS ?? '').trim()) {
    // The approval gate adds an inline function, and InvokeHarness then replaces the harness's tool list:
    // the bot must be able to repeat that list, and it never holds the secrets or creates gateways.
    const p = approvalGateToolProblem(e.HARNESS_TOOLS, others);
    if (p)
      problems.push(
        `${p.harness ? `HARNESSES (harness "${p.harness}")` : 'HARNESS_TOOLS'}: the harness that answers /fis cannot have this tool while FIS_APPROVERS is set: ${p.why}. Put the tool on another harness.`,
      );
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
      tools: e.HARNESS_TOOLS,
      others,
    },
    store: { table: e.SESSIONS_TABLE, dataDir: e.DATA_DIR, region, ttlDays: e.SESSION_TTL_DAYS },
    defaultTargetRegion: e.DEFAULT_TARGET_REGION ?? region,
    fisRegions: list(e.FIS_REGIONS),
    approvals: {
      approvers: (e.FIS_APPROVERS ?? '')
        .split(',')
        .map((id: string) => id.trim())
        .filter(Boolean),
      allowSelfApproval: e.FIS_ALLOW_SELF_APPROVAL,
      allowNoStopConditions: e.FIS_ALLOW_NO_STOP_CONDITIONS,
      ttlMs: Math.round(e.FIS_APPROVAL_TTL_MINUTES * 60_000),
      allowAlarmState: e.FIS_ALLOW_ALARM_STATE,
      allowInsufficientData: e.FIS_ALLOW_INSUFFICIENT_DATA,
      limits: {
        ...(e.FIS_MAX_TARGET_PERCENT !== undefined ? { maxPercent: e.FIS_MAX_TARGET_PERCENT } : {}),
        ...(e.FIS_MAX_TARGET_AZS !== undefined ? { maxAzs: e.FIS_MAX_TARGET_AZS } : {}),
      },
      recoveryMs: Math.round(e.FIS_RECOVERY_MINUTES * 60_000),
      ...(e.FIS_START_ROLE_ARN ? { startRoleArn: e.FIS_START_ROLE_ARN } : {}),
    },
    streamEditIntervalMs: e.STREAM_EDIT_INTERVAL_MS,
    concurrency: {
      leaseMs: e.LEASE_SECONDS * 1000,
      maxQueue: e.MAX_QUEUED_FOLLOW_UPS,
      sessionIdleMs: e.HARNESS_SESSION_IDLE_SECONDS * 1000,
      shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
      duplicateCommandWindowSeconds: e.DUPLICATE_COMMAND_WINDOW_SECONDS,
    },
    alerts: {
      enabled: e.ALERT_NOTES,
      autoChannels: list(e.ALERT_AUTO_INVESTIGATE_CHANNELS),
      episodeMs: e.ALERT_EPISODE_MINUTES * 60_000,
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
    metricsNamespace: e.METRICS_NAMESPACE,
  };
}

/** The commands a HARNESSES entry may answer: every skill command, and /investigate. */
const ROUTABLE_COMMANDS: readonly string[] = [...SLASH_COMMANDS, INVESTIGATE_COMMAND];

/** HARNESSES joined with HARNESS_ARNS: every harness needs an ARN, every ARN a harness, commands must exist. */
function namedHarnesses(specs: HarnessSpec[], arns: string | undefined, problems: string[]) {
  const byId = new Map(
    (arns ?? '')
      .split(';')
      .map((part) => part.split('=').map((x) => x.trim()))
      .filter((kv) => kv.length === 2 && kv[0])
      .map(([id, arn]) => [id!, arn!] as const),
  );
  const out = [];
  for (const h of specs) {
    const arn = byId.get(h.id);
    const region = arn ? HARNESS_ARN.exec(arn)?.[2] : undefined;
    if (!arn) problems.push(`HARNESS_ARNS has no ARN for harness "${h.id}" (add ${h.id}=arn:…:harness/…)`);
    else if (!region)
      problems.push(
        `HARNESS_ARNS: "${h.id}" must look like arn:aws:bedrock-agentcore:<region>:<account>:harness/<name>-<id> (got "${arn}")`,
      );
    for (const c of h.commands.filter((c) => !ROUTABLE_COMMANDS.includes(c)))
      problems.push(`HARNESSES: harness "${h.id}" names ${c}, which is not a command of this bot`);
    if (arn && region) out.push({ id: h.id, arn, region, commands: h.commands, tools: h.tools });
  }
  for (const id of byId.keys())
    if (!specs.some((h) => h.id === id))
      problems.push(`HARNESS_ARNS names "${id}", which HARNESSES does not define`);
  return out;
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
  /** Further emulated harnesses (HARNESSES), unless HARNESSES is set. */
  namedHarnesses?: { id: string; arn: string; commands: string[]; tools: unknown[] }[];
  /** The FIS emulator, when it runs alongside the harness emulator. */
  fisEmulator?: { url: string };
  cloudwatchEmulator?: { url: string };
  /** The tagging and STS stand-ins, when they run alongside the FIS emulator. */
  awsStandIns?: { tagging: string; sts?: string };
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
        ...(w.namedHarnesses && !rest.HARNESSES?.trim()
          ? {
              HARNESSES: JSON.stringify(w.namedHarnesses.map(({ arn: _a, ...h }) => h)),
              HARNESS_ARNS: w.namedHarnesses.map((h) => `${h.id}=${h.arn}`).join(';'),
            }
          : {}),
      });
      if (config.slack.mode.kind === 'http') config.slack.mode.host = '127.0.0.1';
      if (w.emulator) {
        config.harness.endpoint = w.emulator.url;
        config.harness.credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };
      }
      if (w.cloudwatchEmulator) {
        config.cloudwatch = {
          endpoint: w.cloudwatchEmulator.url,
          credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
        };
      }
      if (w.fisEmulator) {
        config.fis = {
          endpoint: w.fisEmulator.url,
          credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
        };
      }
      if (w.awsStandIns) {
        const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };
        config.tagging = { endpoint: w.awsStandIns.tagging, credentials };
        if (w.awsStandIns.sts) config.sts = { endpoint: w.awsStandIns.sts, credentials };
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

/** Values never echoed in a config error: secrets, and the JSON tool lists (a mistaken plain header value). */
function isSecret(name: string): boolean {
  return /TOKEN|SECRET|^HARNESS_TOOLS|^HARNESSES/.test(name);
}

function withTrailingSlash(s: string): string {
  return s.endsWith('/') ? s : `${s}/`;
}

/** The store settings alone, for tools that read the bot's data (`npm run feedback`). */
export interface StoreConfig {
  table?: string;
  dataDir: string;
  region: string;
}

export function loadStoreConfig(env: Record<string, string | undefined> = process.env): StoreConfig {
  const parsed = schema
    .pick({ SESSIONS_TABLE: true, DATA_DIR: true, AWS_REGION: true, HARNESS_ARN: true })
    .safeParse(env);
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`),
    );
  const e = parsed.data;
  const region = e.AWS_REGION ?? (e.HARNESS_ARN ? HARNESS_ARN.exec(e.HARNESS_ARN)?.[2] : undefined);
  if (e.SESSIONS_TABLE && !region)
    throw new ConfigError(['AWS_REGION (or HARNESS_ARN) is required to read SESSIONS_TABLE']);
  return { table: e.SESSIONS_TABLE, dataDir: e.DATA_DIR, region: region ?? 'us-east-1' };
}
