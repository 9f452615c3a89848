import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlackWriteError } from '../../src/core/ports.ts';
import { retryAfterOf } from '../../src/core/scheduled-writer.ts';
import { DEFAULT_BUDGETS, SlackScheduler } from '../../src/core/slack-scheduler.ts';

const W = 'T1';
const UPDATE = DEFAULT_BUDGETS['chat.update']!;

/** `burst: 1` makes "the next call waits" easy to set up: one call uses the bucket up. */
function scheduler(opts: { burst1?: boolean } = {}) {
  return new SlackScheduler({
    retryAfterOf,
    ...(opts.burst1 ? { budgets: { 'chat.update': { ...UPDATE, burst: 1 } } } : {}),
  });
}

/** Records when each call ran, under which run. */
function recorder() {
  const runs: Array<{ run: string; at: number; what?: string }> = [];
  const call = (run: string, what?: string) => async () => {
    runs.push({ run, at: Date.now(), what });
  };
  return { runs, call };
}

describe('SlackScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never exceeds chat.update’s per-workspace budget, whatever the runs ask for', async () => {
    const s = scheduler();
    const { runs, call } = recorder();
    const start = Date.now();
    // 20 runs each offering an edit every 100 ms for 3 minutes.
    for (let t = 0; t < 180_000; t += 100) {
      for (let r = 0; r < 20; r++)
        void s.run({
          workspace: W,
          method: 'chat.update',
          lane: 'progress',
          runKey: `r${r}`,
          fn: call(`r${r}`),
        });
      await vi.advanceTimersByTimeAsync(100);
    }
    // Any sliding 60-second window holds fewer than Slack's 50 calls.
    for (const first of runs) {
      const inWindow = runs.filter((x) => x.at >= first.at && x.at < first.at + 60_000).length;
      expect(inWindow).toBeLessThan(UPDATE.limit);
    }
    // …and the budget is actually used (no idle scheduler): ~48/min.
    expect(runs.length).toBeGreaterThanOrEqual(Math.floor((180_000 / UPDATE.refillMs) * 0.95));
    expect(Date.now() - start).toBeGreaterThanOrEqual(180_000);
  });

  it('shares the budget fairly: with N runs active each gets about one edit per N tokens', async () => {
    const s = scheduler();
    const { runs, call } = recorder();
    for (let t = 0; t < 120_000; t += 200) {
      for (let r = 0; r < 8; r++)
        void s.run({
          workspace: W,
          method: 'chat.update',
          lane: 'progress',
          runKey: `r${r}`,
          fn: call(`r${r}`),
        });
      await vi.advanceTimersByTimeAsync(200);
    }
    const perRun = Array.from({ length: 8 }, (_, r) => runs.filter((x) => x.run === `r${r}`).length);
    expect(Math.max(...perRun) - Math.min(...perRun)).toBeLessThanOrEqual(1);
    // Adaptive cadence: each run's edits are ~8 tokens apart, as cadenceMs predicts.
    const r0 = runs.filter((x) => x.run === 'r0').map((x) => x.at);
    const gaps = r0.slice(1).map((t, i) => t - r0[i]!);
    const expected = s.cadenceMs({ workspace: W, method: 'chat.update' }, 8);
    for (const g of gaps.slice(1)) expect(Math.abs(g - expected)).toBeLessThanOrEqual(UPDATE.refillMs);
  });

  it('one run alone gets about one edit per token (≈ 1 edit a second)', async () => {
    const s = scheduler();
    const { runs, call } = recorder();
    for (let t = 0; t < 30_000; t += 50) {
      void s.run({ workspace: W, method: 'chat.update', lane: 'progress', runKey: 'solo', fn: call('solo') });
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(runs.length).toBeGreaterThanOrEqual(Math.floor(30_000 / UPDATE.refillMs));
    expect(s.cadenceMs({ workspace: W, method: 'chat.update' }, 1, 1000)).toBe(UPDATE.refillMs);
  });

  it('a run showing its first text goes before runs already showing text, even if it was served more recently', async () => {
    const s = scheduler({ burst1: true });
    const { runs, call } = recorder();
    const offer = (run: string, news: boolean, what: string) =>
      void s.run({
        workspace: W,
        method: 'chat.update',
        lane: 'progress',
        runKey: run,
        hasNews: () => news,
        fn: call(run, what),
      });
    // Both runs have been served: A showed text, B only a status line ("running aws …").
    offer('A', true, 'A text');
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs + 10);
    offer('B', false, 'B status');
    await vi.advanceTimersByTimeAsync(10);
    expect(runs.map((r) => r.what)).toEqual(['A text', 'B status']);
    // Both have new text while the bucket is empty; B's would be the first text its person sees.
    offer('A', true, 'A more');
    offer('B', true, 'B first text');
    await vi.advanceTimersByTimeAsync(3 * UPDATE.refillMs);
    expect(runs.map((r) => r.what).slice(2)).toEqual(['B first text', 'A more']);
  });

  it('latest state wins: a newer progress edit replaces a waiting one, and renders when granted', async () => {
    const s = scheduler({ burst1: true });
    const sent: string[] = [];
    let text = 'a';
    // Use up the token so the next calls wait.
    await s.run({ workspace: W, method: 'chat.update', lane: 'critical', fn: async () => {} });
    const first = s.run({
      workspace: W,
      method: 'chat.update',
      lane: 'progress',
      runKey: 'r',
      fn: async () => {
        sent.push(`first:${text}`);
      },
    });
    text = 'ab';
    const second = s.run({
      workspace: W,
      method: 'chat.update',
      lane: 'progress',
      runKey: 'r',
      fn: async () => {
        sent.push(`second:${text}`);
      },
    });
    text = 'abc';
    await first; // resolved without running: replaced
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs);
    await second;
    expect(sent).toEqual(['second:abc']);
    expect(s.stats.replaced).toBe(1);
  });

  it('grants critical calls (root, final, approval) before waiting intermediate edits', async () => {
    const s = scheduler({ burst1: true });
    const { runs, call } = recorder();
    await s.run({ workspace: W, method: 'chat.update', lane: 'critical', fn: async () => {} });
    for (let r = 0; r < 5; r++)
      void s.run({
        workspace: W,
        method: 'chat.update',
        lane: 'progress',
        runKey: `p${r}`,
        fn: call(`p${r}`),
      });
    const final = s.run({
      workspace: W,
      method: 'chat.update',
      lane: 'critical',
      fn: call('final', 'final'),
    });
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs);
    await final;
    expect(runs[0]?.what).toBe('final');
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs * 6);
    expect(runs).toHaveLength(6);
  });

  it('on a 429 waits Retry-After for that method only, and retries a critical call', async () => {
    const s = scheduler();
    const { runs, call } = recorder();
    // The other buckets exist (and have refilled) before the 429 arrives.
    await s.run({
      workspace: W,
      method: 'chat.postMessage',
      channel: 'C1',
      lane: 'critical',
      fn: async () => {},
    });
    await s.run({ workspace: 'T2', method: 'chat.update', lane: 'critical', fn: async () => {} });
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs);
    let limited = true;
    const final = s.run({
      workspace: W,
      method: 'chat.update',
      lane: 'critical',
      fn: async () => {
        if (limited) {
          limited = false;
          throw new SlackWriteError('ratelimited', 'Slack rate limit', 7);
        }
        runs.push({ run: 'final', at: Date.now() });
      },
    });
    await vi.advanceTimersByTimeAsync(10);
    const pausedAt = Date.now();
    expect(s.pausedUntil({ workspace: W, method: 'chat.update' })).toBeGreaterThanOrEqual(pausedAt + 6_900);
    // Other methods, channels and workspaces are not held up.
    await s.run({
      workspace: W,
      method: 'chat.postMessage',
      channel: 'C1',
      lane: 'critical',
      fn: call('post'),
    });
    await s.run({ workspace: 'T2', method: 'chat.update', lane: 'critical', fn: call('other-workspace') });
    expect(runs.map((r) => r.run)).toEqual(['post', 'other-workspace']);
    expect(runs.every((r) => r.at - pausedAt < 100)).toBe(true);
    // The limited method waits the full Retry-After, then the final edit goes out.
    await vi.advanceTimersByTimeAsync(6_000);
    expect(runs.map((r) => r.run)).not.toContain('final');
    await vi.advanceTimersByTimeAsync(1_100);
    await final;
    expect(runs.at(-1)?.run).toBe('final');
    expect(runs.at(-1)!.at - pausedAt).toBeGreaterThanOrEqual(6_900);
    expect(s.stats.rateLimited).toBe(1);
  });

  it('a rate-limited progress edit is re-offered, not lost, and gives way to a newer one', async () => {
    const s = scheduler();
    let attempts = 0;
    let text = 'v1';
    const shown: string[] = [];
    const edit = () =>
      s.run({
        workspace: W,
        method: 'chat.update',
        lane: 'progress',
        runKey: 'r',
        fn: async () => {
          attempts++;
          if (attempts === 1) throw new SlackWriteError('ratelimited', 'Slack rate limit', 2);
          shown.push(text);
        },
      });
    const p = edit();
    await vi.advanceTimersByTimeAsync(10);
    text = 'v2';
    await vi.advanceTimersByTimeAsync(2_100);
    await p;
    expect(shown).toEqual(['v2']);
  });

  it('a quiet workspace lets a few calls go at once (a new run shows its first text at once)', async () => {
    const s = scheduler();
    const { runs, call } = recorder();
    const t0 = Date.now();
    const all = Array.from({ length: UPDATE.burst }, (_, r) =>
      s.run({
        workspace: W,
        method: 'chat.update',
        lane: 'progress',
        runKey: `new${r}`,
        fn: call(`new${r}`),
      }),
    );
    await Promise.all(all);
    expect(runs).toHaveLength(UPDATE.burst);
    expect(runs.every((r) => r.at === t0)).toBe(true);
    // The next one waits for the refill.
    const late = s.run({
      workspace: W,
      method: 'chat.update',
      lane: 'progress',
      runKey: 'late',
      fn: call('late'),
    });
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs);
    await late;
    expect(runs.at(-1)!.at - t0).toBeGreaterThanOrEqual(UPDATE.refillMs - 1);
  });

  it('serves runs with new text before status-only edits', async () => {
    const s = scheduler({ burst1: true });
    const { runs, call } = recorder();
    await s.run({ workspace: W, method: 'chat.update', lane: 'critical', fn: async () => {} });
    const status = s.run({
      workspace: W,
      method: 'chat.update',
      lane: 'progress',
      runKey: 'idle',
      hasNews: () => false,
      fn: call('idle'),
    });
    const text = s.run({
      workspace: W,
      method: 'chat.update',
      lane: 'progress',
      runKey: 'writing',
      hasNews: () => true,
      fn: call('writing'),
    });
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs);
    await text;
    expect(runs.map((r) => r.run)).toEqual(['writing']);
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs);
    await status;
    expect(runs.map((r) => r.run)).toEqual(['writing', 'idle']);
  });

  it('budgets chat.postMessage per channel', async () => {
    const s = scheduler();
    const { runs, call } = recorder();
    const posts = [];
    for (let i = 0; i < 3; i++) {
      posts.push(
        s.run({ workspace: W, method: 'chat.postMessage', channel: 'C1', lane: 'critical', fn: call('C1') }),
      );
      posts.push(
        s.run({ workspace: W, method: 'chat.postMessage', channel: 'C2', lane: 'critical', fn: call('C2') }),
      );
    }
    await vi.advanceTimersByTimeAsync(5_000);
    await Promise.all(posts);
    const c1 = runs.filter((r) => r.run === 'C1').map((r) => r.at);
    const c2 = runs.filter((r) => r.run === 'C2').map((r) => r.at);
    expect(c1[0]).toBe(c2[0]); // different channels do not wait for each other
    for (const list of [c1, c2])
      for (let i = 1; i < list.length; i++) expect(list[i]! - list[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('cancelProgress lets a finishing run drop its waiting edit', async () => {
    const s = scheduler({ burst1: true });
    const { runs, call } = recorder();
    await s.run({ workspace: W, method: 'chat.update', lane: 'critical', fn: async () => {} });
    const p = s.run({ workspace: W, method: 'chat.update', lane: 'progress', runKey: 'r', fn: call('r') });
    s.cancelProgress('r');
    await p;
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs * 2);
    expect(runs).toHaveLength(0);
    expect(s.waiting({ workspace: W, method: 'chat.update' })).toBe(0);
  });

  // A request reaches Slack some time between being sent and being answered; under load that can be
  // most of the round trip. Slack counts arrivals, so a call counts against the window until its
  // answer plus the window, not from when it was sent.
  function arriving(delays: number[], roundTripMs: number) {
    const arrivals: number[] = [];
    let i = 0;
    const call = () => async () => {
      const d = delays[i++ % delays.length]!;
      await new Promise((r) => setTimeout(r, d));
      arrivals.push(Date.now());
      await new Promise((r) => setTimeout(r, roundTripMs - d));
    };
    return { arrivals, call };
  }

  it('keeps chat.postMessage’s one-per-second per channel at Slack even when requests arrive late', async () => {
    const s = scheduler();
    const { arrivals, call } = arriving([800, 0], 900);
    for (let k = 0; k < 10; k++)
      void s.run({ workspace: W, method: 'chat.postMessage', channel: 'C1', lane: 'critical', fn: call() });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(arrivals).toHaveLength(10);
    for (let k = 1; k < arrivals.length; k++)
      expect(arrivals[k]! - arrivals[k - 1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('keeps chat.update’s per-minute budget at Slack even when requests arrive late', async () => {
    const s = scheduler();
    // The first calls after a quiet spell are slow to arrive, later ones fast.
    const delays = [...Array.from({ length: 8 }, () => 1_900), ...Array.from({ length: 200 }, () => 0)];
    const { arrivals, call } = arriving(delays, 2_000);
    for (let t = 0; t < 150_000; t += 100) {
      for (let r = 0; r < 20; r++)
        void s.run({ workspace: W, method: 'chat.update', lane: 'progress', runKey: `r${r}`, fn: call() });
      await vi.advanceTimersByTimeAsync(100);
    }
    for (const first of arrivals) {
      const inWindow = arrivals.filter((x) => x >= first && x < first + 60_000).length;
      expect(inWindow).toBeLessThan(UPDATE.limit);
    }
  });
});
