import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, OTHER_USER, type Rig, startRig, USER } from '../helpers/rig.ts';

async function startRun(rig: Rig, text = 'eks my-cluster us-west-2') {
  const before = rig.slack.rootMessages(CHANNEL).length;
  await rig.slack.slashCommand({ command: '/assess', text, user: USER, channel: CHANNEL });
  const root = await rig.slack.waitFor(() => rig.slack.rootMessages(CHANNEL)[before], 5000, 'root');
  await rig.slack.waitFor(
    () => rig.slack.replies(CHANNEL, root.ts).some((m) => JSON.stringify(m.blocks).includes('Done in')),
    10_000,
    'first answer',
  );
  return root;
}

describe('thread follow-ups', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig.close();
  });

  it('a reply in the thread asks the agent in the same harness session', async () => {
    rig.harness.enqueue(answer('First answer.'));
    const root = await startRun(rig);
    const n = rig.harness.invocations.length;
    rig.harness.enqueue((inv) => answer(`Follow-up answer to: ${userText(inv)}`));
    await rig.slack.userMessage({
      user: OTHER_USER,
      channel: CHANNEL,
      text: 'Which nodes are oldest?',
      threadTs: root.ts,
    });
    await rig.harness.waitForInvocations(n + 1);
    const [first, second] = rig.harness.invocations.slice(n - 1);
    expect(second!.sessionId).toBe(first!.sessionId);
    expect(userText(second!)).toBe('Which nodes are oldest?');
    expect(second!.userId).toBe(OTHER_USER);
    expect(second!.body.skills).toEqual(first!.body.skills);
    await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, root.ts)
          .find((m) => m.text.includes('Follow-up answer to: Which nodes are oldest?')),
      10_000,
      'follow-up answer',
    );
  });

  it('a redelivered event and the app_mention twin of a message run the agent once', async () => {
    rig.harness.enqueue(answer('Root answer.'));
    const root = await startRun(rig);
    const n = rig.harness.invocations.length;
    rig.harness.enqueue(answer('Only once.'));
    const sent = await rig.slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: `<@${rig.slack.botUserId}> and the pods?`,
      threadTs: root.ts,
      retries: 2,
    });
    expect(sent.eventIds).toHaveLength(2); // message + app_mention
    expect(sent.statuses.every((s) => s === 200)).toBe(true);
    await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, root.ts)
          .find((m) => m.text.includes('Only once.') && JSON.stringify(m.blocks).includes('Done in')),
      10_000,
      'answer',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(rig.harness.invocations.length).toBe(n + 1);
  });

  it('ignores messages from bots and messages outside known threads', async () => {
    rig.harness.enqueue(answer('Root.'));
    const root = await startRun(rig);
    const n = rig.harness.invocations.length;
    await rig.slack.deliverEvent({
      type: 'message',
      subtype: 'bot_message',
      bot_id: 'B0OTHER01',
      channel: CHANNEL,
      text: 'I am another bot',
      ts: `${Date.now() / 1000}`,
      thread_ts: root.ts,
    });
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'unrelated chatter' });
    await rig.slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: 'a thread that is not ours',
      threadTs: '1700000000.000001',
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(rig.harness.invocations.length).toBe(n);
  });

  it('rejects a forged signature and runs nothing', async () => {
    const n = rig.harness.invocations.length;
    const posts = rig.slack.callsTo('chat.postMessage').length;
    const res = await rig.slack.deliverEvent(
      {
        type: 'message',
        user: USER,
        channel: CHANNEL,
        text: 'hi',
        ts: '1700000001.000001',
        thread_ts: '1700000000.000001',
      },
      { forge: true },
    );
    expect(res.status).toBe(401);
    const stale = await rig.slack.deliverEvent(
      {
        type: 'message',
        user: USER,
        channel: CHANNEL,
        text: 'hi',
        ts: '1700000001.000002',
        thread_ts: '1700000000.000001',
      },
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
    );
    expect(stale.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(rig.harness.invocations.length).toBe(n);
    expect(rig.slack.callsTo('chat.postMessage').length).toBe(posts);
  });

  it('queues a follow-up that arrives mid-run (marked with a reaction) and answers it next, never overlapping', async () => {
    rig.harness.enqueue(answer('Root.'));
    const root = await startRun(rig);
    rig.harness.enqueue(answer('Slow answer.', { delayMs: 100, chunk: 2 }));
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'first question', threadTs: root.ts });
    await rig.slack.waitFor(
      () => rig.harness.invocations.some((i) => userText(i) === 'first question'),
      5000,
      'first',
    );
    rig.harness.enqueue(answer('Second answer.'));
    const second = await rig.slack.userMessage({
      user: OTHER_USER,
      channel: CHANNEL,
      text: 'second question',
      threadTs: root.ts,
    });
    await rig.slack.waitFor(
      () => rig.slack.message(CHANNEL, second.ts)?.reactions?.has('hourglass_flowing_sand'),
      5000,
      'queued reaction',
    );
    expect(rig.harness.invocations.some((i) => userText(i) === 'second question')).toBe(false);
    await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, root.ts)
          .some((m) => m.text === 'Second answer.' && /Done in/.test(JSON.stringify(m.blocks))),
      15_000,
      'the queued question answered',
    );
    const [a, b] = rig.harness.invocations.filter((i) =>
      ['first question', 'second question'].includes(userText(i)),
    );
    expect(b!.startedAt).toBeGreaterThanOrEqual(a!.endedAt!);
    expect(b!.userId).toBe(OTHER_USER);
    expect(rig.harness.maxConcurrentPerSession).toBe(1);
    expect(rig.slack.message(CHANNEL, second.ts)?.reactions?.has('hourglass_flowing_sand')).toBe(false);
  });
});

describe('a full follow-up queue', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ env: { MAX_QUEUED_FOLLOW_UPS: '1' } });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('is told privately to the person whose message was not queued, in the thread', async () => {
    rig.harness.enqueue(answer('Root.'));
    const root = await startRun(rig);
    rig.harness.enqueue(answer('Slow answer.', { delayMs: 100, chunk: 2 }));
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'first question', threadTs: root.ts });
    await rig.slack.waitFor(
      () => rig.harness.invocations.some((i) => userText(i) === 'first question'),
      5000,
      'first',
    );
    rig.harness.enqueue(answer('Queued answer.'));
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'queued question', threadTs: root.ts });
    const refused = await rig.slack.userMessage({
      user: OTHER_USER,
      channel: CHANNEL,
      text: 'one too many',
      threadTs: root.ts,
    });
    const note = await rig.slack.waitFor(
      () => rig.slack.ephemerals.find((e) => e.user === OTHER_USER && /already waiting/.test(e.text)),
      5000,
      'the private note',
    );
    expect(note.threadTs).toBe(root.ts);
    expect(note.text).toContain('one too many');
    expect(rig.slack.replies(CHANNEL, root.ts).some((m) => /already waiting/.test(m.text))).toBe(false);
    expect(rig.slack.message(CHANNEL, refused.ts)?.reactions?.size ?? 0).toBe(0);
  });
});
