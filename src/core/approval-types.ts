/**
 * The approval gate's records. An approval binds one agent tool call to the exact FIS template a
 * human was shown (its fingerprint), and moves through its states by atomic conditional updates.
 */
import type { FisTemplate } from './fis.ts';
import type { ThreadKey } from './ports.ts';

export const APPROVAL_TOOL = 'request_fis_experiment_approval';

export type ApprovalStatus =
  /** Waiting for a human decision. */
  | 'pending'
  /** An approver approved; the bot is starting the experiment. */
  | 'approved'
  | 'denied'
  | 'expired'
  /** Policy refused it before anyone was asked (e.g. no stop conditions). */
  | 'refused'
  /** Approved, but the template changed since it was shown; nothing was started. */
  | 'invalidated'
  /** The experiment was started by the bot. */
  | 'started'
  /** StartExperiment failed. */
  | 'start_failed';

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
  /** The template as shown on the card. */
  template: FisTemplate;
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
  /** Results for other inline calls of the same paused message, sent along on resume. */
  siblingResults?: Array<{ toolUseId: string; result: Record<string, unknown> }>;
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
    | 'started'
    | 'start_failed'
    | 'stop_requested'
    | 'experiment_state'
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
    fields: Partial<Pick<ApprovalRecord, 'cardTs' | 'experimentStatus' | 'stoppedBy' | 'siblingResults'>>,
  ): Promise<void>;
  /**
   * Atomic state change `from` → `to`; returns the updated record, or undefined if the record was not
   * in `from` (someone else decided first). With `notExpiredAt`, also requires expiresAt > that time.
   */
  transition(
    id: string,
    from: ApprovalStatus,
    to: ApprovalStatus,
    fields: Partial<
      Pick<ApprovalRecord, 'decidedBy' | 'decidedAt' | 'reason' | 'experimentId' | 'experimentStatus'>
    >,
    notExpiredAt?: number,
  ): Promise<ApprovalRecord | undefined>;
  /** Pending approvals whose expiry has passed. */
  listExpired(now: number): Promise<ApprovalRecord[]>;
  /** Approvals whose experiment has not reached a terminal state yet. */
  listRunning(): Promise<ApprovalRecord[]>;
  /** Records the experiment's terminal state and takes it off the running list. */
  markEnded(id: string, experimentStatus: string): Promise<void>;
  audit(id: string, entry: AuditEntry): Promise<void>;
  auditLog(id: string): Promise<AuditEntry[]>;
}
