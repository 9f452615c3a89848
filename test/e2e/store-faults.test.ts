/**
 * Faults between the bot and its session store, and replays of signed requests: a person is told
 * when their request could not be recorded (never a silent drop or a Slack timeout), and a signed
 * command replayed while its signature is still valid runs once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { FaultProxy } from '../helpers/fault-proxy.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

describe('session store faults and replays', () => {
  let rig: Rig;
  const proxy = new FaultProxy();
  beforeAll(async () => {
    await proxy.start();
    rig = await startRig({
      hooks: { storeEndpoint: proxy.route },
      env: { DUPLICATE_COMMAND_WINDOW_SECONDS: '5' },
    });
  }, 30_000);
  afterAll(async () => {
    proxy.set('up');
    await rig.close();
    await proxy.stop();
  });

  it('a signed slash command replayed after the duplicate window (signature still valid) runs once', async () => {
    rig.harness.enqueue(answer('Only once.'));
    const form = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: rig.slack.teamId,
      team_domain: 'fake',
      channel_id: CHANNEL,
      channel_name: 'general',
      user_id: USER,
      user_name: 'alice',
      command: '/assess',
      text: 'eks replayed',
      api_app_id: 'A0FAKEAPP',
      is_enterprise_install: 'false',
      response_url: `${rig.slack.url}/response/replay-test`,
      trigger_id: '1.1',
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const n = rig.harness.invocations.length;
    const roots = rig.slack.rootMessages(CHANNEL).length;
    const first = await rig.slack.deliver(form, 'application/x-www-form-urlencoded', {}, { timestamp });
    expect(first.status).toBe(200);
    await rig.harness.waitForInvocations(n + 1);
    await new Promise((r) => setTimeout(r, 6_000));
    const again = await rig.slack.deliver(form, 'application/x-www-form-urlencoded', {}, { timestamp });
    expect(again.status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(rig.slack.rootMessages(CHANNEL).length).toBe(roots + 1);
    expect(rig.harness.invocations.length).toBe(n + 1);
  }, 30_000);

  it('with the store unreachable, a slash command is acknowledged without waiting for it, then "cannot record" is said and nothing starts', async () => {
    const posts = rig.slack.callsTo('chat.postMessage').length;
    const told = rig.slack.ephemerals.length;
    proxy.set('blackhole');
    try {
      const r = await rig.slack.slashCommand({
        command: '/assess',
        text: 'eks when-down',
        user: USER,
        channel: CHANNEL,
      });
      // The store never answers, yet the command is acknowledged (an empty ack, Slack shows nothing)...
      expect(r.status).toBe(200);
      expect(r.body).toBe('');
      // ...and the person is told privately, through the command's response_url, that nothing ran.
      const note = await rig.slack.waitFor(
        () => rig.slack.ephemerals.slice(told).find((e) => e.user === USER),
        20_000,
        'the cannot-record note',
      );
      expect(note).toMatchObject({
        via: 'response_url',
        text: expect.stringContaining('can’t record this request'),
      });
      await new Promise((res) => setTimeout(res, 500));
      expect(rig.slack.callsTo('chat.postMessage').length).toBe(posts);
    } finally {
      proxy.set('up');
    }
  }, 30_000);

  it('with the store slow to answer (3 s), a slash command still runs: the checks after the ack are not bound by Slack’s ack deadline', async () => {
    rig.harness.enqueue(answer('Slow store, still answered.'));
    const told = rig.slack.ephemerals.length;
    const n = rig.harness.invocations.length;
    proxy.set('slow');
    try {
      const r = await rig.slack.slashCommand({
        command: '/assess',
        text: 'eks slow-store',
        user: USER,
        channel: CHANNEL,
      });
      expect(r.body).toBe('');
      await rig.harness.waitForInvocations(n + 1, 30_000);
      expect(rig.slack.ephemerals.slice(told).filter((e) => e.text.includes('can’t record'))).toHaveLength(0);
    } finally {
      proxy.set('up');
    }
  }, 60_000);

  it('with the store unreachable, a follow-up is not dropped silently: its author is told privately', async () => {
    rig.harness.enqueue(answer('First answer.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks follow-up-fault' });
    await finalReplies(rig, CHANNEL, root.ts);
    proxy.set('refuse');
    try {
      const before = rig.slack.ephemerals.length;
      await rig.slack.deliverEvent({
        type: 'message',
        channel: CHANNEL,
        channel_type: 'channel',
        user: USER,
        text: 'and what about the node groups?',
        ts: `${Math.floor(Date.now() / 1000)}.000100`,
        thread_ts: root.ts,
      });
      const told = await rig.slack.waitFor(
        () => rig.slack.ephemerals.slice(before).find((e) => e.user === USER),
        20_000,
        'a private note to the author',
      );
      expect(told.text).toContain('can’t record your message');
    } finally {
      proxy.set('up');
    }
  }, 40_000);
});

describe('a run that completes while the store is unreachable', () => {
  let rig: Rig;
  const proxy = new FaultProxy();
  beforeAll(async () => {
    await proxy.start();
    rig = await startRig({ hooks: { storeEndpoint: proxy.route }, env: { LEASE_SECONDS: '2' } });
  }, 30_000);
  afterAll(async () => {
    proxy.set('up');
    await rig.close();
    await proxy.stop();
  });

  it('is recorded as finished when the store is back, never reported as interrupted', async () => {
    rig.harness.enqueue(
      answer('Part one of the answer. Part two of the answer. Part three of the answer.', {
        chunk: 12,
        delayMs: 250,
      }),
    );
    const root = await commandRoot(rig, { command: '/assess', text: 'eks outage-during-run' });
    await rig.slack.waitFor(
      () =>
        rig.slack.replies(CHANNEL, root.ts).some((m) => JSON.stringify(m.blocks ?? []).includes('Part one')),
      10_000,
      'the answer to start streaming',
    );
    proxy.set('refuse');
    const replies = await finalReplies(rig, CHANNEL, root.ts);
    expect(JSON.stringify(replies.at(-1)!.blocks)).toContain('Part three');
    // The store stays down for well over the 2 s lease, then comes back.
    await new Promise((r) => setTimeout(r, 6_000));
    proxy.set('up');
    await new Promise((r) => setTimeout(r, 6_000));
    const all = rig.slack.replies(CHANNEL, root.ts).map((m) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`);
    expect(all.join('\n')).not.toMatch(/interrupted|Retry/i);
    // The thread is free: a follow-up starts at once (not queued behind a ghost run).
    rig.harness.enqueue(answer('Follow-up answered.'));
    await rig.slack.deliverEvent({
      type: 'message',
      channel: CHANNEL,
      channel_type: 'channel',
      user: USER,
      text: 'thanks, and the node groups?',
      ts: `${Math.floor(Date.now() / 1000)}.000200`,
      thread_ts: root.ts,
    });
    await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, root.ts)
          .some((m) => JSON.stringify(m.blocks ?? []).includes('Follow-up answered')),
      15_000,
      'the follow-up answer',
    );
  }, 60_000);
});
