/**
 * Spilled replies (src/core/reply-spill.ts) replayed on the benchmark's workload (test/helpers/
 * edit-replay.ts: the real ReplyStream, writer and scheduler on fake timers, measured with the
 * benchmark's own measureThreads), side by side with the same replay with spills off.
 *
 * Before spills (spill: false, what main did), at N = 50 with 20 KB per run: staleness p95 64.5 s
 * (p50 33.7 s), first text p95 47.6 s, 149 chat.update calls. With spills: 9.7 s (p50 4.8 s), first
 * text p95 9.4 s, 144 chat.update calls, 0 characters lost; 528 thread posts instead of 150 (each run
 * about 8 spilled replies of ~2.5 KB). At N = 1 and 3 the calls are the same as without spills.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { norm } from '../../bench/measure.ts';
import { report } from '../../bench/workload.ts';
import { SPILL_GAP_MS } from '../../src/core/reply-spill.ts';
import { replayEditMode } from '../helpers/edit-replay.ts';

describe('spilled replies, replayed', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('at N = 50 the text is shown several times sooner, complete, with no more chat.update', async () => {
    const n = 50;
    const before = await replayEditMode({ n, chars: 20_000, spill: false });
    const after = await replayEditMode({ n, chars: 20_000 });
    expect(after.lost).toBe(0);
    expect(after.unfinished).toBe(0);
    // Each thread reads as the one answer the agent wrote, in order, nothing twice (code fences are
    // closed and reopened where a message ends inside a code block, so fences are left out).
    const unfenced = (s: string) => norm(s.replace(/```\w*/g, ''));
    expect(after.threads.map(unfenced)).toEqual(after.threads.map((_, i) => unfenced(report(i, 20_000))));
    expect(after.stalenessP95).toBeLessThanOrEqual(before.stalenessP95 / 4);
    const updates = (r: typeof after) => r.calls.filter((c) => c.method === 'chat.update');
    expect(updates(after).length).toBeLessThanOrEqual(updates(before).length);
    // Edits that show no new text: the scheduler's few, plus each spilled run's final edit of its
    // first reply (the controls go, the text stays); the text itself went out in posts.
    expect(updates(after).filter((c) => c.added === 0).length).toBeLessThanOrEqual(n / 5 + n);
    // A run adds at most one spilled reply to its thread per SPILL_GAP_MS (its first reply and its
    // final reply with the footer aside).
    for (let run = 0; run < n; run++) {
      const posts = after.calls.filter((c) => c.method === 'chat.postMessage' && c.run === run);
      const spills = posts.slice(1, -1).map((c) => c.at);
      expect(spills.length).toBeGreaterThan(0);
      for (let i = 1; i < spills.length; i++)
        expect(spills[i]! - spills[i - 1]!).toBeGreaterThanOrEqual(SPILL_GAP_MS);
    }
    console.log(
      `N=50: staleness p95 ${before.stalenessP95} -> ${after.stalenessP95} ms, p50 ${before.stalenessP50} -> ${after.stalenessP50}, ` +
        `first p95 ${p95(before.firsts)} -> ${p95(after.firsts)}, updates ${updates(before).length} -> ${updates(after).length}, ` +
        `thread posts ${threadPosts(before)} -> ${threadPosts(after)}, last run done ${before.endMs} -> ${after.endMs}`,
    );
  }, 300_000);

  it('at N = 1 and 3 nothing spills: the same calls as without spills', async () => {
    for (const n of [1, 3]) {
      const off = await replayEditMode({ n, chars: 8_000, spill: false });
      const on = await replayEditMode({ n, chars: 8_000 });
      expect(on.calls).toEqual(off.calls);
      expect(on.lost).toBe(0);
    }
  }, 120_000);
});

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const threadPosts = (r: { calls: Array<{ method: string; run: number }> }) =>
  r.calls.filter((c) => c.method === 'chat.postMessage' && c.run >= 0).length;
