/**
 * When an edited reply spills (issue 21): chat.update's budget (~50 a minute) is shared by every run
 * of a workspace, so under load a run's edit comes rarely, while chat.postMessage has a separate,
 * larger budget. A run whose oldest unshown text has waited for its edit too long posts that text as
 * a new plain reply instead (reply-stream-edit.ts); its later text goes to that reply.
 *
 * The rules keep spills to congestion only: the run's edit must be waiting in the scheduler (text
 * only waiting on Slack's answer is not congestion) and its text must have waited SPILL_AFTER_MS,
 * which is more than the edit cadence of up to three busy runs of a workspace (one chat.update each
 * per ~4 s); and a run adds a message to its thread at most once per SPILL_GAP_MS.
 */

/** A run posts a spilled reply at most once per this long (its first spill may go at once). */
export const SPILL_GAP_MS = 10_000;

/** A run's oldest unshown text must have waited this long for its edit before it spills. */
export const SPILL_AFTER_MS = 5_000;

export interface SpillState {
  now: number;
  /** When the oldest text no message shows yet was written (undefined: all shown). */
  unshownSince: number | undefined;
  /** Whether an edit that would show that text is waiting for its turn in the scheduler. */
  editWaiting: boolean;
  /** When this run last posted a spilled reply (undefined: never). */
  lastSpillAt: number | undefined;
  spillAfterMs?: number;
  spillGapMs?: number;
}

/**
 * Whether the run should spill now; if not, when to look again (undefined: nothing to wait for,
 * look again when text arrives or an edit is offered).
 */
export function spillDecision(s: SpillState): { now: boolean; at?: number } {
  if (s.unshownSince === undefined || !s.editWaiting) return { now: false };
  const after = s.spillAfterMs ?? SPILL_AFTER_MS;
  const gap = s.spillGapMs ?? SPILL_GAP_MS;
  const at = Math.max(
    s.unshownSince + after,
    s.lastSpillAt === undefined ? Number.NEGATIVE_INFINITY : s.lastSpillAt + gap,
  );
  return at <= s.now ? { now: true } : { now: false, at };
}
