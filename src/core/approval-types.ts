/**
 * The approval gate's records. An approval binds one agent tool call to the exact FIS template a
 * human was shown (its fingerprint), and moves through its states by atomic conditional updates.
 */
import type { InterlockReading } from './approval-gate-checks.ts';
import type { FisTargetAccount, FisTemplate } from './fis.ts';
import type { ThreadKey } from './ports.ts';

export const APPROVAL_TOOL = 'request_fis_experiment_approval';

/** Tags the bot puts on every experiment it starts; the first finds it again after a crash or a lost reply. */
export const TAG_APPROVAL_ID = 'agentcore-slack-bot:approval-id';
export const TAG_APPROVED_BY = 'agentcore-slack-bot:approved-by';
export const TAG_REQUESTED_BY = 'agentcore-slack-bot:requested-by';

export type ApprovalStatus =
  /** Waiting for a human decision. */
  | 'pending'
  /** An approver approved; the bot is re-checking the template (StartExperiment not sent yet). */
  | 'approved'
  /**
   * StartExperiment was sent (or may have been): only FIS knows whether the experiment exists until
   * the bot has its answer or has looked it up by its approval tag.
   */
  | 'starting'
  | 'denied'
  | 'expired'
  /** Policy refused it before anyone was asked (e.g. no stop conditions). */
  | 'refused'
  /** Approved, but the template changed since it was shown; nothing was started. */
  | 'invalidated'
  /** The experiment was started by the bot. */
  | 'started'
  /** FIS confirmed that no experiment was started for this approval. */
  | 'start_failed';

/** Statuses in which an approval's experiment may be starting: reconciled by any replica once its lease lapses. */
export const IN_FLIGHT: readonly ApprovalStatus[] = ['approved', 'starting'];

export interface ApprovalInput {
  experimentTemplateId: string;
  region: string;
  summary: string;
  expectedImpact: string;
}

export interface ApprovalRecord {
  id: string;
  thread: ThreadKey;
  runtimeSessionId: string;
  toolUseId: string;
  /** The paused assistant message, replayed with the tool result on resume. */
  assistantMessage: unknown;
  input: ApprovalInput;
  templateId: string;
  region: string;
  /** sha256 of the template's canonical JSON, as read by the bot when the card was posted. */
  fingerprint: string;
  /** How `fingerprint` was computed (FINGERPRINT_SCHEME); absent on records from before schemes were named (v1). */
  fingerprintScheme?: string;
  /** The template as shown on the card. */
  template: FisTemplate;
  /** A multi-account template's target accounts, as FIS listed them when the card was posted. */
  targetAccounts?: FisTargetAccount[];
  /** Why the target accounts could not be listed (the card says so in bold). */
  targetAccountsError?: string;
  requester: string;
  createdAt: number;
  expiresAt: number;
  status: ApprovalStatus;
  cardTs?: string;
  decidedBy?: string;
  decidedAt?: number;
  reason?: string;
  experimentId?: string;
  experimentStatus?: string;
  stoppedBy?: string;
  /** While approved/starting: the replica working on it, and until when its claim holds. */
  startOwner?: string;
  leaseUntil?: number;
  startRequestedAt?: number;
  /** The error FIS gave when the experiment failed (state.error). */
  experimentError?: { code?: string; location?: string; accountId?: string };
  /** What FIS started that differs from what was approved (the bot stopped it). */
  mismatch?: string;
  /**
   * FIS created the experiment after the bot had concluded it was not started (found by the late-start
   * sweep, which stopped it): when the bot concluded that, and why.
   */
  lateStart?: { concludedReason: string };
  /** Stop-condition alarms and blast radius as read when the card was posted (shown on it). */
  interlocks?: InterlockReading;
  /** The same, read again right before the start; `shrunk` says which shown resources were gone. */
  startCheck?: InterlockReading & { shrunk?: string };
  /** After the experiment ended: whether the stop-condition alarms came back to OK in time. */
  recovery?: RecoveryVerdict;
  /** Results for other inline calls of the same paused message, sent along on resume. */
  siblingResults?: Array<{ toolUseId: string; result: Record<string, unknown> }>;
}

export interface RecoveryVerdict {
  status: 'watching' | 'recovered' | 'not_recovered' | 'unknown';
  /** When the experiment ended, and until when recovery is awaited (ms since epoch). */
  endedAt: number;
  deadline: number;
  /** What is being checked, fixed when the watch begins so any replica can take it over. */
  checking?: RecoveryChecks;
  /** The replica watching (and, once settled, the one that stored the verdict), and until when its claim holds. */
  owner?: string;
  leaseUntil?: number;
  /** Recovered: how long after the end the last alarm was OK and every checked target healthy (0: at once). */
  afterMs?: number;
  /** Not recovered: the alarms still not OK and the targets not healthy, with their states. */
  stillFailing?: string[];
  /** Targets whose health the bot could not check (said in the verdict, never counted as healthy). */
  notChecked?: string[];
}

export interface RecoveryChecks {
  /** Stop-condition alarm names. */
  alarms: string[];
  /** The resolved targets as approved: each one's resource type and resources. */
  targets: Array<{ name: string; resourceType: string; arns: string[]; parameters?: Record<string, string> }>;
}

export interface AuditEntry {
  at: number;
  action:
    | 'requested'
    | 'refused'
    | 'approved'
    | 'denied'
    | 'expired'
    | 'invalidated'
    | 'start_requested'
    | 'start_unconfirmed'
    | 'reconciled'
    | 'started'
    | 'mismatch_stopped'
    | 'late_start_stopped'
    | 'start_failed'
    | 'stop_requested'
    | 'experiment_state'
    | 'interlock_refused'
    | 'recovery'
    | 'rejected_click';
  actor: string;
  outcome: string;
  fingerprint?: string;
  experimentId?: string;
}

export interface ApprovalStore {
  createApproval(rec: ApprovalRecord): Promise<void>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  /** Sets fields without a state change (card ts, experiment status). */
  patchApproval(
    id: string,
    fields: Partial<
      Pick<
        ApprovalRecord,
        | 'cardTs'
        | 'experimentStatus'
        | 'experimentError'
        | 'stoppedBy'
        | 'siblingResults'
        | 'fingerprintScheme'
        | 'reason'
        | 'startCheck'
        | 'recovery'
      >
    >,
  ): Promise<void>;
  /**
   * Atomic state change `from` (one of) → `to`; returns the updated record, or undefined if the record
   * was not in `from` (someone else decided first). With `notExpiredAt`, also requires expiresAt > that
   * time. Entering `approved`/`starting` files it under the in-flight index until `leaseUntil`.
   */
  transition(
    id: string,
    from: ApprovalStatus | readonly ApprovalStatus[],
    to: ApprovalStatus,
    fields: Partial<
      Pick<
        ApprovalRecord,
        | 'decidedBy'
        | 'decidedAt'
        | 'reason'
        | 'experimentId'
        | 'experimentStatus'
        | 'startOwner'
        | 'leaseUntil'
        | 'startRequestedAt'
        | 'stoppedBy'
        | 'mismatch'
        | 'lateStart'
      >
    >,
    notExpiredAt?: number,
  ): Promise<ApprovalRecord | undefined>;
  /** Extends `owner`'s claim on an in-flight approval; false if it is no longer in flight or no longer theirs. */
  renewLease(id: string, owner: string, until: number): Promise<boolean>;
  /** Takes over an in-flight approval whose claim lapsed before `now`; undefined if someone else holds it. */
  claimLapsed(id: string, owner: string, now: number, until: number): Promise<ApprovalRecord | undefined>;
  /** In-flight approvals (approved / starting) whose claim lapsed before `now`. */
  listLapsed(now: number): Promise<ApprovalRecord[]>;
  /**
   * Approvals concluded `start_failed` at or after `since`: FIS could still create their experiment
   * late, so the late-start sweep looks for it.
   */
  listNotStarted(since: number): Promise<ApprovalRecord[]>;
  /** Pending approvals whose expiry has passed. */
  listExpired(now: number): Promise<ApprovalRecord[]>;
  /** Approvals whose experiment has not reached a terminal state yet. */
  listRunning(): Promise<ApprovalRecord[]>;
  /**
   * Enters the recovery phase once per approval: stores `verdict` (watching, with its owner and claim, or
   * already final) unless a recovery is stored already; false when someone else began it first.
   */
  beginRecovery(id: string, verdict: RecoveryVerdict): Promise<boolean>;
  /** Extends `owner`'s claim on a recovery watch; false if it is settled or no longer theirs. */
  renewRecovery(id: string, owner: string, until: number): Promise<boolean>;
  /** Takes over a recovery watch whose claim lapsed before `now`; undefined if someone else holds or settled it. */
  claimRecovery(id: string, owner: string, now: number, until: number): Promise<ApprovalRecord | undefined>;
  /** Stores the final verdict if `owner` still holds the watch: true exactly once per approval. */
  settleRecovery(id: string, owner: string, verdict: RecoveryVerdict): Promise<boolean>;
  /** Recovery watches whose claim lapsed before `now`. */
  listRecoveryLapsed(now: number): Promise<ApprovalRecord[]>;
  /** Records the experiment's terminal state and takes it off the running list. */
  markEnded(id: string, experimentStatus: string): Promise<void>;
  audit(id: string, entry: AuditEntry): Promise<void>;
  auditLog(id: string): Promise<AuditEntry[]>;
}
