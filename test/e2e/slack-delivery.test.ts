/**
 * Slack's delivery failures: an event not answered with a 2xx within 3 s is delivered again (HTTP
 * X-Slack-Retry-Num, Socket Mode retry_attempt), and Socket Mode connections are refreshed with a
 * `disconnect` message. The bot must survive both and process nothing twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

const FAST_RETRIES = { eventRetryDelaysMs: [100, 200, 400] };

describe('Slack redelivery and Socket Mode refresh', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('HTTP: an event whose 200 came too late is redelivered by Slack and handled once', async () => {
    rig = await startRig({ slack: FAST_RETRIES });
    rig.harness.enqueue(answer('First.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster' });
    await finalReplies(rig, CHANNEL, root.ts);
    rig.harness.enqueue((inv) => answer(`Echo: ${userText(inv)}`));
    rig.slack.delivery.answerLate(1);
    const sent = await rig.slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: 'again?',
      threadTs: root.ts,
    });
    const id = sent.eventIds[0]!;
    await rig.slack.waitFor(
      () =>
        rig!.slack.delivery.eventDeliveries.some(
          (d) => d.eventId === id && d.retryNum === 1 && d.status === 200,
        ),
      5_000,
      'the redelivery',
    );
    await rig.slack.waitFor(
      () => rig!.slack.replies(CHANNEL, root.ts).some((m) => m.text === 'Echo: again?'),
      10_000,
      'the follow-up answer',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.harness.invocations).toHaveLength(2);
    expect(rig.slack.replies(CHANNEL, root.ts).filter((m) => m.text === 'Echo: again?')).toHaveLength(1);
  });

  it('the bot’s own messages come back as events with bot_id and bot_profile (no subtype) and start nothing', async () => {
    rig = await startRig();
    rig.harness.enqueue(answer('An answer that is echoed back as an event.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster' });
    await finalReplies(rig, CHANNEL, root.ts);
    await new Promise((r) => setTimeout(r, 500));
    const echoed = rig.slack.delivery.eventDeliveries.map((d) => d.event).filter((e) => e.bot_id);
    expect(echoed.length).toBeGreaterThan(0);
    for (const e of echoed) {
      expect(e).toMatchObject({ type: 'message', bot_id: rig.slack.botId, user: rig.slack.botUserId });
      expect(e.bot_profile).toMatchObject({ id: rig.slack.botId });
      expect(e).not.toHaveProperty('subtype');
    }
    expect(rig.harness.invocations).toHaveLength(1);
  });

  it('Socket Mode: a refresh disconnect reconnects, and an envelope whose ack was lost is redelivered and handled once', async () => {
    rig = await startRig({ socketMode: true, slack: FAST_RETRIES });
    rig.harness.enqueue(answer('Before the refresh.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster' });
    await finalReplies(rig, CHANNEL, root.ts);

    await rig.slack.delivery.disconnectSocket('refresh_requested');
    await rig.slack.waitFor(
      () => rig!.slack.delivery.connections === 2 && rig!.slack.socketConnected,
      15_000,
      'the new Socket Mode connection',
    );
    expect(rig.slack.callsTo('apps.connections.open')).toHaveLength(2);

    rig.harness.enqueue((inv) => answer(`Echo: ${userText(inv)}`));
    rig.slack.delivery.loseSocketAcks(1);
    const sent = await rig.slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: 'still there?',
      threadTs: root.ts,
    });
    const id = sent.eventIds[0]!;
    await rig.slack.waitFor(
      () => rig!.slack.delivery.eventDeliveries.some((d) => d.eventId === id && d.retryNum === 1),
      10_000,
      'the redelivered envelope',
    );
    await rig.slack.waitFor(
      () => rig!.slack.replies(CHANNEL, root.ts).some((m) => m.text === 'Echo: still there?'),
      10_000,
      'the follow-up answer',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.harness.invocations).toHaveLength(2);
  });
});
