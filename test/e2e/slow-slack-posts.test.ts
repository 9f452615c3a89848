/**
 * Slack answers a post slowly: the post has landed, but the bot's client times out before the
 * answer comes. chat.postMessage is not idempotent and Slack does not deduplicate it, so sending it
 * again blindly puts the same reply in the thread twice (the benchmark's 1,000-run case saw a
 * never-edited "Working…" reply left behind, and threads with one reply too many).
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import type { StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

const ANSWER = 'The node group ng-1 is healthy; no pods are pending.';

/** What each message first showed: a reply posted twice shows the same thing twice. */
const firstShown = (m: StoredMessage) => JSON.stringify([m.versions[0]!.text, m.versions[0]!.blocks]);

describe('a post Slack answers after the client’s timeout', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('the run’s first reply lands once, and the answer is complete in it', async () => {
    rig = await startRig({ env: { SLACK_CALL_TIMEOUT_SECONDS: '1' } });
    rig.harness.enqueue(answer(ANSWER, { chunk: 20, delayMs: 50 }));
    // The first post into a thread is the run's first reply; Slack answers it 2.5 s late.
    rig.slack.slowDown('chat.postMessage', 2_500, 1, (p) => p.thread_ts !== undefined);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const replies = await finalReplies(rig, CHANNEL, root.ts, 30_000);
    // Anything a late retry would still post.
    await new Promise((r) => setTimeout(r, 3_000));
    const all = rig.slack.replies(CHANNEL, root.ts);
    expect(all.length).toBe(replies.length);
    expect(new Set(all.map(firstShown)).size, 'a reply was posted twice').toBe(all.length);
    const withAnswer = all.filter((m) => JSON.stringify(m.blocks).includes('no pods are pending'));
    expect(withAnswer).toHaveLength(1);
    expect(all.filter((m) => m.versions.length === 1 && /Working/.test(m.text))).toEqual([]);
  }, 60_000);

  it('the lookup after a lost answer is rate limited: it waits Retry-After and looks again, no repost', async () => {
    rig = await startRig({ env: { SLACK_CALL_TIMEOUT_SECONDS: '1' } });
    rig.harness.enqueue(answer(ANSWER, { chunk: 20, delayMs: 50 }));
    rig.slack.slowDown('chat.postMessage', 2_500, 1, (p) => p.thread_ts !== undefined);
    // Slack answers the first read-back with 429 (a busy workspace spent the method's budget).
    rig.slack.rateLimitNext('conversations.replies', 1, 1);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const replies = await finalReplies(rig, CHANNEL, root.ts, 30_000);
    await new Promise((r) => setTimeout(r, 3_000));
    const all = rig.slack.replies(CHANNEL, root.ts);
    expect(all.length).toBe(replies.length);
    expect(new Set(all.map(firstShown)).size, 'a reply was posted twice').toBe(all.length);
    const lookups = rig.slack.callsTo('conversations.replies');
    expect(lookups.map((c) => c.status)).toEqual([429, 200]);
    expect(lookups[1]!.at - lookups[0]!.at).toBeGreaterThanOrEqual(1_000);
  }, 60_000);

  it('a run’s root message answered late is in the channel once, with its whole thread under it', async () => {
    rig = await startRig({ env: { SLACK_CALL_TIMEOUT_SECONDS: '1' } });
    rig.harness.enqueue(answer(ANSWER, { chunk: 20, delayMs: 50 }));
    rig.slack.slowDown('chat.postMessage', 2_500, 1, (p) => p.thread_ts === undefined);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const replies = await finalReplies(rig, CHANNEL, root.ts, 30_000);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(rig.slack.rootMessages(CHANNEL)).toHaveLength(1);
    expect(replies.filter((m) => JSON.stringify(m.blocks).includes('no pods are pending'))).toHaveLength(1);
  }, 60_000);

  it('in a group DM (no mpim:history, by design) the post goes again and the log says why a duplicate is possible', async () => {
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    });
    rig = await startRig({
      env: { SLACK_CALL_TIMEOUT_SECONDS: '1', LOG_LEVEL: 'warn' },
      log: (config) => createLogger(config.logLevel, sink as never),
    });
    const mpim = 'G0MPIM001';
    rig.slack.addChannel({
      id: mpim,
      name: 'mpdm-alice-bob',
      kind: 'mpim',
      members: [USER, rig.slack.botUserId],
    });
    rig.harness.enqueue(answer(ANSWER, { chunk: 20, delayMs: 50 }));
    rig.slack.slowDown('chat.postMessage', 2_500, 1, (p) => p.thread_ts !== undefined);
    const root = await commandRoot(rig, {
      command: '/assess',
      text: 'eks my-cluster us-west-2',
      channel: mpim,
    });
    const replies = await finalReplies(rig, mpim, root.ts, 30_000);
    expect(replies.filter((m) => JSON.stringify(m.blocks).includes('no pods are pending'))).toHaveLength(1);
    const lookup = rig.slack.callsTo('conversations.replies').find((c) => c.params.channel === mpim);
    expect(lookup?.error).toBe('missing_scope');
    const said = logs.filter((l) => l.includes('no mpim:history scope, by design'));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]!)).toMatchObject({ level: 40, channel: mpim });
  }, 60_000);
});
