/**
 * Which waiting call a bucket grants next (src/core/slack-scheduler.ts):
 *
 * 1. Critical calls that show no run's text (roots, roll-overs, approval cards), in order.
 * 2. Oldest unshown text first: calls that say when the oldest agent text they would show was
 *    written (`pendingSince`: intermediate and final edits) go oldest first, whichever kind they are.
 *    With N runs writing this is round robin (the run served longest ago has the oldest text); it
 *    also keeps a burst of final edits from starving runs still writing. Edited replies count a run's
 *    first text as the oldest (reply-stream-edit.ts). A final with nothing new counts from when it
 *    was offered.
 * 3. Calls without `pendingSince` that have news (native appends): a run's first text first, then
 *    the run served longest ago.
 * 4. Status-only edits (no new text), least recently served first.
 * Ties go to the oldest offer.
 */
import type { Bucket, Waiting } from './slack-bucket.ts';

export type Rank = [tier: number, primary: number, served: number, seq: number];

function rankOf(b: Bucket, key: string | undefined, w: Waiting): Rank {
  const served = key === undefined ? -1 : (b.lastServed.get(key) ?? -1);
  if (w.lane === 'critical') return [0, w.pendingSince?.() ?? w.offeredAt, served, w.seq];
  if (w.pendingSince) {
    const since = w.pendingSince();
    return since === undefined ? [1, served, served, w.seq] : [0, since, served, w.seq];
  }
  if (w.hasNews?.() === false) return [1, served, served, w.seq];
  const firstText = key !== undefined && !b.showedText.has(key);
  return [0, firstText ? Number.NEGATIVE_INFINITY : served, served, w.seq];
}

export const before = (a: Rank, b: Rank) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
};

/**
 * Whether this waiting call would show its run's first text. Edits say so (they count a run's first
 * text as the oldest text, reply-stream-edit.ts); a native append with news is its run's first when
 * the bucket has granted that run nothing with news yet (the rank's rule 3). Only these may go ahead
 * of the pace on credit (slack-scheduler.ts).
 */
export const showsFirstText = (w: Waiting, b: Bucket) =>
  w.pendingSince
    ? w.pendingSince() === Number.NEGATIVE_INFINITY
    : w.lane === 'progress' &&
      w.runKey !== undefined &&
      w.hasNews?.() === true &&
      !b.showedText.has(w.runKey);

/** Whether a run's first text waits in the bucket. */
export function firstTextWaiting(b: Bucket): boolean {
  for (const w of b.aged) if (showsFirstText(w, b)) return true;
  for (const w of b.progress.values()) if (showsFirstText(w, b)) return true;
  return false;
}

/**
 * Takes the next call off the bucket's queues (undefined when none waits); with `firstTextOnly`,
 * the oldest-offered call that would show a run's first text.
 */
type Pick = { w: Waiting; key: string | undefined; rank: Rank; aged: boolean };

/** The call `takeNext` would take, with its rank (plain critical calls rank before all others). */
function pick(b: Bucket, firstTextOnly: boolean): Pick | undefined {
  if (!firstTextOnly && b.critical.length > 0) {
    const w = b.critical[0]!;
    return { w, key: w.runKey, rank: [-1, w.offeredAt, -1, w.seq], aged: false };
  }
  let best: Pick | undefined;
  for (const w of b.aged) {
    const rank = rankOf(b, w.runKey, w);
    if (firstTextOnly && !showsFirstText(w, b)) continue;
    if (!best || before(rank, best.rank)) best = { w, key: w.runKey, rank, aged: true };
  }
  for (const [k, w] of b.progress) {
    const key = k.startsWith('anon:') ? undefined : k;
    const rank = rankOf(b, key, w);
    if (firstTextOnly && !showsFirstText(w, b)) continue;
    if (!best || before(rank, best.rank)) best = { w, key, rank, aged: false };
  }
  return best;
}

/**
 * The rank of the call a bucket would grant next (undefined: none waits), so a budget shared by
 * several buckets (chat.postMessage's workspace cap over its channels) grants in the same order.
 */
export function nextRank(b: Bucket, firstTextOnly = false): Rank | undefined {
  return pick(b, firstTextOnly)?.rank;
}

/**
 * Takes the next call off the bucket's queues (undefined when none waits); with `firstTextOnly`,
 * the oldest-offered call that would show a run's first text.
 */
export function takeNext(b: Bucket, now: number, firstTextOnly = false): Waiting | undefined {
  const best = pick(b, firstTextOnly);
  if (!best) return undefined;
  if (best.rank[0] === -1) return b.critical.shift();
  if (best.aged) b.aged.splice(b.aged.indexOf(best.w), 1);
  else b.progress.delete(best.key ?? `anon:${best.w.seq}`);
  if (best.key !== undefined && !best.aged) {
    b.lastServed.set(best.key, now);
    if (best.rank[0] === 0) b.showedText.add(best.key);
  }
  return best.w;
}
