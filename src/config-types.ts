/** The validated settings the bot runs with, and the errors a bad environment produces. */
import type { PriceTable } from './core/cost.ts';
import type { Accounts } from './core/target-accounts.ts';
import type { ToolSpec } from './harness-catalog.ts';

/** A harness of HARNESSES: the commands it answers and where it lives. */
export interface NamedHarness {
  id: string;
  arn: string;
  region: string;
  commands: string[];
  tools: ToolSpec[];
}

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
    /** How long one Web API call of a run may take before the client gives up (SLACK_CALL_TIMEOUT_SECONDS). */
    callTimeoutMs: number;
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
    /** InvokeHarness starts a second this process sends per harness (HARNESS_STARTS_PER_SECOND). */
    startsPerSecond: number;
    /** The default harness's tools (HARNESS_TOOLS), repeated when an invocation adds inline functions. */
    tools: ToolSpec[];
    /** Further harnesses, one per function (HARNESSES with HARNESS_ARNS). */
    others: NamedHarness[];
    /** Local sandbox only: the harness emulator's URL and the dummy credentials it accepts. */
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };
  store: { table: string | undefined; dataDir: string; region: string; ttlDays: number };
  defaultTargetRegion: string;
  /** Local sandbox only: the FIS emulator (otherwise the SDK's endpoint and credentials). */
  fis?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Local sandbox only: the CloudWatch, tagging and STS stand-ins (otherwise the SDK's endpoints and credentials). */
  cloudwatch?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  tagging?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  sts?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Local sandbox only: the EC2 stand-in (target descriptions and health). */
  ec2?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Local only: the ECS stand-in (task targets' health). */
  ecs?: { endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  approvals: {
    /** Approver user ids and user group ids; empty disables `/fis run`. */
    approvers: string[];
    allowSelfApproval: boolean;
    allowNoStopConditions: boolean;
    ttlMs: number;
    /** Stop-condition alarms in ALARM / INSUFFICIENT_DATA that policy lets through. */
    allowAlarmState: boolean;
    allowInsufficientData: boolean;
    /** Blast-radius limits enforced before a card is posted and again at start. */
    limits: { maxPercent?: number; maxAzs?: number };
    /** How long stop-condition alarms have to be OK again after an experiment ends. */
    recoveryMs: number;
    /** The start-only role assumed for each start; unset: the bot's own credentials. */
    startRoleArn?: string;
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
  alerts: {
    /** Read other apps' alarm notifications and offer investigations (ALERT_NOTES). */
    enabled: boolean;
    /** Channels where an investigation starts without a click. */
    autoChannels: string[];
    /** Notifications of one alarm this close together are one episode. */
    episodeMs: number;
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
    /** Edit mode: spill a congested run's text into new replies (reply-spill.ts). */
    spillReplies: boolean;
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
  /** Regions where /fis run may start experiments (the FIS roles' regions); empty: any. */
  fisRegions: string[];
  /** The bot's own account (from HARNESS_ARN) and the other accounts commands may name (TARGET_ACCOUNTS). */
  accounts: Accounts;
  /** CloudWatch namespace for embedded metrics (EMF lines on stdout); unset: no metrics. */
  metricsNamespace?: string;
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

/** Values never echoed in a config error: secrets, and the JSON tool lists (a mistaken plain header value). */
export function isSecretSetting(name: string): boolean {
  return /TOKEN|SECRET|^HARNESS_TOOLS|^HARNESSES/.test(name);
}
