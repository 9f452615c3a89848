/**
 * The staleness floor of a scenario: the best p50/p95 staleness any scheduler could reach under
 * Slack's per-workspace budgets, for N runs writing continuously. A run's new text shows when its
 * message is updated in place; with updates every T ms, text written at a uniformly random moment
 * waits U(0, T) for the next one (p50 0.5 T, p95 0.95 T).
 *
 * Edit mode: every run's updates are chat.update calls (Tier 3, 50 per minute for the workspace), so
 * T = N × 60 s / 50.
 *
 * Native mode is not chat.appendStream alone. That floor (T = N × 60 s / 100) assumed every run has a
 * live stream, but each stream costs a chat.startStream (Tier 2, 20 per minute for the workspace) and
 * holds at most ~10.6k bytes, so a 20 KB answer needs two or more. A native-mode writer can also
 * update runs it cannot stream by chat.update (its own budget), and a run's new text goes to one
 * message, so one method, at a time. The floor is therefore the best split of the N runs into k
 * streamed (sharing appendStream's 100 per minute, T_s = k × 60 s / 100) and N − k edited (sharing
 * chat.update's 50, T_e = (N − k) × 60 s / 50), its percentiles those of the mix (a share k / N of the
 * text waits U(0, T_s), the rest U(0, T_e)), with k no more than the streams the start budget can keep
 * open while the runs write: A = N × min(1, streamed run-seconds / (N × writeSeconds)).
 *
 * Slack's (and the fake's) Tier 2 is a sliding window: at most 20 starts in any minute, so the most
 * stream time comes from 20 starts at once, 20 more a minute later, and so on, each stream taking
 * text until it is full (streamSeconds at the workload's rate) or the runs stop writing. (Counting 20
 * at once plus 20 a minute *during* the first minute, as this floor once did, claimed 35 starts in
 * the 44 s of an 8 KB run where the limit allows 20, a floor no writer could reach.)
 */
import type { MethodBudget } from '../src/core/slack-budgets.ts';

export interface Floor {
  p50: number;
  p95: number;
  /** Native mode: how many runs the split streams (the rest are edited). */
  streamed?: number;
}

const periodFloor = (periodMs: number): Floor => ({ p50: periodMs * 0.5, p95: periodMs * 0.95 });

/** Edit mode (and any strategy whose updates are chat.update): the budget shared by N runs. */
export function editFloor(n: number, update: MethodBudget): Floor {
  return periodFloor((n * update.windowMs) / update.limit);
}

export interface NativeWorkload {
  /** Characters each run writes, and for how long (seconds, tool calls included). */
  chars: number;
  writeSeconds: number;
  /** UTF-8 bytes one streamed message holds (Slack's cap). */
  streamBytes: number;
}

/** Run-seconds of streaming the start budget allows while the runs write (earliest starts: the most). */
export function streamRunSeconds(start: MethodBudget, w: NativeWorkload): number {
  const streamSeconds = w.streamBytes / (w.chars / w.writeSeconds);
  let total = 0;
  for (let at = 0; at < w.writeSeconds; at += start.windowMs / 1000)
    total += start.limit * Math.min(streamSeconds, w.writeSeconds - at);
  return total;
}

/**
 * The p-th percentile of a mix of waits: a share `weight` of the text waits U(0, period). The
 * fraction waiting longer than x falls as x grows, so it is found by bisection.
 */
export function mixPercentile(parts: Array<{ weight: number; periodMs: number }>, p: number): number {
  const over = (x: number) =>
    parts.reduce((s, q) => s + (q.periodMs > 0 ? q.weight * Math.max(0, 1 - x / q.periodMs) : 0), 0);
  let lo = 0;
  let hi = Math.max(0, ...parts.map((q) => q.periodMs));
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (over(mid) > 1 - p / 100) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function nativeFloor(
  n: number,
  b: { append: MethodBudget; update: MethodBudget; start: MethodBudget },
  w: NativeWorkload,
): Floor {
  const share = Math.min(1, streamRunSeconds(b.start, w) / (n * w.writeSeconds));
  const most = Math.max(1, Math.floor(n * share + 1e-9));
  const appendMs = b.append.windowMs / b.append.limit;
  const updateMs = b.update.windowMs / b.update.limit;
  let best: Floor = { p50: Number.POSITIVE_INFINITY, p95: Number.POSITIVE_INFINITY };
  for (let k = 0; k <= Math.min(n, most); k++) {
    const parts = [
      { weight: k / n, periodMs: k * appendMs },
      { weight: (n - k) / n, periodMs: (n - k) * updateMs },
    ];
    const p95 = mixPercentile(parts, 95);
    if (p95 < best.p95) best = { p50: mixPercentile(parts, 50), p95, streamed: k };
  }
  return best;
}
