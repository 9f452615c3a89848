/**
 * bench/floor-writers.ts: the staleness floor over every writer. A small case computed by hand (and a
 * schedule that reaches it, so the bound is the optimum there), the method limits held to the fake
 * Slack's own limiter, and on the benchmark's workload never above bench/floor.ts's floors.
 */
import { describe, expect, it, vi } from 'vitest';
import { editFloor, nativeFloor } from '../../bench/floor.ts';
import {
  ALL_METHODS,
  coverable,
  EDIT_METHODS,
  mostWithin,
  type SampledRun,
  type ShowMethod,
  SPILL_ALL_METHODS,
  SPILL_EDIT_METHODS,
  SPILL_GAP_MS,
  sampleTimes,
  withSpillGap,
  writerFloor,
  writerPercentile,
} from '../../bench/floor-writers.ts';
import { norm, pct } from '../../bench/measure.ts';
import { script, streamSeconds } from '../../bench/workload.ts';
import { DEFAULT_BUDGETS } from '../../src/core/slack-budgets.ts';
import { POST_WORKSPACE_PER_MINUTE, RateLimiter } from '../../src/stand-ins/fake-slack-rate-limits.ts';
import { STREAMED_MESSAGE_BYTES } from '../../src/stand-ins/fake-slack-streams.ts';

/** What the harness emulator writes for run `run` with no delay beyond the script's own: the sampled characters' times. */
function nominal(run: number, chars: number, startMs = 0): number[] {
  const p = { text: '', times: [] as number[], lens: [] as number[] };
  let t = startMs;
  for (const step of script(run, chars) as Array<{ delayMs?: number; event?: string; data?: unknown }>) {
    t += step.delayMs ?? 0;
    const text = (step.data as { delta?: { text?: string } } | undefined)?.delta?.text;
    if (step.event === 'contentBlockDelta' && text) {
      p.text += norm(text);
      p.times.push(t);
      p.lens.push(p.text.length);
    }
  }
  return sampleTimes(p);
}

const benchRuns = (n: number, chars: number): SampledRun[] =>
  Array.from({ length: n }, (_, i) => ({ channel: `C${Math.floor(i / 10)}`, at: nominal(i, chars) }));

describe('the floor over every writer', () => {
  // One run writing a sample every 100 ms, 0…900 ms. A workspace method allowing 2 calls a second
  // and a per-channel one allowing 1.
  const run: SampledRun[] = [{ channel: 'C', at: [0, 100, 200, 300, 400, 500, 600, 700, 800, 900] }];
  const methods: ShowMethod[] = [
    { method: 'edit', limit: 2, windowMs: 1_000, maxChars: 1e9 },
    { method: 'post', limit: 1, windowMs: 1_000, perChannel: true, maxChars: 1e9 },
  ];

  it('matches a small case worked by hand', () => {
    // x < 100 ms: a call shows 1 sample within x; the span (900 + x ms) holds 2 + 1 calls: 3 < 5.
    expect(coverable(run, methods, 99)).toBe(3);
    // x = 100 ms: 2 samples a call; the span of 1,000 ms holds 4 + 2 calls: 12, so all 10.
    expect(coverable(run, methods, 100)).toBe(10);
    // The median needs 5 of 10 within x, so no writer's is under 100 ms ...
    expect(writerPercentile(run, methods, 50)).toBeGreaterThan(99.4);
    expect(writerPercentile(run, methods, 50)).toBeLessThanOrEqual(100);
    // ... and one reaches 100: a post at 100 ms (shows 0 and 100), edits at 300 and 500 (2 in a second).
    const shows = [100, 300, 500];
    const waits = run[0]!.at.map((t) => Math.min(...shows.filter((s) => s >= t).map((s) => s - t), Infinity));
    expect(waits.filter((w) => w <= 100).length).toBeGreaterThanOrEqual(5);
    // The 95th percentile needs 10 of 10: the bound allows it at 100 ms too (12 ≥ 10).
    expect(writerPercentile(run, methods, 95)).toBeGreaterThan(99.4);
  });

  it('holds per-channel calls to a workspace cap when one is given', () => {
    const two: SampledRun[] = [
      { channel: 'A', at: [0] },
      { channel: 'B', at: [0] },
    ];
    const post: ShowMethod = { method: 'post', limit: 1, windowMs: 1_000, perChannel: true, maxChars: 1e9 };
    expect(coverable(two, [post], 0)).toBe(2);
    expect(coverable(two, [{ ...post, workspacePerMinute: 1 }], 0)).toBe(1);
  });

  it('counts the most samples in any closed window', () => {
    expect(mostWithin([0, 100, 200, 1_000, 1_050, 1_100], 100)).toBe(3);
    expect(mostWithin([0, 100, 200, 1_000, 1_050, 1_100], 99)).toBe(2);
    expect(mostWithin([], 10)).toBe(0);
  });

  it("takes each method's limit from the fake Slack's limiter", () => {
    const limiter = new RateLimiter(true);
    for (const m of ALL_METHODS) {
      const p = { channel: 'C1' };
      let accepted = 0;
      while (limiter.check(m.method, p) === undefined) accepted++;
      expect({ method: m.method, accepted }).toEqual({ method: m.method, accepted: m.limit });
    }
    expect(EDIT_METHODS.find((m) => m.method === 'chat.postMessage')?.windowMs).toBe(1_000);
    // Posts over the whole workspace: as many in a minute as the fake accepts over many channels.
    let accepted = 0;
    while (limiter.check('chat.postMessage', { channel: `W${accepted}` }) === undefined) accepted++;
    const post = EDIT_METHODS.find((m) => m.method === 'chat.postMessage')!;
    expect(post.workspacePerMinute).toBe(accepted + 1);
    expect(accepted + 1).toBe(POST_WORKSPACE_PER_MINUTE);
  });

  it('is below a writer that posts and edits within the fake limits, which the updates-only floor is not', () => {
    // N = 50 in 5 channels: each channel posts a reply every second, round robin over its 10 runs,
    // and chat.update goes round robin over all 50 runs every 1.2 s (50 a minute). Each call shows
    // everything its run has written so far.
    const n = 50;
    const runs = benchRuns(n, 20_000);
    const end = Math.max(...runs.map((r) => r.at.at(-1)!)) + 15_000;
    const calls: Array<{ t: number; run: number; method: string }> = [];
    for (let c = 0; c < n / 10; c++)
      for (let t = 0, k = 0; t <= end; t += 1_000, k++)
        calls.push({ t, run: c * 10 + (k % 10), method: 'chat.postMessage' });
    for (let t = 600, k = 0; t <= end; t += 1_200, k++) calls.push({ t, run: k % n, method: 'chat.update' });
    calls.sort((a, b) => a.t - b.t);
    // Every call is one the fake Slack's own limiter accepts at that moment.
    const limiter = new RateLimiter(true);
    vi.useFakeTimers();
    try {
      for (const c of calls) {
        vi.setSystemTime(1_800_000_000_000 + c.t);
        expect(
          limiter.check(c.method, { channel: runs[c.run]!.channel }),
          `${c.method} at ${c.t}`,
        ).toBeUndefined();
      }
    } finally {
      vi.useRealTimers();
    }
    const waits = runs.flatMap((r, i) => {
      const shows = calls.filter((c) => c.run === i).map((c) => c.t);
      return r.at.map((t) => shows.find((s) => s >= t)! - t);
    });
    const p95 = pct(waits, 95);
    expect(p95).toBeLessThan(editFloor(n, DEFAULT_BUDGETS['chat.update']!).p95 / 4);
    expect(writerFloor(runs, EDIT_METHODS).p95).toBeLessThanOrEqual(p95);
  });

  it('is never above the edits-only floor on the benchmark workload, and far under it where posts help', () => {
    for (const [n, chars] of [
      [1, 20_000],
      [10, 20_000],
      [50, 20_000],
      [10, 4_000],
      [200, 4_000],
    ] as const) {
      const old = editFloor(n, DEFAULT_BUDGETS['chat.update']!);
      const now = writerFloor(benchRuns(n, chars), EDIT_METHODS);
      expect(now.p95, `N = ${n}, ${chars} chars`).toBeLessThanOrEqual(old.p95);
      expect(now.p50, `N = ${n}, ${chars} chars`).toBeLessThanOrEqual(old.p50);
      const native = nativeFloor(
        n,
        {
          append: DEFAULT_BUDGETS['chat.appendStream']!,
          update: DEFAULT_BUDGETS['chat.update']!,
          start: DEFAULT_BUDGETS['chat.startStream']!,
        },
        { chars, writeSeconds: streamSeconds(chars), streamBytes: STREAMED_MESSAGE_BYTES },
      );
      const every = writerFloor(benchRuns(n, chars), ALL_METHODS);
      expect(every.p95, `N = ${n}, ${chars} chars`).toBeLessThanOrEqual(native.p95);
      expect(every.p95).toBeLessThanOrEqual(now.p95);
    }
    // Ten runs share a channel's post a second: every run can show new text about every 10 s at
    // any N, which chat.update's 50 a minute gives only up to N = 8.
    const fifty = writerFloor(benchRuns(50, 20_000), EDIT_METHODS);
    expect(fifty.p95).toBeLessThan(editFloor(50, DEFAULT_BUDGETS['chat.update']!).p95 / 4);
  });
});

describe('the floor over every writer that keeps the spill rule (one new message per run per gap)', () => {
  // One run writing a sample a second, 0…9 s, shown by posts alone (1 a second in its channel).
  const post: ShowMethod = {
    method: 'chat.postMessage',
    limit: 1,
    windowMs: 1_000,
    perChannel: true,
    maxChars: 1e9,
  };
  const run: SampledRun[] = [
    { channel: 'C', at: [0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000] },
  ];

  it('matches a small case worked by hand', () => {
    const spill = withSpillGap([post], 10_000);
    expect(spill[0]!.perRunGapMs).toBe(10_000);
    // Unconstrained: a post a second shows every sample as it is written.
    expect(coverable(run, [post], 0)).toBe(10);
    expect(writerPercentile(run, [post], 50)).toBe(0);
    // With the rule: x < 1 s, the span (9 s + x) holds ⌊L / 10 s⌋ + 1 = 1 post showing 1 sample within x.
    expect(coverable(run, spill, 999)).toBe(1);
    // x = 1 s: the span of 10 s holds 2 posts, each showing 2 samples within x: 4.
    expect(coverable(run, spill, 1_000)).toBe(4);
    // x = 2 s: still 2 posts (11 s), 3 samples each: 6, so the median (5 of 10) is first possible at 2 s.
    expect(coverable(run, spill, 1_999)).toBe(4);
    expect(coverable(run, spill, 2_000)).toBe(6);
    expect(writerPercentile(run, spill, 50)).toBeGreaterThan(1_999.4);
    expect(writerPercentile(run, spill, 50)).toBeLessThanOrEqual(2_000);
  });

  it('gives each run of a channel its own allowance, within the channel’s own limit', () => {
    const spill = withSpillGap([post], 10_000);
    const two: SampledRun[] = [
      { channel: 'C', at: [0] },
      { channel: 'C', at: [0] },
    ];
    // Each run may post once; the channel's 1 a second allows 1 at x = 0 (span 0), 2 by x = 1 s.
    expect(coverable(two, spill, 0)).toBe(1);
    expect(coverable(two, spill, 1_000)).toBe(2);
    // One run alone writing twice within the gap: one post shows both only if they are within x.
    expect(coverable([{ channel: 'C', at: [0, 5_000] }], spill, 4_999)).toBe(1);
  });

  it('takes the spill gap of 10 s and applies it to the calls that add a message', () => {
    expect(SPILL_GAP_MS).toBe(10_000);
    expect(SPILL_EDIT_METHODS.filter((m) => m.perRunGapMs).map((m) => m.method)).toEqual([
      'chat.postMessage',
    ]);
    expect(SPILL_ALL_METHODS.filter((m) => m.perRunGapMs).map((m) => m.method)).toEqual([
      'chat.postMessage',
      'chat.startStream',
    ]);
  });

  it('lies between the unconstrained every-writer floor and the updates-only floor on the benchmark workload', () => {
    for (const [n, chars] of [
      [1, 20_000],
      [10, 20_000],
      [50, 20_000],
      [10, 4_000],
      [200, 4_000],
    ] as const) {
      const runs = benchRuns(n, chars);
      const updatesOnly = editFloor(n, DEFAULT_BUDGETS['chat.update']!);
      const every = writerFloor(runs, EDIT_METHODS);
      const spill = writerFloor(runs, SPILL_EDIT_METHODS);
      const at = `N = ${n}, ${chars} chars`;
      expect(spill.p95, at).toBeGreaterThanOrEqual(every.p95);
      expect(spill.p50, at).toBeGreaterThanOrEqual(every.p50);
      expect(spill.p95, at).toBeLessThanOrEqual(updatesOnly.p95);
      expect(spill.p50, at).toBeLessThanOrEqual(updatesOnly.p50);
      const native = nativeFloor(
        n,
        {
          append: DEFAULT_BUDGETS['chat.appendStream']!,
          update: DEFAULT_BUDGETS['chat.update']!,
          start: DEFAULT_BUDGETS['chat.startStream']!,
        },
        { chars, writeSeconds: streamSeconds(chars), streamBytes: STREAMED_MESSAGE_BYTES },
      );
      const everyAll = writerFloor(runs, ALL_METHODS);
      const spillAll = writerFloor(runs, SPILL_ALL_METHODS);
      expect(spillAll.p95, at).toBeGreaterThanOrEqual(everyAll.p95);
      expect(spillAll.p95, at).toBeLessThanOrEqual(native.p95);
    }
  });
});
