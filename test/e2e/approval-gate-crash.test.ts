/**
 * The bot process dies (SIGKILL) while FIS holds its StartExperiment call. FIS may have created the
 * experiment or not; either way the next bot on the same data must find out from FIS, bring the card
 * to a true state (running with Emergency stop, or not started with the reason), resume the agent
 * with the truth, and leave no experiment unmanaged and no thread stuck waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/bot.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { CloudWatchEmulator } from '../../src/stand-ins/cloudwatch-emulator.ts';
import { Ec2Emulator } from '../../src/stand-ins/ec2-emulator.ts';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { FisEmulator, sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { TaggingEmulator } from '../../src/stand-ins/tagging-emulator.ts';
import {
  approvalId,
  type Card,
  cardJson,
  click,
  requestRun,
  resumeIn,
  TEMPLATE,
  threadText,
} from '../helpers/approval.ts';
import { freePort, npmStart } from '../helpers/processes.ts';
import {
  APPROVER,
  CHANNEL,
  GROUP,
  GROUP_MEMBER,
  HARNESS_ARN,
  OTHER_USER,
  resetWorld,
  SIGNING_SECRET,
  USER,
} from '../helpers/rig.ts';

const APPROVAL_TAG = 'agentcore-slack-bot:approval-id';

describe('a bot killed while StartExperiment is in flight', () => {
  const slack = new FakeSlack();
  const harness = new HarnessEmulator({ harnessArn: HARNESS_ARN, defaultScenario: fisExecuteAgent() });
  const fis = new FisEmulator({ initiatingMs: 200, runningMs: 60_000 });
  // The template's stop-condition alarm (OK) and the instances it targets, which the bot checks first.
  const world = {
    cloudwatch: new CloudWatchEmulator(),
    tagging: new TaggingEmulator(),
    ec2: new Ec2Emulator(),
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'approval-crash-'));
  let env: Record<string, string>;
  let inProcess: RunningBot | undefined;

  beforeAll(async () => {
    await Promise.all([
      slack.start(),
      harness.start(),
      fis.start(),
      world.cloudwatch.start(),
      world.tagging.start(),
      world.ec2.start(),
    ]);
    resetWorld(world);
    for (const [id, name] of [
      [USER, 'alice'],
      [OTHER_USER, 'bob'],
      [APPROVER, 'carol'],
      [GROUP_MEMBER, 'dave'],
    ] as const)
      slack.addUser({ id, name });
    slack.userGroups.set(GROUP, [GROUP_MEMBER]);
    fis.addTemplate(sampleTemplate(TEMPLATE));
    env = {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      HARNESS_ARN,
      AWS_REGION: 'us-east-1',
      DEFAULT_TARGET_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: harness.url,
      AWS_ENDPOINT_URL_FIS: fis.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: world.cloudwatch.url,
      AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API: world.tagging.url,
      AWS_ENDPOINT_URL_EC2: world.ec2.url,
      DATA_DIR: dataDir,
      FIS_APPROVERS: `${APPROVER},${GROUP}`,
      FIS_APPROVAL_TTL_MINUTES: '2',
      LEASE_SECONDS: '2',
      DUPLICATE_COMMAND_WINDOW_SECONDS: '0',
      STREAM_EDIT_INTERVAL_MS: '200',
    };
  });
  afterAll(async () => {
    await inProcess?.stop(0);
    await Promise.all([
      slack.stop(),
      harness.stop(),
      fis.stop(),
      world.cloudwatch.stop(),
      world.tagging.stop(),
      world.ec2.stop(),
    ]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** `npm start` on the shared data directory, connected to the fake Slack. */
  const child = async () => {
    const port = await freePort();
    const run = npmStart({ ...env, PORT: String(port) });
    await slack.waitFor(
      () => run.output().includes('listening for Slack') || run.child.exitCode !== null,
      60_000,
      'the bot to listen',
    );
    if (run.child.exitCode !== null) throw new Error(`the bot exited:\n${run.output()}`);
    slack.connectApp({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET });
    return run;
  };
  /** A replacement bot in this process on the same data. */
  const replacement = async () => {
    for (const k of [
      'AWS_ENDPOINT_URL_BEDROCK_AGENTCORE',
      'AWS_ENDPOINT_URL_FIS',
      'AWS_ENDPOINT_URL_CLOUDWATCH',
      'AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API',
      'AWS_ENDPOINT_URL_EC2',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
    ])
      process.env[k] = env[k];
    const config = loadConfig({ ...env, PORT: '0', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
    const bot = await startBot(config, createLogger(config.logLevel));
    slack.connectApp({ url: `http://127.0.0.1:${bot.port}/slack/events`, signingSecret: SIGNING_SECRET });
    return bot;
  };
  /** Approves the card and kills the bot while FIS holds the StartExperiment call. */
  const approveAndKill = async (
    card: Card,
    fault: { createFirst?: boolean; abandonIfCallerGone?: boolean },
  ) => {
    let release!: () => void;
    let arrived = false;
    let gone = false;
    fis.failStart({
      ...fault,
      until: new Promise<void>((r) => {
        release = r;
      }),
      onCall: () => {
        arrived = true;
      },
      onCallerGone: () => {
        gone = true;
      },
    });
    await click({ slack }, APPROVER, card, 'fis_approve');
    await slack.waitFor(() => arrived, 20_000, 'StartExperiment to reach FIS');
    /** FIS answers the held call only once it has seen the caller die. */
    return async () => {
      await slack.waitFor(() => gone, 10_000, 'FIS to see the caller disconnect');
      release();
    };
  };
  const experimentsOf = (card: Card) => fis.started.filter((e) => e.tags[APPROVAL_TAG] === approvalId(card));

  it('FIS created it: the next bot finds it by its approval tag, shows it running with Emergency stop, resumes the agent, and the thread takes follow-ups', async () => {
    const first = await child();
    const { root, card, session } = await requestRun({ slack, harness });
    const release = await approveAndKill(card, { createFirst: true });
    first.signal('SIGKILL');
    await first.exit;
    await release();
    expect(experimentsOf(card)).toHaveLength(1);
    const exp = experimentsOf(card)[0]!;

    inProcess = await replacement();
    await slack.waitFor(
      () => cardJson({ slack }, card).includes(exp.id) && cardJson({ slack }, card).includes('fis_stop'),
      30_000,
      `the card to show ${exp.id} running: ${cardJson({ slack }, card).slice(0, 300)}`,
    );
    await slack.waitFor(() => resumeIn({ harness }, session), 20_000, 'the agent to be resumed');
    expect(resumeIn({ harness }, session)).toMatchObject({ decision: 'approved', experimentId: exp.id });
    await slack.waitFor(
      () => threadText({ slack }, root.ts).includes('hypothesis confirmed'),
      20_000,
      'the agent report',
    );
    const before = harness.invocations.length;
    await slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: 'is it still running?',
      threadTs: root.ts,
    });
    await slack.waitFor(
      () => harness.invocations.length > before,
      15_000,
      'the follow-up to reach the agent',
    );
    expect(threadText({ slack }, root.ts)).not.toContain('waiting for a decision');
    expect(experimentsOf(card)).toHaveLength(1);
    await inProcess.stop(5_000);
    inProcess = undefined;
  }, 180_000);

  it('FIS never created it: the next bot confirms that with FIS and only then says it was not started, and tells the agent', async () => {
    const first = await child();
    const { root, card, session } = await requestRun({ slack, harness });
    const release = await approveAndKill(card, { abandonIfCallerGone: true });
    first.signal('SIGKILL');
    await first.exit;
    await release();
    const lists = fis.calls.filter((c) => c.op === 'ListExperiments').length;

    inProcess = await replacement();
    await slack.waitFor(
      () => /not started/i.test(cardJson({ slack }, card)),
      30_000,
      `the card to say not started: ${cardJson({ slack }, card).slice(0, 300)}`,
    );
    expect(fis.calls.filter((c) => c.op === 'ListExperiments').length).toBeGreaterThan(lists);
    expect(threadText({ slack }, root.ts)).toMatch(/FIS has no experiment for this approval/);
    await slack.waitFor(() => resumeIn({ harness }, session), 20_000, 'the agent to be resumed');
    expect(resumeIn({ harness }, session)).toMatchObject({ decision: 'error' });
    expect(experimentsOf(card)).toHaveLength(0);
  }, 180_000);
});
