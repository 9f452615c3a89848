/**
 * The sandbox's configuration: the bot's own settings, validated the same way, with the Slack side
 * replaced by the sandbox's fake Slack and the AWS side by the local stand-ins it runs.
 */
import { schema } from './config-schema.ts';
import { type Config, ConfigError, isSecretSetting } from './config-types.ts';

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
  awsStandIns?: { tagging: string; sts?: string; ec2?: string };
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

/**
 * The sandbox's settings from an environment config.ts hands over: everything is validated as for the
 * bot except the Slack settings, which the sandbox supplies itself (its fake Slack, on loopback).
 */
export function sandboxConfig(
  env: Record<string, string | undefined>,
  loadConfig: (env: Record<string, string | undefined>) => Config,
): SandboxConfig {
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
        return `${name} ${i.message}${value === undefined || isSecretSetting(name) ? '' : ` (got "${value}")`}`;
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
        if (w.awsStandIns.ec2) config.ec2 = { endpoint: w.awsStandIns.ec2, credentials };
      }
      return config;
    },
  };
}
