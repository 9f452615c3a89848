/**
 * How a streamed turn ended, as the reply's footer states it. Pure, so every combination is unit-tested.
 * (Split out of turns.ts.)
 */
import type { PendingToolCall } from './events.ts';
import type { AbortReason } from './lease.ts';
import type { FinalState } from './reply-stream.ts';
import { abortedState } from './turn-stream.ts';

export interface TurnEnd {
  /** What the stream reported. */
  final: FinalState;
  /** Why the run was aborted, if it was. */
  aborted?: AbortReason;
  /** Inline calls the agent is waiting on (the turn pauses). */
  pending: PendingToolCall[];
  /** The decision of the approval this turn resumed with, if any (see TurnInput). */
  approvalDecision?: string;
  cost?: FinalState['cost'];
}

export function turnFinalState(end: TurnEnd): FinalState {
  const { final } = end;
  // The agent's answer to an approval that was not given ends without a "Done": nothing was done.
  const declined = end.approvalDecision !== 'approved' ? end.approvalDecision : undefined;
  return {
    ...(end.aborted
      ? abortedState(end.aborted, final.usage)
      : end.pending.length > 0
        ? { outcome: 'paused' as const, usage: final.usage }
        : declined && final.outcome === 'done'
          ? { ...final, outcome: 'not_started' as const, decision: declined }
          : final),
    ...(end.cost ? { cost: end.cost } : {}),
  };
}
