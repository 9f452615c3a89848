/**
 * The spill design's edges (issue 21's known limits), on fake timers through the real writer and
 * scheduler (test/helpers/spill-thread.ts): where the first reply ends and the spills begin, the
 * final right after a spill, a status edit Slack applies late, and a post another replica's traffic
 * got rate limited.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SlackMessage, SlackWriteError } from '../../src/core/ports.ts';
import { SPILL_GAP_MS } from '../../src/core/reply-spill.ts';
import { bodies, finish, SCARCE, setup, squash, tiling, tokens, write } from '../helpers/spill-thread.ts';

describe('spilled replies at their edges', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('first reply and spills read as the text exactly: nothing twice, nothing lost, no word split', async () => {
    const { thread, s } = setup(SCARCE);
    await s.open();
    const text = await tokens(s, 400);
    // While the run writes, too: what the thread shows so far is the text's beginning, tiled.
    const live = bodies(thread);
    expect(live.length).toBeGreaterThan(2);
    const liveWrong = tiling(text, live).filter((w) => !w.startsWith('left out'));
    expect(liveWrong).toEqual([]);
    await finish(s, 'done');
    expect(thread.messages.length).toBeGreaterThan(3);
    expect(tiling(text, bodies(thread))).toEqual([]);
  }, 60_000);

  it('a lone run at Slack’s budget: the word being written is held back only briefly', async () => {
    const { thread, s } = setup();
    await s.open();
    const text = await tokens(s, 40);
    // The agent pauses after an unfinished-looking word: it shows once it settles (reply-spill-held-word).
    s.appendText('payments');
    await vi.advanceTimersByTimeAsync(11_000);
    expect(thread.shown).toBe(squash(`${text}payments`));
    // A word that ends a sentence before a tool call is shown with the next edit, not a heartbeat later.
    s.appendText(' pods.');
    await vi.advanceTimersByTimeAsync(1_500);
    expect(thread.shown).toBe(squash(`${text}payments pods.`));
    await finish(s, 'done');
    expect(thread.messages).toHaveLength(1);
  }, 60_000);

  it('a spill post rate limited by another replica’s posts loses nothing and is not retried twice', async () => {
    const { thread, s } = setup(SCARCE);
    const post = thread.post.bind(thread);
    let limited = 0;
    // The workspace's 300 posts a minute were spent by another replica: Slack answers 429, Retry-After 3.
    thread.post = async (c: string, m: SlackMessage) => {
      if (thread.messages.length === 1 && limited === 0) {
        limited++;
        throw new SlackWriteError('ratelimited', 'workspace post cap', 3);
      }
      return post(c, m);
    };
    await s.open();
    const text = await write(s, 30);
    await finish(s, 'done');
    expect(limited).toBe(1);
    expect(thread.messages.length).toBeGreaterThan(2);
    expect(thread.shown).toBe(squash(text));
    for (const m of thread.messages) expect(thread.hasStop(m)).toBe(false);
  }, 60_000);

  it('a status edit Slack applies after the run ended does not bring Stop back', async () => {
    const { thread, s } = setup(SCARCE);
    const update = thread.update.bind(thread);
    let late = 0;
    // The head's status edit (Stop and "continues below") reaches Slack 25 s late.
    thread.update = async (c, ts, m: SlackMessage) => {
      const live =
        JSON.stringify(m.blocks).includes('continues below') && JSON.stringify(m.blocks).includes('stop');
      if (ts === '1.1' && live && late === 0) {
        late++;
        await new Promise((r) => setTimeout(r, 25_000));
      }
      return update(c, ts, m);
    };
    await s.open();
    const text = await write(s, 12);
    // The agent runs a tool: the spilled reply has nothing new, the head's status edit goes.
    s.toolStarted('t1', 'running `kubectl get pods`');
    for (let i = 0; i < 40 && late === 0; i++) await vi.advanceTimersByTimeAsync(1_000);
    expect(late).toBe(1);
    await finish(s, 'stopped');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(thread.shown).toBe(squash(text));
    for (const m of thread.messages) expect(thread.hasStop(m)).toBe(false);
  }, 60_000);

  // The one-message-per-10-s rule is the spills'; the final is exempt. Editing it into the last spill
  // instead costs the workspace's scarce chat.update: in the N = 50 replay (edit-spill-replay) that
  // was 163 edits against 144 (149 without spills), so the final is posted, and at once.
  it('a final right after a spill goes out at once as a new reply (not held for the gap)', async () => {
    const { thread, s } = setup(SCARCE);
    await s.open();
    const text = await write(s, 8);
    const posts = () => thread.calls.filter((c) => c.method === 'post');
    expect(posts().length).toBe(2);
    const spillAt = posts()[1]!.at;
    const finishedAt = Date.now();
    expect(finishedAt - spillAt).toBeLessThan(SPILL_GAP_MS);
    await finish(s, 'done');
    expect(posts().length).toBe(3);
    // Posted at once: not held until the gap is over, nor waiting for an edit 12 s away.
    expect(posts()[2]!.at - finishedAt).toBeLessThanOrEqual(1_000);
    expect(thread.shown).toBe(squash(text));
  }, 60_000);
});
