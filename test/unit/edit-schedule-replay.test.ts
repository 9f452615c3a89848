/**
 * The scheduler's decisions replayed (test/helpers/edit-replay.ts: the benchmark's workload through
 * the real ReplyStream, writer and scheduler on fake timers, measured with the benchmark's own
 * measureThreads). Deterministic: the clock is fake, so these check what the scheduler decides, not
 * how fast the machine is; the benchmark measures the real thing.
 *
 * Before the fix (main at ffe569b), at N = 50 with 20 KB per run, staleness p95 was 1.81 × the
 * floor and 76 of 207 chat.update calls showed no new text (footers after the text had gone out,
 * "continued" marks on replies posted full); finals and roll-overs went before every intermediate
 * edit, so runs still writing waited up to 92 s between edits. At N = 200: 1.43, 372 of 653 edits
 * without text, the last run done after 868 s. After: 1.12 / 1.12, 6 / 9 such edits, 196 s / 396 s.
 *
 * These judge the chat.update scheduler alone, so they replay with spilled replies off (`spill:
 * false`); edit-spill-replay.test.ts replays the same workload with them (the default).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { editFloor } from '../../bench/floor.ts';
import { DEFAULT_BUDGETS } from '../../src/core/slack-budgets.ts';
import { replayEditMode } from '../helpers/edit-replay.ts';

describe('edit mode under the scheduler, replayed at N = 50', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps staleness p95 within 1.2 × the floor, spends chat.update on text, loses nothing', async () => {
    const n = 50;
    const r = await replayEditMode({ n, chars: 20_000, spill: false });
    const floor = editFloor(n, DEFAULT_BUDGETS['chat.update']!);
    const updates = r.calls.filter((c) => c.method === 'chat.update');
    expect(r.lost).toBe(0);
    expect(r.unfinished).toBe(0);
    expect(updates.filter((c) => c.added === 0).length).toBeLessThanOrEqual(n / 5);
    expect(r.stalenessP95 / floor.p95).toBeLessThanOrEqual(1.2);
  }, 120_000);

  // Oldest text first alone made a run's first text wait behind every run already showing text:
  // first visible p50 at N = 10 went from 1.3 s to 6.7 s. A run's first text counts as the oldest.
  it('at N = 10 a run shows its first text within about one edit of its first delta', async () => {
    const n = 10;
    const r = await replayEditMode({ n, chars: 20_000, spill: false });
    const floor = editFloor(n, DEFAULT_BUDGETS['chat.update']!);
    const firsts = [...r.firsts].sort((a, b) => a - b);
    expect(firsts).toHaveLength(n);
    expect(firsts[Math.floor(n / 2)]).toBeLessThanOrEqual(2 * DEFAULT_BUDGETS['chat.update']!.refillMs);
    expect(r.stalenessP95 / floor.p95).toBeLessThanOrEqual(1.2);
    expect(r.lost).toBe(0);
  }, 120_000);

  // Issue 21: "first text visible within 300 ms of the first delta whenever the budget allows it".
  // Before (token pace only), 1 of the 10 runs Slack's window allowed met it (as in the benchmark:
  // 1 / 10); a first text waited for the next token (up to 1.33 s), or behind a run's status edit
  // already waiting for one. Staleness p95 was 1.110 × the floor; now 1.125.
  it('at N = 10 every run whose first text the budget allowed shows it within 300 ms', async () => {
    const n = 10;
    const r = await replayEditMode({ n, chars: 20_000, spill: false });
    const floor = editFloor(n, DEFAULT_BUDGETS['chat.update']!);
    expect(r.firstAllowed).toBe(n);
    expect(r.firstMetAllowed).toBe(r.firstAllowed);
    expect(r.stalenessP95 / floor.p95).toBeLessThanOrEqual(1.2);
    expect(r.lost).toBe(0);
  }, 120_000);
});
