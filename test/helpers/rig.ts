/**
 * The offline rig: the real bot (Bolt over HTTP, real AgentCore SDK, real DynamoDB client) against
 * the fake Slack, the harness emulator and an embedded dynalite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BotHooks, type RunningBot, startBot } from '../../src/bot.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { CloudWatchEmulator } from '../../src/stand-ins/cloudwatch-emulator.ts';
import { Ec2Emulator } from '../../src/stand-ins/ec2-emulator.ts';
import { EcsEmulator } from '../../src/stand-ins/ecs-emulator.ts';
import { FakeSlack, type FakeSlackOptions } from '../../src/stand-ins/fake-slack.ts';
import { FisEmulator } from '../../src/stand-ins/fis-emulator.ts';
import { scopedStartAuthorizer } from '../../src/stand-ins/fis-start-authorizer.ts';
import { HarnessEmulator, type HarnessEmulatorOptions } from '../../src/stand-ins/harness-emulator.ts';
import { HarnessRegion } from '../../src/stand-ins/harness-region.ts';
import { policyAuthorizer, type RecordingAuthorizer } from '../../src/stand-ins/iam-authorizer.ts';
import { StsEmulator } from '../../src/stand-ins/sts-emulator.ts';
import { TaggingEmulator } from '../../src/stand-ins/tagging-emulator.ts';

export const HARNESS_ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/opsagent-AbCdEf1234';
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const USER = 'U0ALICE01';
export const OTHER_USER = 'U0BOB0002';
export const CHANNEL = 'C0GENERAL';

export const APPROVER = 'U0CAROL03';
export const GROUP = 'S0SRE0001';
export const GROUP_MEMBER = 'U0DAVE004';

/** The world sampleTemplate acts on: its stop-condition alarm (OK) and the instances its tags match. */
export const STOP_ALARM = 'checkout-5xx';
export const START_ROLE_ARN = 'arn:aws:iam::123456789012:role/agentcore-slack-bot-fis-start';
export const CHECKOUT_INSTANCES = [
  'arn:aws:ec2:us-east-1:123456789012:instance/i-0aaaaaaaaaaaaaaa1',
  'arn:aws:ec2:us-east-1:123456789012:instance/i-0aaaaaaaaaaaaaaa2',
  'arn:aws:ec2:us-east-1:123456789012:instance/i-0aaaaaaaaaaaaaaa3',
];

/**
 * Puts the sample world back: the stop alarm OK, three checkout instances tagged app=checkout, running
 * in us-east-1a with their status checks ok.
 */
export function resetWorld(r: Pick<Rig, 'cloudwatch' | 'tagging' | 'ec2'>): void {
  r.cloudwatch.clear();
  r.tagging.clear();
  r.ec2.clear();
  r.cloudwatch.putAlarm({ name: STOP_ALARM, state: 'OK', reason: 'Threshold not crossed' }, 'us-east-1');
  for (const arn of CHECKOUT_INSTANCES) {
    r.tagging.tag(arn, { app: 'checkout' });
    r.ec2.putInstance(arn, { az: 'us-east-1a', tags: { app: 'checkout' } });
  }
}

export interface Rig {
  slack: FakeSlack;
  harness: HarnessEmulator;
  fis: FisEmulator;
  /** With `harnesses`: each further harness's emulator, by id (behind the same regional endpoint). */
  named: Map<string, HarnessEmulator>;
  cloudwatch: CloudWatchEmulator;
  tagging: TaggingEmulator;
  ec2: Ec2Emulator;
  ecs: EcsEmulator;
  sts: StsEmulator;
  bot: RunningBot;
  /** The bot's configuration (further replicas start with it). */
  config: ReturnType<typeof loadConfig>;
  /** With `deployedRole`: every AWS authorization the stand-ins decided. */
  authorizer?: RecordingAuthorizer;
  /** Stops the bot (as a crash or deploy would) and starts a fresh one on the same data. */
  restartBot(): Promise<void>;
  close(): Promise<void>;
}

export async function startRig(
  opts: {
    slack?: FakeSlackOptions;
    harness?: Partial<HarnessEmulatorOptions>;
    env?: Record<string, string>;
    /** Connect over Socket Mode instead of HTTP. */
    socketMode?: boolean;
    /**
     * Start through the start-only role: FIS_START_ROLE_ARN is set, STS knows the role, and the FIS
     * emulator lets only a scoped session (within its session policy) start experiments.
     */
    scopedStart?: boolean;
    /** A CloudWatch emulator the test set up itself (the rig seeds the sample world into it too). */
    cloudwatch?: CloudWatchEmulator;
    /** Authorize the bot's harness calls against the bot task role exactly as deploy/ synthesizes it. */
    deployedRole?: boolean;
    hooks?: BotHooks;
    /** Further harnesses (HARNESSES), each with its own emulator: id, the commands it answers, its tools. */
    harnesses?: { id: string; commands: string[]; tools?: unknown[] }[];
    /** Where the bot logs (default: stdout at TEST_LOG_LEVEL). */
    log?: (config: ReturnType<typeof loadConfig>) => ReturnType<typeof createLogger>;
  } = {},
): Promise<Rig> {
  const slack = new FakeSlack(opts.slack);
  await slack.start();
  let authorizer: RecordingAuthorizer | undefined;
  let harnessArn = HARNESS_ARN;
  if (opts.deployedRole) {
    // Loaded only here: it synthesizes the CDK app. The harness gets the ARN the role names.
    const iam = await import('../../deploy/test/helpers/iam-eval.ts');
    harnessArn = iam.deployedArn('AWS::BedrockAgentCore::Harness', 'Harness');
    authorizer = policyAuthorizer({
      policies: [iam.botTaskRolePolicy()],
      principalArn: iam.botTaskRolePrincipal(),
      accountId: iam.SIM_ENV.account,
    });
  }
  const harness = new HarnessEmulator({ harnessArn, authorizer, ...opts.harness });
  await harness.start();
  const named = new Map<string, HarnessEmulator>();
  for (const [i, h] of (opts.harnesses ?? []).entries()) {
    const emulator = new HarnessEmulator({
      harnessArn: `arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/${h.id}_agent-Xy${i}Zw56789`,
    });
    await emulator.start();
    named.set(h.id, emulator);
  }
  const region = named.size
    ? new HarnessRegion([
        { arn: harnessArn, emulator: harness },
        ...[...named.values()].map((e) => ({ arn: e.harnessArn, emulator: e })),
      ])
    : undefined;
  await region?.start();
  const fis = new FisEmulator({ initiatingMs: 200, runningMs: 3_000 });
  await fis.start();
  process.env.AWS_ENDPOINT_URL_FIS = fis.url;
  const cloudwatch = opts.cloudwatch ?? new CloudWatchEmulator();
  if (!opts.cloudwatch) await cloudwatch.start();
  process.env.AWS_ENDPOINT_URL_CLOUDWATCH = cloudwatch.url;
  const tagging = new TaggingEmulator();
  await tagging.start();
  process.env.AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API = tagging.url;
  const ec2 = new Ec2Emulator();
  await ec2.start();
  process.env.AWS_ENDPOINT_URL_EC2 = ec2.url;
  const ecs = new EcsEmulator();
  await ecs.start();
  process.env.AWS_ENDPOINT_URL_ECS = ecs.url;
  resetWorld({ cloudwatch, tagging, ec2 });
  const sts = new StsEmulator();
  await sts.start();
  process.env.AWS_ENDPOINT_URL_STS = sts.url;
  if (opts.scopedStart) {
    sts.addRole(START_ROLE_ARN);
    fis.authorizeStart = scopedStartAuthorizer(sts, { ownKeysMayStart: false });
  }
  for (const [id, name] of [
    [USER, 'alice'],
    [OTHER_USER, 'bob'],
    [APPROVER, 'carol'],
    [GROUP_MEMBER, 'dave'],
  ] as const) {
    slack.addUser({ id, name });
    // People in the workspace are in its channel, as whoever runs a command there is.
    slack.channels.get(CHANNEL)?.members.add(id);
  }
  slack.userGroups.set(GROUP, [GROUP_MEMBER]);
  // The standard SDK variables, exactly as an operator would set them.
  process.env.AWS_ENDPOINT_URL_BEDROCK_AGENTCORE = region?.url ?? harness.url;
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const dataDir = mkdtempSync(join(tmpdir(), 'bot-rig-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    ...(opts.socketMode ? { SLACK_APP_TOKEN: slack.appToken } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    HARNESS_ARN: harnessArn,
    AWS_REGION: 'us-east-1',
    DEFAULT_TARGET_REGION: 'us-west-2',
    DATA_DIR: dataDir,
    STREAM_EDIT_INTERVAL_MS: '200',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    FIS_APPROVERS: `${APPROVER},${GROUP}`,
    // Most tests run the same command back to back on purpose; the double-submit test turns this on.
    DUPLICATE_COMMAND_WINDOW_SECONDS: '0',
    ...(opts.harnesses
      ? {
          HARNESSES: JSON.stringify(opts.harnesses.map((h) => ({ tools: [], ...h }))),
          HARNESS_ARNS: [...named.entries()].map(([id, e]) => `${id}=${e.harnessArn}`).join(';'),
        }
      : {}),
    ...(opts.scopedStart ? { FIS_START_ROLE_ARN: START_ROLE_ARN } : {}),
    ...opts.env,
  });
  const boot = async () => {
    const bot = await startBot(config, opts.log?.(config) ?? createLogger(config.logLevel), opts.hooks);
    if (opts.socketMode)
      await slack.waitFor(() => slack.socketConnected, 10_000, 'the Socket Mode connection');
    else
      slack.connectApp({ url: `http://127.0.0.1:${bot.port}/slack/events`, signingSecret: SIGNING_SECRET });
    return bot;
  };
  const rig: Rig = {
    slack,
    harness,
    fis,
    named,
    cloudwatch,
    tagging,
    ec2,
    ecs,
    sts,
    authorizer,
    config,
    bot: await boot(),
    async restartBot() {
      await rig.bot.stop();
      rig.bot = await boot();
    },
    async close() {
      await rig.bot.stop();
      await slack.stop();
      await harness.stop();
      for (const e of named.values()) await e.stop();
      await region?.stop();
      await fis.stop();
      if (!opts.cloudwatch) await cloudwatch.stop();
      await tagging.stop();
      await ec2.stop();
      await ecs.stop();
      await sts.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return rig;
}

const FINAL = /(Done|Failed|Ended early|Stopped) in/;

/** Sends a slash command and waits for its root message (the first new one in that channel). */
export async function commandRoot(
  rig: Rig,
  input: { command: string; text: string; user?: string; channel?: string },
): Promise<import('../../src/stand-ins/fake-slack.ts').StoredMessage> {
  const channel = input.channel ?? CHANNEL;
  const before = rig.slack.rootMessages(channel).length;
  await rig.slack.slashCommand({ user: USER, channel, ...input });
  return rig.slack.waitFor(() => rig.slack.rootMessages(channel)[before], 5000, 'root message');
}

/** Waits until the thread's last reply shows the run's result footer; returns the thread's replies. */
export async function finalReplies(rig: Rig, channel: string, threadTs: string, timeoutMs = 15_000) {
  await rig.slack.waitFor(
    () => rig.slack.replies(channel, threadTs).some((m) => FINAL.test(JSON.stringify(m.blocks))),
    timeoutMs,
    'the run to finish',
  );
  return rig.slack.replies(channel, threadTs);
}

/**
 * Sends a slash command and reports what a refusal must leave unchanged: its ack, and how many messages were
 * posted and harness invocations made in the 150 ms after it (a refused command posts and invokes nothing).
 */
export async function slashOutcome(rig: Rig, command: string, text: string) {
  const posts = rig.slack.callsTo('chat.postMessage').length;
  const invocations = rig.harness.invocations.length;
  const res = await rig.slack.slashCommand({ command, text, user: USER, channel: CHANNEL });
  const ack = res.body ? (JSON.parse(res.body) as { response_type?: string; text?: string }) : {};
  await new Promise((r) => setTimeout(r, 150));
  return {
    ack,
    posted: rig.slack.callsTo('chat.postMessage').length - posts,
    invoked: rig.harness.invocations.length - invocations,
  };
}
