/**
 * Stop clicked on a replica that does not own the run: the click's replica ends the agent's
 * session itself (StopRuntimeSession), so the agent stops at once instead of at the owner's next
 * lease renewal, and the owner, whose stream just ended, reports who stopped it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EMBEDDED_CREDENTIALS,
  type EmbeddedDynamo,
  startEmbeddedDynamo,
} from '../../src/adapters/embedded-dynamo.ts';
import { type RunningBot, startBot } from '../../src/bot.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { assistantText } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, HARNESS_ARN, OTHER_USER, SIGNING_SECRET, USER } from '../helpers/rig.ts';

describe('Stop from another replica', () => {
  let dynamo: EmbeddedDynamo;
  let slack: FakeSlack;
  let harness: HarnessEmulator;
  const bots: RunningBot[] = [];

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo(undefined, 'us-east-1');
    slack = new FakeSlack();
    await slack.start();
    slack.addUser({ id: USER, name: 'alice' });
    slack.addUser({ id: OTHER_USER, name: 'bob' });
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
      // The owner renews its lease (and so would notice a recorded stop) only every 200 s.
      LEASE_SECONDS: '600',
      STREAM_EDIT_INTERVAL_MS: '200',
      DUPLICATE_COMMAND_WINDOW_SECONDS: '0',
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

  it('stops the agent at once and the owner’s reply shows who stopped it', async () => {
    harness.enqueue({
      steps: [
        { event: 'messageStart', data: { role: 'assistant' } },
        ...assistantText('Scanning every namespace…'),
        { hang: true },
      ],
    });
    slack.pinned = 0;
    await slack.slashCommand({
      command: '/assess',
      text: 'eks cluster-remote',
      user: USER,
      channel: CHANNEL,
    });
    const root = await slack.waitFor(() => slack.rootMessages(CHANNEL)[0], 5000, 'root');
    const reply = await slack.waitFor(
      () =>
        slack
          .replies(CHANNEL, root.ts)
          .find((m) => m.text.includes('Scanning') && JSON.stringify(m.blocks ?? []).includes('stop_run')),
      10_000,
      'the answer streaming on replica A',
    );
    const inv = harness.invocations.at(-1)!;
    const value = (reply.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'stop_run')!.value!;
    slack.pinned = 1;
    // The requester clicks, but the click reaches the other replica.
    await slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: reply.ts,
      actionId: 'stop_run',
      value,
    });
    slack.pinned = undefined;
    await slack.waitFor(() => inv.agentEndedAt !== undefined, 10_000, 'the agent to stop');
    expect(inv.stoppedBySession).toBe(true);
    await slack.waitFor(
      () => JSON.stringify(slack.message(CHANNEL, reply.ts)!.blocks).includes('Stopped by'),
      10_000,
      'the owner to show the stop',
    );
    const shown = JSON.stringify(slack.message(CHANNEL, reply.ts)!.blocks);
    expect(shown).toContain(`Stopped by <@${USER}>`);
    expect(shown).not.toContain('without a proper finish');
  }, 40_000);
});
