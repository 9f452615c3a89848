/**
 * Where a workspace's staleness comes from, split in two (bench/scale.ts reports it per workspace):
 *
 * - The budget's share: text waits for its run's next update. Updates at gaps g₁, g₂, … leave text
 *   written at a random moment waiting Σg² / (2 Σg) on average (equal gaps: half the gap; uneven
 *   gaps wait longer for the same number of updates). With the workspace's chat.update rate this
 *   says whether the bot got its budget's calls out and shared them evenly.
 * - Lateness: at each update, the oldest text the harness had written that the update does not
 *   show, and how old it was when the update reached Slack. A bot that shows everything it has, and
 *   has everything the harness wrote, is late by one delta and a round trip (~0.1 s); more is time
 *   the text spent between the harness and the reply (a late event loop in the bot or in the
 *   stand-ins, a backed-up stream, or text the bot held back), which no budget explains.
 *
 * Only updates while the run is still writing count (its final edit shows text that waited for the
 * end on purpose), and only the span in which most runs of the workspace (80%) were writing, so the
 * runs compete for the budget much as in the floor's scenario.
 */
import { lenAt, pct } from './measure.ts';

export interface RunShown {
  /** When the harness wrote each prefix length (ms epoch), ascending. */
  times: number[];
  lens: number[];
  /** Agent characters visible in the thread after each version reached Slack, by time. */
  vis: Array<{ at: number; len: number; reply?: number }>;
}

export interface WorkspaceLateness {
  /** How long every run of the workspace was writing (ms), and the updates per minute in it. */
  windowMs: number;
  updatesPerMin: number;
  /** Mean wait for the next update of text written at a random moment (pooled Σg² / 2Σg), ms. */
  budgetWaitMs: number;
  /** Age of the oldest unshown text at each update, p50 / p95 / max ms. */
  lateMs: { p50: number; p95: number; max: number };
  /**
   * The latest update, to look at: which run (index in the workspace), the update (ms after the
   * span began, reply, characters shown), what the harness had written by then, and the run's
   * updates around it ([ms after the span began, reply, characters shown]).
   */
  worst?: { run: number; at: number; reply?: number; shown: number; written: number; around: number[][] };
}

/** The first time the harness had written more than `len` characters (Infinity: never). */
function wroteBeyond(r: RunShown, len: number): number {
  let lo = 0;
  let hi = r.lens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r.lens[mid]! <= len) lo = mid + 1;
    else hi = mid;
  }
  return lo < r.times.length ? r.times[lo]! : Number.POSITIVE_INFINITY;
}

/**
 * The span in which at least `share` of the runs were writing at once (the scale case starts a
 * workspace's runs over the harness's admission time, so all of them rarely write together).
 */
export function busySpan(runs: RunShown[], share: number): { from: number; to: number } {
  const edges = runs.flatMap((r) => [
    { at: r.times[0]!, d: 1 },
    { at: r.times.at(-1)!, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  const need = Math.ceil(share * runs.length);
  let n = 0;
  let from = Number.NaN;
  let to = Number.NaN;
  for (const e of edges) {
    n += e.d;
    if (n >= need && Number.isNaN(from)) from = e.at;
    if (n < need && !Number.isNaN(from) && Number.isNaN(to)) to = e.at;
  }
  return Number.isNaN(from) || Number.isNaN(to) ? { from: 0, to: 0 } : { from, to };
}

export function workspaceLateness(runs: RunShown[], share = 0.8): WorkspaceLateness {
  const writing = runs.filter((r) => r.times.length > 0);
  const { from, to } = busySpan(writing, share);
  const windowMs = Math.max(0, to - from);
  let updates = 0;
  let sumG = 0;
  let sumG2 = 0;
  const late: number[] = [];
  let worst: WorkspaceLateness['worst'];
  let worstMs = -1;
  writing.forEach((r, run) => {
    // Each run's own writing time within the span: its first update waits from its first text.
    const start = Math.max(from, r.times[0]!);
    const end = Math.min(to, r.times.at(-1)!);
    if (end <= start) return;
    let prev = start;
    for (const [k, e] of r.vis.entries()) {
      if (e.at <= start || e.at > end) continue;
      // A roll-over is one update to the reader: the full message's last edit (it cannot hold
      // more), then the continuation with the rest (a new reply, posted as the channel's post
      // budget allows). Measured at the continuation; the time between is the budget's wait.
      const next = r.vis[k + 1];
      if (next && next.reply !== undefined && e.reply !== undefined && next.reply > e.reply) continue;
      const written = lenAt(r.times, r.lens, e.at);
      updates++;
      sumG += e.at - prev;
      sumG2 += (e.at - prev) ** 2;
      prev = e.at;
      const ms = e.len < written ? Math.max(0, e.at - wroteBeyond(r, e.len)) : 0;
      late.push(ms);
      if (ms > worstMs) {
        worstMs = ms;
        const i = k;
        worst = {
          run,
          at: e.at - from,
          reply: e.reply,
          shown: e.len,
          written,
          around: r.vis.slice(Math.max(0, i - 4), i + 4).map((v) => [v.at - from, v.reply ?? -1, v.len]),
        };
      }
    }
    // The wait after the run's last update in the span counts too.
    sumG += end - prev;
    sumG2 += (end - prev) ** 2;
  });
  return {
    windowMs,
    updatesPerMin: windowMs > 0 ? (updates * 60_000) / windowMs : 0,
    budgetWaitMs: sumG > 0 ? Math.round(sumG2 / (2 * sumG)) : 0,
    lateMs: {
      p50: late.length ? Math.round(pct(late, 50)) : 0,
      p95: late.length ? Math.round(pct(late, 95)) : 0,
      max: late.length ? Math.round(Math.max(...late)) : 0,
    },
    ...(worst ? { worst } : {}),
  };
}
