/**
 * What the bot counts for operations: every turn by outcome (and by failure kind when it failed), approval
 * decisions and experiment starts and stops. Alarms on the failure rate are built on these (deploy/lib/constructs/
 * alarms.ts); the adapter decides how they leave the process (src/adapters/emf-metrics.ts).
 */
import type { FailureCode } from './events.ts';
import type { FinalState } from './reply-stream.ts';

/** Metric names, shared with the alarms in deploy/ (which import them, so a rename breaks the build, not the alarm). */
export const METRIC = {
  turns: 'Turns',
  turnFailures: 'TurnFailures',
  approvals: 'Approvals',
  experiments: 'Experiments',
} as const;

/** Dimension names of the metrics above. */
export const DIMENSION = { outcome: 'Outcome', failureKind: 'FailureKind', event: 'Event' } as const;

/** Failures that mean the product is broken or overloaded, not that the person stopped it. */
export type TurnFailureKind = FailureCode | 'unexpected';

/** Approval and experiment events worth counting (the audit trail's actions). */
export const COUNTED_APPROVAL_EVENTS = ['requested', 'refused', 'approved', 'denied', 'expired'] as const;
export const COUNTED_EXPERIMENT_EVENTS = [
  'started',
  'start_failed',
  'stop_requested',
  'mismatch_stopped',
] as const;

export interface MetricsPort {
  /** One finished turn; `failure` when it ended because of the harness or the bot. */
  turn(outcome: FinalState['outcome'], failure?: TurnFailureKind): void;
  /** One approval-gate event (only those in COUNTED_*_EVENTS are counted). */
  approvalEvent(action: string): void;
}

export const NO_METRICS: MetricsPort = {
  turn() {},
  approvalEvent() {},
};
