import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

describe('Socket Mode (SLACK_APP_TOKEN set)', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ socketMode: true });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('connects with the app token and serves commands, usage errors and follow-ups over the socket', async () => {
    expect(rig.slack.callsTo('apps.connections.open')[0]?.token).toBe(rig.slack.appToken);
    // No HTTP receiver in Socket Mode: health probes have their own server on PORT.
    expect((await fetch(`http://127.0.0.1:${rig.bot.port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${rig.bot.port}/readyz`);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { slack: 'ok', store: 'ok' } });

    const bad = await rig.slack.slashCommand({
      command: '/assess',
      text: 'help',
      user: USER,
      channel: CHANNEL,
    });
    expect(JSON.parse(bad.body)).toMatchObject({ response_type: 'ephemeral' });

    rig.harness.enqueue(answer('Socket answer.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster' });
    const replies = await finalReplies(rig, CHANNEL, root.ts);
    expect(replies.at(-1)!.text).toBe('Socket answer.');

    rig.harness.enqueue((inv) => answer(`Echo: ${userText(inv)}`));
    await rig.slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: 'more?',
      threadTs: root.ts,
      retries: 1,
    });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text === 'Echo: more?'),
      10_000,
      'follow-up',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(rig.harness.invocations).toHaveLength(2);
  });
});
