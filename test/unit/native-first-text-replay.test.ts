/**
 * Native mode's first text (issue 21: within 300 ms of the first delta whenever the budget allows it),
 * replayed (test/helpers/native-replay.ts, fake timers, the stand-in's limits). The last full run met
 * it for 8 of 10 runs at N = 10 and 4 of 50 at N = 50; this replay (8 KB per run) had 3 and 18 runs
 * late. A run's stream starts with its status (no text yet), so its first words go in an append, and
 * appends never went ahead of chat.appendStream's even pace (burst 5, one per 645 ms): the first text
 * waited up to a refill at N = 10 and up to 11 s behind other runs' appends at N = 50, although the
 * minute (100 appends) had room. A run's first append with news now ranks first (as before) and may
 * go on credit while the window has room, like an edit's first text.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { replayNativeMode } from '../helpers/native-replay.ts';

describe('native mode: first text within 300 ms while Slack allows it, replayed', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  for (const n of [10, 50]) {
    it(`at N = ${n} every run shows its first text within 300 ms, nothing refused or lost`, async () => {
      const r = await replayNativeMode({ n, chars: 8_000 });
      expect(r.firsts.filter((f) => f > 300)).toEqual([]);
      expect(r.refused).toEqual([]);
      expect(r.lost).toBe(0);
      expect(r.unfinished).toBe(0);
    }, 120_000);
  }
});
