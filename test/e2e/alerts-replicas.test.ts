/**
 * Alarm episodes hold across replicas (issue 19): two bots on one store, each receiving some of the
 * same alarm's notifications at the same moment (a flapping alarm, a notifier posting twice), produce
 * one note; a click on either replica starts one investigation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EMBEDDED_CREDENTIALS,
  type EmbeddedDynamo,
  startEmbeddedDynamo,
} from '../../src/adapters/embedded-dynamo.ts';
import { type RunningBot, startBot } from '../../src/bot.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { postAppMessage } from '../../src/stand-ins/alert-sender.ts';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, HARNESS_ARN, SIGNING_SECRET, USER } from '../helpers/rig.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/alerts', name), 'utf8'));

describe('alarm episodes across replicas', () => {
  let dynamo: EmbeddedDynamo;
  let slack: FakeSlack;
  let harness: HarnessEmulator;
  const bots: RunningBot[] = [];

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo(undefined, 'us-east-1');
    slack = new FakeSlack();
    await slack.start();
    slack.addUser({ id: USER, name: 'alice' });
    harness = new HarnessEmulator({ harnessArn: HARNESS_ARN });
    await harness.start();
    process.env.AWS_ENDPOINT_URL_BEDROCK_AGENTCORE = harness.url;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    process.env.AWS_ACCESS_KEY_ID = EMBEDDED_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = EMBEDDED_CREDENTIALS.secretAccessKey;
    const config = loadConfig({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      HARNESS_ARN,
      AWS_REGION: 'us-east-1',
      SESSIONS_TABLE: dynamo.table,
      PORT: '0',
      STREAM_EDIT_INTERVAL_MS: '200',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    for (let i = 0; i < 2; i++) bots.push(await startBot(config, createLogger(config.logLevel)));
    slack.connectApps(
      bots.map((b) => ({ url: `http://127.0.0.1:${b.port}/slack/events`, signingSecret: SIGNING_SECRET })),
    );
  }, 60_000);

  afterAll(async () => {
    for (const b of bots) await b.stop(0);
    await slack?.stop();
    await harness?.stop();
    await dynamo?.close();
  });

  it('the same alarm arriving at both replicas at once gets one note, and one click starts one run', async () => {
    const message = fixture('amazon-q-alarm.json');
    // Round robin: consecutive deliveries go to alternate replicas, all at once.
    const posted = await Promise.all([0, 1, 2, 3].map(() => postAppMessage(slack, message, CHANNEL)));
    await new Promise((r) => setTimeout(r, 1500));
    const notes = slack.messages.filter(
      (m) => m.botId === slack.botId && JSON.stringify(m.blocks ?? []).includes('alert_investigate'),
    );
    expect(notes).toHaveLength(1);
    const opened = posted.find((p) => p.ts === notes[0]!.threadTs)!;
    expect(opened).toBeDefined();

    harness.enqueue(answer('One investigation.'));
    // Two clicks, one per replica.
    await Promise.all([
      slack.clickButton({
        user: USER,
        channel: CHANNEL,
        messageTs: notes[0]!.ts,
        actionId: 'alert_investigate',
      }),
      slack.clickButton({
        user: USER,
        channel: CHANNEL,
        messageTs: notes[0]!.ts,
        actionId: 'alert_investigate',
      }),
    ]);
    await slack.waitFor(
      () => slack.replies(CHANNEL, opened.ts).some((m) => m.text.includes('One investigation.')),
      10_000,
      'the investigation',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(harness.invocations).toHaveLength(1);
    expect(slack.ephemerals.some((e) => e.user === USER && /already being investigated/.test(e.text))).toBe(
      true,
    );
  });
});
