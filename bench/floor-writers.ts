/**
 * A staleness floor for every writer: a lower bound on the p50/p95 staleness that any program writing
 * the scenario's runs into their threads could reach under the fake Slack's limits, counting every
 * call that can show a run's text where bench/measure.ts looks for it (a message of the run's
 * thread): chat.postMessage as well as chat.update, and in the streaming variant chat.startStream,
 * appendStream and stopStream too. bench/floor.ts's edit floor counts chat.update alone, but a writer
 * may also post the new text as a new reply (one a second per channel, 300 a minute over the
 * workspace in the fake), so that floor is not below every writer's staleness.
 *
 * It is computed from what the harness actually wrote (when each character measure.ts samples was
 * written: characters 1, 20, 40, … of each run), and the argument is one of counting:
 *
 * 1. A call reaching Slack at time s shows text of one run only (a message belongs to one thread),
 *    and a sample written at t has waited at most x when shown by it only if s − x ≤ t ≤ s. So one
 *    call shows at most M(x) samples within x of their writing, M(x) being the most samples one run
 *    (of the call's channel) wrote in any closed window of x ms; and at most what one message holds
 *    (40,000 characters of text in the fake; a streamed message 10.6 kB).
 * 2. Such a call lies in [first sample, last sample + x] (of its channel, for a per-channel limit).
 *    When at most `limit` calls fit in any window of `windowMs` (the fake counts the calls it
 *    accepts in (now − window, now]), a closed span of length L holds at most
 *    limit × (⌊L / window⌋ + 1) of them: it splits into that many half-open windows.
 * 3. So the samples shown within x are at most, per channel, min(samples, posts × M) plus, shared
 *    over the channels however suits the writer best (the fractional optimum, which no whole-call
 *    schedule beats), the workspace methods' calls × M. Nothing else is assumed: not that replies
 *    must be posted before they are edited, not the calls the roots and footers need, not network
 *    time, not the order of text within a message. Each of those would only raise the bound.
 * 4. A writer's p-th percentile is ≤ x only if at least ⌈p/100 × samples⌉ samples were shown within
 *    x (measure.ts's percentile is that element of the sorted waits). The bound on (3) grows with x,
 *    so the smallest x where it reaches that count, found by bisection, is below every writer's.
 *
 * With one method, uniform writing and no window edges this is bench/floor.ts's figure (a share x/T of
 * the text within x for calls every T); the window edges, the deltas' granularity and the pauses only
 * lower it, so it is never above that floor (test/unit/bench-floor-writers.test.ts). What it does not
 * count: calls whose text measure.ts does not read (ephemeral notes, file uploads, status lines);
 * counting them would raise this floor, never lower it below the truth of the fake.
 *
 * A second floor (SPILL_METHODS) is the same count for writers that also keep a reply-design rule a
 * person in the thread would accept: a run adds at most one new message to its thread per spill gap
 * (10 s). Then the calls that add a message and can show a run's sample within x lie in that run's
 * [first sample, last sample + x], a closed span L holding at most ⌊L / gap⌋ + 1 of them, each
 * showing at most the run's own M(x): per run at most min(samples, that × M), a third bound beside
 * the channel's and the workspace's. It only removes calls, so it is never below the unconstrained
 * floor, and chat.update is counted as before, so it is never above the updates-only floor. The rule
 * is counted separately for posts and for stream starts (each a new message), which allows a writer
 * up to twice the rule's messages: a weaker bound, still a floor.
 */

import { POST_WORKSPACE_PER_MINUTE, perMinute } from '../src/stand-ins/fake-slack-rate-limits.ts';
import { STREAMED_MESSAGE_BYTES } from '../src/stand-ins/fake-slack-streams.ts';
import type { Floor } from './floor.ts';

export interface ShowMethod {
  method: string;
  /** Calls accepted in any window of `windowMs`: per workspace, or per channel. */
  limit: number;
  windowMs: number;
  perChannel?: boolean;
  /** Per-channel methods: a cap per minute over all channels as well (Slack's "several hundred" posts; the fake's 300). */
  workspacePerMinute?: number;
  /** Calls that add a message: at most one per run per this many ms (the spill rule; SPILL_METHODS). */
  perRunGapMs?: number;
  /** The most characters one call can put on screen (what one message holds). */
  maxChars: number;
}

/** The fake's text limit for one message (fake-slack-workspace.ts); its blocks carry less (~13.3k). */
const MESSAGE_CHARS = 40_000;

const workspace = (method: string, maxChars: number): ShowMethod => ({
  method,
  limit: perMinute(method),
  windowMs: 60_000,
  maxChars,
});

/** Edit mode's writers: messages posted and edited (the fake allows one post a second per channel). */
export const EDIT_METHODS: ShowMethod[] = [
  workspace('chat.update', MESSAGE_CHARS),
  {
    method: 'chat.postMessage',
    limit: 1,
    windowMs: 1_000,
    perChannel: true,
    workspacePerMinute: POST_WORKSPACE_PER_MINUTE,
    maxChars: MESSAGE_CHARS,
  },
];

/** Every method that shows text in a thread: the above and Slack's streaming (a UTF-8 byte is at most one character). */
export const ALL_METHODS: ShowMethod[] = [
  ...EDIT_METHODS,
  workspace('chat.startStream', STREAMED_MESSAGE_BYTES),
  workspace('chat.appendStream', STREAMED_MESSAGE_BYTES),
  workspace('chat.stopStream', STREAMED_MESSAGE_BYTES),
];

/**
 * A run adds at most one message to its thread per this gap (the spill rule).
 * TODO(lead, at merge): import SPILL_GAP_MS from src/core/reply-spill.ts (the spill helper's) instead.
 */
export const SPILL_GAP_MS = 10_000;

/** The methods that add a new message to a thread (a post; a stream start). */
const ADDS_MESSAGE = new Set(['chat.postMessage', 'chat.startStream']);

/** These methods for writers that keep the spill rule: at most one new message per run per gap. */
export const withSpillGap = (methods: ShowMethod[], gapMs = SPILL_GAP_MS): ShowMethod[] =>
  methods.map((m) => (ADDS_MESSAGE.has(m.method) ? { ...m, perRunGapMs: gapMs } : m));

/** The second every-writer floor's methods: edit mode's and every method, under the spill rule. */
export const SPILL_EDIT_METHODS = withSpillGap(EDIT_METHODS);
export const SPILL_ALL_METHODS = withSpillGap(ALL_METHODS);

export interface SampledRun {
  channel: string;
  /** When each sampled character was written (ms), ascending. */
  at: number[];
}

/** The characters measure.ts samples (1, 20, 40, …) and when each was written, from the harness's record. */
export function sampleTimes(p: { times: number[]; lens: number[]; text: string }): number[] {
  const out: number[] = [];
  let d = 0;
  for (let j = 1; j <= p.text.length; j += j === 1 ? 19 : 20) {
    while (d < p.lens.length && p.lens[d]! < j) d++;
    if (d >= p.lens.length) break;
    out.push(p.times[d]!);
  }
  return out;
}

/** Most calls in a closed span of `spanMs` when at most `limit` fit in any window. */
export function callsIn(m: Pick<ShowMethod, 'limit' | 'windowMs'>, spanMs: number): number {
  return m.limit * (Math.floor(spanMs / m.windowMs) + 1);
}

/** Most samples written within any closed window of `x` ms. */
export function mostWithin(at: number[], x: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < at.length; hi++) {
    while (at[hi]! - at[lo]! > x) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

interface ChannelCount {
  samples: number;
  most: number;
  first: number;
  last: number;
  runs: Array<{ samples: number; most: number; first: number; last: number }>;
}

/** The spill rule's bound: samples a method adding one message per run per gap can show within x. */
function perRunBound(
  m: ShowMethod,
  runs: ChannelCount['runs'],
  x: number,
  per: (most: number) => number,
): number {
  if (m.perRunGapMs === undefined) return Number.POSITIVE_INFINITY;
  const gap = m.perRunGapMs;
  return runs.reduce(
    (s, r) => s + Math.min(r.samples, (Math.floor((r.last + x - r.first) / gap) + 1) * per(r.most)),
    0,
  );
}

/** Bound (3): the most samples any writer shows within `x` ms of their writing. */
export function coverable(runs: SampledRun[], methods: ShowMethod[], x: number, charsPerSample = 20): number {
  const channels = new Map<string, ChannelCount>();
  for (const r of runs) {
    if (r.at.length === 0) continue;
    const c = channels.get(r.channel) ?? { samples: 0, most: 0, first: Infinity, last: -Infinity, runs: [] };
    const run = { samples: r.at.length, most: mostWithin(r.at, x), first: r.at[0]!, last: r.at.at(-1)! };
    c.runs.push(run);
    c.samples += run.samples;
    c.most = Math.max(c.most, run.most);
    c.first = Math.min(c.first, run.first);
    c.last = Math.max(c.last, run.last);
    channels.set(r.channel, c);
  }
  const all = [...channels.values()];
  if (all.length === 0) return 0;
  const per = (m: ShowMethod, most: number) => Math.min(most, Math.ceil(m.maxChars / charsPerSample) + 1);
  const span = Math.max(...all.map((c) => c.last)) + x - Math.min(...all.map((c) => c.first));
  const most = Math.max(...all.map((c) => c.most));
  const samples = all.reduce((s, c) => s + c.samples, 0);
  const allRuns = all.flatMap((c) => c.runs);
  let shown = 0;
  for (const m of methods.filter((q) => q.perChannel)) {
    let own = all.reduce(
      (s, c) =>
        s +
        Math.min(
          c.samples,
          callsIn(m, c.last + x - c.first) * per(m, c.most),
          perRunBound(m, c.runs, x, (k) => per(m, k)),
        ),
      0,
    );
    if (m.workspacePerMinute !== undefined)
      own = Math.min(own, callsIn({ limit: m.workspacePerMinute, windowMs: 60_000 }, span) * per(m, most));
    shown += own;
  }
  shown = Math.min(samples, shown);
  const left = samples - shown;
  const shared = methods
    .filter((m) => !m.perChannel)
    .reduce(
      (s, m) =>
        s +
        Math.min(
          callsIn(m, span) * per(m, most),
          perRunBound(m, allRuns, x, (k) => per(m, k)),
        ),
      0,
    );
  return shown + Math.min(left, shared);
}

/** Bound (4): below this, no writer's p-th percentile staleness can be. */
export function writerPercentile(runs: SampledRun[], methods: ShowMethod[], p: number): number {
  const samples = runs.reduce((s, r) => s + r.at.length, 0);
  if (samples === 0) return Number.NaN;
  const need = Math.ceil((p / 100) * samples);
  if (coverable(runs, methods, 0) >= need) return 0;
  let lo = 0;
  let hi = 1_000;
  while (coverable(runs, methods, hi) < need) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 0.5) {
    const mid = (lo + hi) / 2;
    if (coverable(runs, methods, mid) >= need) hi = mid;
    else lo = mid;
  }
  return lo;
}

export function writerFloor(runs: SampledRun[], methods: ShowMethod[]): Floor {
  return { p50: writerPercentile(runs, methods, 50), p95: writerPercentile(runs, methods, 95) };
}
