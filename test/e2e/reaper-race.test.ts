/**
 * Two replicas sharing one store (dynalite), each reaching it through its own fault-injecting
 * proxy, so a test decides which replica gets the table back first after an outage. A run that
 * completed during the outage must never be reported interrupted, even when the other replica's
 * reaper sees its lapsed lease before the owner can record the completion.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../src/adapters/embedded-dynamo.ts';
import { DynamoSessionStore } from '../../src/adapters/session-store.ts';
import { type RunningBot, startBot } from '../../src/bot.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { FaultProxy } from '../helpers/fault-proxy.ts';
import { CHANNEL, HARNESS_ARN, SIGNING_SECRET, USER } from '../helpers/rig.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reaping after a store outage, two replicas', () => {
  let dynamo: EmbeddedDynamo;
  let slack: FakeSlack;
  let harness: HarnessEmulator;
  let a: RunningBot;
  let b: RunningBot;
  let store: DynamoSessionStore;
  const proxyA = new FaultProxy();
  const proxyB = new FaultProxy();
  const dataDir = mkdtempSync(join(tmpdir(), 'reaper-race-'));

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo(undefined, 'us-east-1');
    slack = new FakeSlack();
    await slack.start();
    slack.addUser({ id: USER, name: 'alice' });
    harness = new HarnessEmulator({ harnessArn: HARNESS_ARN });
    await harness.start();
    process.env.AWS_ENDPOINT_URL_BEDROCK_AGENTCORE = harness.url;
    process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    await proxyA.start();
    await proxyB.start();
    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      HARNESS_ARN,
      AWS_REGION: 'us-east-1',
      DATA_DIR: dataDir,
      LEASE_SECONDS: '2',
      STREAM_EDIT_INTERVAL_MS: '200',
      DUPLICATE_COMMAND_WINDOW_SECONDS: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    const log = createLogger(config.logLevel);
    a = await startBot(config, log.child({ replica: 'a' }), {
      sharedStore: dynamo,
      storeEndpoint: proxyA.route,
    });
    b = await startBot(config, log.child({ replica: 'b' }), {
      sharedStore: dynamo,
      storeEndpoint: proxyB.route,
    });
    slack.connectApps([
      { url: `http://127.0.0.1:${a.port}/slack/events`, signingSecret: SIGNING_SECRET },
      { url: `http://127.0.0.1:${b.port}/slack/events`, signingSecret: SIGNING_SECRET },
    ]);
    store = new DynamoSessionStore({
      table: dynamo.table,
      region: 'us-east-1',
      endpoint: dynamo.endpoint,
      credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
      ttlDays: 1,
    });
  }, 60_000);

  afterAll(async () => {
    proxyA.set('up');
    proxyB.set('up');
    await a?.stop(0);
    await b?.stop(0);
    await slack?.stop();
    await harness?.stop();
    await proxyA.stop();
    await proxyB.stop();
    await dynamo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a run that completed during the outage is not marked interrupted when the other replica reaps first', async () => {
    harness.enqueue(answer('The cluster is healthy. '.repeat(4), { chunk: 8, delayMs: 150 }));
    slack.pinned = 0;
    const before = slack.rootMessages(CHANNEL).length;
    await slack.slashCommand({
      command: '/assess',
      text: 'eks outage-cluster',
      user: USER,
      channel: CHANNEL,
    });
    slack.pinned = undefined;
    const root = await slack.waitFor(() => slack.rootMessages(CHANNEL)[before], 5_000, 'root message');
    const key = { teamId: slack.teamId, channel: CHANNEL, threadTs: root.ts };
    await slack.waitFor(() => harness.invocations.length > 0, 10_000, 'the run to start');
    expect((await store.get(key))?.owner).toBe(a.runner.owner);

    // The table becomes unreachable for both replicas; the answer completes meanwhile.
    proxyA.set('blackhole');
    proxyB.set('blackhole');
    await slack.waitFor(
      () => slack.replies(CHANNEL, root.ts).some((m) => /Done in/.test(JSON.stringify(m.blocks ?? []))),
      15_000,
      'the answer to finish',
    );
    // Long enough for the lease (2 s) to lapse in the table.
    await sleep(3_000);
    const lapsed = await store.get(key);
    expect(lapsed?.status).toBe('running');
    expect(lapsed!.leaseExpiresAt!).toBeLessThan(Date.now());

    // Replica B gets the table back first and sweeps before the owner can record the completion.
    proxyB.set('up');
    await b.runner.reap();
    await sleep(1_500);
    proxyA.set('up');

    await expect
      .poll(async () => (await store.get(key))?.status, { timeout: 15_000, interval: 100 })
      .toBe('idle');
    // Several of B's sweeps later, past any grace period, the run is still a completed one.
    await sleep(8_000);
    const rec = await store.get(key);
    expect(rec).toMatchObject({ status: 'idle' });
    expect(rec?.interruptedAt).toBeUndefined();
    const notices = slack
      .replies(CHANNEL, root.ts)
      .filter((m) => JSON.stringify(m.blocks ?? []).includes('retry_run') || /interrupted/i.test(m.text));
    expect(notices.map((m) => m.text)).toEqual([]);
  }, 60_000);
});
