/**
 * The word an edit holds back while the agent writes it (src/core/reply-held-word.ts), on fake timers
 * through the real writer and scheduler (test/helpers/spill-thread.ts): it shows once the text rests
 * (even if no more text comes), at once when a tool call ends the text, and never ends a message at a
 * spill, the run's first text included; and roll-overs right after a spill.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SPILL_GAP_MS } from '../../src/core/reply-spill.ts';
import { bodies, finish, SCARCE, setup, squash, tiling, tokens, write } from '../helpers/spill-thread.ts';

const updates = (thread: { calls: Array<{ method: string; at: number }> }, since: number) =>
  thread.calls.filter((c) => c.method === 'update' && c.at >= since).length;

describe('a held word', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows once the text has rested, with one edit, when the agent pauses inside a word', async () => {
    const { thread, s } = setup();
    await s.open();
    const text = await tokens(s, 39);
    // The agent pauses after an unfinished-looking word, with no tool call (a slow model).
    s.appendText('payments');
    const pausedAt = Date.now();
    await vi.advanceTimersByTimeAsync(1_500);
    expect(thread.shown).toBe(squash(text));
    // Settled after 2 s; the next edit shows it (the heartbeat, 10 s after open, is not due yet).
    await vi.advanceTimersByTimeAsync(2_000);
    expect(thread.shown).toBe(squash(`${text}payments`));
    // The edit that held it back and the one that shows it.
    expect(updates(thread, pausedAt)).toBeLessThanOrEqual(2);
    await finish(s, 'done');
    expect(thread.shown).toBe(squash(`${text}payments`));
  }, 60_000);

  it('shows with the tool call’s status edit when a tool call ends the text inside a word', async () => {
    const { thread, s } = setup();
    await s.open();
    const text = await tokens(s, 39);
    s.appendText('payments');
    s.toolStarted('t1', 'running `kubectl get pods`');
    const startedAt = Date.now();
    await vi.advanceTimersByTimeAsync(1_200);
    expect(thread.shown).toBe(squash(`${text}payments`));
    expect(updates(thread, startedAt)).toBe(1);
    await finish(s, 'done');
  }, 60_000);

  it('in a spilled run shows once settled, within the run’s edit budget, and the final keeps it', async () => {
    const { thread, s } = setup(SCARCE);
    await s.open();
    const text = await write(s, 20);
    expect(thread.messages.length).toBeGreaterThan(1);
    s.appendText('payments');
    // One chat.update every 20 s: the run's next edit shows the settled word.
    for (let i = 0; i < 30 && !thread.shown.endsWith('payments'); i++)
      await vi.advanceTimersByTimeAsync(1_000);
    expect(thread.shown).toBe(squash(`${text}payments`));
    await finish(s, 'done');
    expect(thread.shown).toBe(squash(`${text}payments`));
    expect(tiling(`${text}payments`, bodies(thread))).toEqual([]);
  }, 60_000);

  it('a first text of one unfinished word is not split from its rest by a spill', async () => {
    const { thread, s } = setup(SCARCE);
    await s.open();
    const text = await tokens(s, 200, 'Crashl');
    const live = tiling(text, bodies(thread)).filter((w) => !w.startsWith('left out'));
    expect(live).toEqual([]);
    await finish(s, 'done');
    expect(thread.messages.length).toBeGreaterThan(2);
    expect(tiling(text, bodies(thread))).toEqual([]);
  }, 60_000);
});

describe('roll-overs right after a spill', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a spilled reply that fills up within 10 s continues in the next reply: nothing twice, lost or split', async () => {
    const { thread, s } = setup(SCARCE, 400);
    await s.open();
    const text = await tokens(s, 300);
    const posts = thread.calls.filter((c) => c.method === 'post').map((c) => c.at);
    // Some reply was opened within SPILL_GAP_MS of the one before: a roll-over, not a spill.
    expect(posts.slice(2).some((at, i) => at - posts[i + 1]! < SPILL_GAP_MS)).toBe(true);
    const live = tiling(text, bodies(thread)).filter((w) => !w.startsWith('left out'));
    expect(live).toEqual([]);
    await finish(s, 'done');
    for (const m of thread.messages) expect(thread.body(m).length).toBeLessThanOrEqual(400);
    expect(tiling(text, bodies(thread))).toEqual([]);
  }, 60_000);
});
