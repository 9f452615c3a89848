/**
 * The only module that reads process.env. Every setting is parsed and validated once, here;
 * a bad or missing setting produces one ConfigError that lists every problem.
 */

import { namedHarnesses } from './config-harnesses.ts';
import { type SandboxConfig, sandboxConfig } from './config-sandbox.ts';
import { HARNESS_ARN, schema } from './config-schema.ts';
import { type Config, ConfigError, isSecretSetting, MissingSlackCredentials } from './config-types.ts';
import { DEFAULT_PRICES, type PriceTable, parsePriceTable } from './core/cost.ts';
import { parseTargetAccounts, type TargetAccount } from './core/target-accounts.ts';
import { approvalGateToolProblem } from './harness-catalog.ts';

export type { SandboxConfig, SandboxWiring } from './config-sandbox.ts';
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
      const got = value === undefined || isSecretSetting(name) ? '' : ` (got "${value}")`;
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
  const arnParts = /^arn:(aws[a-z-]*):/.exec(harnessArn);
  const region = e.AWS_REGION ?? arnRegion!;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN!,
      mode: e.SLACK_APP_TOKEN
        ? { kind: 'socket', appToken: e.SLACK_APP_TOKEN }
        : { kind: 'http', signingSecret: e.SLACK_SIGNING_SECRET!, port: e.PORT },
      apiUrl: e.SLACK_API_URL ? withTrailingSlash(e.SLACK_API_URL) : undefined,
      healthPort: e.PORT,
      callTimeoutMs: e.SLACK_CALL_TIMEOUT_SECONDS * 1000,
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
      startsPerSecond: e.HARNESS_STARTS_PER_SECOND,
      tools: e.HARNESS_TOOLS,
      others,
    },
    store: { table: e.SESSIONS_TABLE, dataDir: e.DATA_DIR, region, ttlDays: e.SESSION_TTL_DAYS },
    defaultTargetRegion: e.DEFAULT_TARGET_REGION ?? region,
    fisRegions: list(e.FIS_REGIONS),
    accounts: {
      home: HARNESS_ARN.exec(harnessArn)?.[3],
      // Validated by the schema; the partition of the harness is the partition of the default role ARNs.
      others: parseTargetAccounts(e.TARGET_ACCOUNTS ?? '', arnParts?.[1] ?? 'aws') as TargetAccount[],
      ...(e.TARGET_ACCOUNT_EXTERNAL_ID ? { externalId: e.TARGET_ACCOUNT_EXTERNAL_ID } : {}),
      // The target roles trust the default harness's role only (deploy/lib/target-account-stack.ts).
      unavailableFor: others.flatMap((h) => h.commands),
    },
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
      spillReplies: e.SPILL_REPLIES,
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

/** Sandbox settings: SANDBOX_PORT, HARNESS_ARN (optional) and the harness and streaming settings. */
export function loadSandboxConfig(env: Record<string, string | undefined> = process.env): SandboxConfig {
  return sandboxConfig(env, loadConfig);
}

function list(s: string | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
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

/** The process environment, for entry points that hand it on (the doctor): reading it stays in this module. */
export function environment(): Record<string, string | undefined> {
  return process.env;
}
