/**
 * The staleness floor of a scenario: the best p50/p95 staleness any scheduler could reach under
 * Slack's per-workspace budgets, for N runs writing continuously. A run's new text shows when its
 * message is updated in place; with updates every T ms, text written at a uniformly random moment
 * waits U(0, T) for the next one (p50 0.5 T, p95 0.95 T).
 *
 * Edit mode: every run's updates are chat.update calls (Tier 3, 50 per minute for the workspace), so
 * T = N × 60 s / 50. Slack's limit, not the bot's margin under it (45 a minute), so the bot's own
 * pacing costs it about 1.1 against this floor. Not counted: continuation replies (chat.postMessage,
 * a per-channel budget) also show text, about a third of the characters at N = 50 with 20 KB runs
 * (10 KB per reply) in test/helpers/edit-replay.ts, so a writer that timed its roll-overs between
 * edits could beat this floor there; it is a floor for text shown by edits, not for every writer.
 *
 * Native mode is not chat.appendStream alone. That floor (T = N × 60 s / 100) assumed every run has a
 * live stream, but each stream costs a chat.startStream (Tier 2, 20 per minute for the workspace) and
 * holds at most ~10.6k bytes, so a 20 KB answer needs two or more: at N = 50 the 100+ starts alone
 * take over five minutes, and no writer can keep every run streaming. A native-mode writer can also
 * update runs it cannot stream by chat.update (its own budget), and a run's new text goes to one
 * message, so one method, at a time. The floor is therefore the best split of the N runs into n
 * streamed (sharing appendStream's 100 per minute) and N − n edited (sharing chat.update's 50), with
 * n no more than the streams the start budget can keep open while the runs write:
 *   T = min over n ≤ A of max(n × 60 s / 100, (N − n) × 60 s / 50),
 *   A = N × min(1, starts × streamSeconds / (N × writeSeconds)),
 * where starts is what Tier 2 allows during the runs' writing time (20 per minute, the first 20 at
 * once) and streamSeconds how long one stream can take text at the workload's rate before it is full.
 * At N = 1 this is the appendStream floor (one stream, 100 per minute). At N = 10 (20 KB runs) it is
 * T = 4.2 s (7 streamed) where appendStream alone gives 6 s; at N = 50 T = 25.2 s (29 streamed, as many
 * as the starts allow) where appendStream alone gives 30 s and is unreachable.
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

export function nativeFloor(
  n: number,
  b: { append: MethodBudget; update: MethodBudget; start: MethodBudget },
  w: NativeWorkload,
): Floor {
  const starts = b.start.limit + (b.start.limit * w.writeSeconds * 1000) / b.start.windowMs;
  const charsPerSecond = w.chars / w.writeSeconds;
  const streamSeconds = w.streamBytes / charsPerSecond;
  const share = Math.min(1, (starts * streamSeconds) / (n * w.writeSeconds));
  const most = Math.max(1, Math.floor(n * share));
  const appendMs = b.append.windowMs / b.append.limit;
  const updateMs = b.update.windowMs / b.update.limit;
  let best = Number.POSITIVE_INFINITY;
  let streamed = 0;
  for (let k = 0; k <= Math.min(n, most); k++) {
    const t = Math.max(k * appendMs, (n - k) * updateMs);
    if (t < best) {
      best = t;
      streamed = k;
    }
  }
  return { ...periodFloor(best), streamed };
}
