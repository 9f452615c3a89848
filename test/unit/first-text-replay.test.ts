/**
 * Issue 21's first-text target, replayed (test/helpers/edit-replay.ts: the benchmark's workload through
 * the real ReplyStream, writer and scheduler on fake timers; judged by bench/first-text-budget.ts from
 * Slack's own limits). The last full run met it for 2 of 48 allowed runs at N = 50 and 4 of 47 at
 * N = 200. Measured in this replay (8 KB per run): 4 of 45 and 4 of 35. Every miss was a run whose
 * reply was open and whose first text waited for chat.update's even pace (one grant per 1.33 s after
 * a burst of 4) while Slack's minute had room: 50 runs' first words arrive within 9 s (each channel
 * opens one reply a second), the first-text credit of 2 was spent by the first two, and the rest
 * queued one per refill until the 5 s spill rule posted their text (first visible p50 about 8 s).
 * With spilled replies on, a run's later text does not depend on chat.update (a run kept waiting
 * spills after 5 s), so the first text may spend the window's room, bounded by the window cap alone.
 *
 * That left one allowed run missing at each N (42 of 43 at N = 50 with 8 or 20 KB, 34 of 35 at
 * N = 200; the full bench: 45/46 and 46/47): the run whose first words came with 49 chat.update
 * calls in the minute. Slack allows 50; the bot's cap of 49 held the first text until its spilled
 * post 9.4 s later. A first text may now take that last slot (slack-bucket.ts): every allowed run
 * in time. (The judge also counted runs whose first delta fell in the same millisecond as not ahead
 * of each other, so with 47 calls in the window it allowed five where Slack had room for three: 45
 * allowed at N = 50 before, 43 now.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { editFloor } from '../../bench/floor.ts';
import { DEFAULT_BUDGETS } from '../../src/core/slack-budgets.ts';
import { replayEditMode } from '../helpers/edit-replay.ts';

describe('first text within 300 ms whenever Slack allows it, replayed with spilled replies', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  for (const n of [50, 200]) {
    it(`at N = ${n}: every allowed run shows it in time, staleness within 1.2 × the floor, nothing lost`, async () => {
      const r = await replayEditMode({ n, chars: 8_000 });
      expect(r.firstAllowed).toBeGreaterThan(n / 10);
      expect(r.firstMetAllowed).toBe(r.firstAllowed);
      const floor = editFloor(n, DEFAULT_BUDGETS['chat.update']!);
      expect(r.stalenessP95 / floor.p95).toBeLessThanOrEqual(1.2);
      expect(r.lost).toBe(0);
      expect(r.unfinished).toBe(0);
    }, 120_000);
  }
});
