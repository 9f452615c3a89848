/**
 * What every phase of the approval gate shares: its dependencies, the audit trail, thread notes, card
 * updates and resuming the paused agent turn.
 */
import type { InterlockDeps } from './approval-gate-checks.ts';
import type { ApprovalRecord, ApprovalStore, AuditEntry } from './approval-types.ts';
import type { FisPort } from './fis.ts';
import type { Logger } from './logger.ts';
import type { MetricsPort } from './metrics.ts';
import type { SlackMessage, SlackWriter, ThreadFile } from './ports.ts';
import { mention } from './slack-escape.ts';
import type { StartRolePort } from './start-role.ts';

export interface ApproverDirectory {
  /** Approver user ids and user group ids as configured. */
  readonly configured: readonly string[];
  isApprover(userId: string): Promise<boolean>;
}

export interface ApprovalPolicy {
  ttlMs: number;
  allowSelfApproval: boolean;
  allowNoStopConditions: boolean;
  /**
   * How long a replica's claim on an approval it is starting lasts without renewal; after that any
   * replica asks FIS what happened (defaults to 30 s).
   */
  startLeaseMs?: number;
}

export interface GateDeps {
  fis: FisPort;
  approvals: ApprovalStore;
  writer: SlackWriter;
  card: (a: ApprovalRecord, commandTemplateId?: string) => SlackMessage;
  /** The complete template as a file, when the card cannot show all of it (it says so in bold). */
  cardFile?: (a: ApprovalRecord) => ThreadFile | undefined;
  /** Every resolved target resource as a file, when the card names only the first few; undefined otherwise. */
  targetsFile?: (a: ApprovalRecord) => ThreadFile | undefined;
  note: (text: string) => SlackMessage;
  approvers: ApproverDirectory;
  policy: ApprovalPolicy;
  /** Stop-condition alarms and blast radius, checked before the card and again before the start. */
  interlocks: InterlockDeps;
  /**
   * The start-only role assumed for each start, scoped by a session policy to the approved template.
   * Unset: the bot starts with its own credentials (local development; the deployed task role cannot).
   */
  startRole?: { roleArn: string; port: StartRolePort };
  /** After an experiment ends: how long its alarms have to be OK again (unset: not verified). */
  recovery?: RecoverySettings;
  log: Logger;
  now?: () => number;
  /** Tells the approvers where they will see it (a DM, their Home tab) once a card waits; best effort. */
  notify?: (a: ApprovalRecord) => Promise<void>;
  /** An approval changed without a click (it expired, its experiment ended): e.g. redraw Home tabs. */
  changed?: (a: ApprovalRecord) => void;
  /** Counts approval decisions and experiment starts and stops; optional. */
  metrics?: MetricsPort;
}

/** Recovery verification (approval-gate-recovery.ts); declared here so that file and this one don't import each other. */
export interface RecoverySettings {
  /** How long the alarms and targets have to be healthy again after the end. */
  withinMs: number;
  /** How often they are read meanwhile. */
  pollMs?: number;
  /** How long a replica's claim on a watch lasts without renewal (defaults to the start lease). */
  leaseMs?: number;
}

/** What the agent receives as the tool result. */
export type ToolResult = Record<string, unknown>;

export interface ClickInput {
  approvalId: string;
  action: 'approve' | 'deny' | 'stop';
  user: string;
  channel: string;
  messageTs: string;
}

/** Answers the clicker privately. */
export type Tell = (text: string) => Promise<void>;

export const DO_NOT_PROCEED =
  'No experiment was started. Do not start it by any other means; report this outcome to the user.';

/** The shared toolkit each phase works with. */
export class GateKit {
  readonly now: () => number;
  readonly leaseMs: number;
  /** Set when this replica shuts down: its background watches stop and let their claims lapse. */
  stopping = false;
  /** Resumes the paused agent turn with a tool result; set by the runner. */
  resume: (a: ApprovalRecord, result: ToolResult) => Promise<void> = async () => undefined;

  constructor(
    readonly d: GateDeps,
    /** This replica's identity in in-flight claims. */
    readonly owner: string,
  ) {
    this.now = d.now ?? Date.now;
    this.leaseMs = d.policy.startLeaseMs ?? 30_000;
  }

  /**
   * Hands the truth to the agent. Not awaited: the approval action is done once the record and the card
   * say what happened; the resumed agent turn is the runner's, which tracks and drains it like any run.
   */
  async resumeAgent(a: ApprovalRecord, result: ToolResult): Promise<void> {
    void this.resume(a, result).catch((err) =>
      this.d.log.error({ err, approvalId: a.id }, 'could not resume the agent after the approval'),
    );
  }

  /**
   * Tells the agent of an approval's thread something after its tool call was answered, as a new turn
   * in the thread if its session is still alive; set by the runner. Not awaited, like resumeAgent.
   */
  inform: (a: ApprovalRecord, text: string) => Promise<void> = async () => undefined;

  informAgent(a: ApprovalRecord, text: string): void {
    void this.inform(a, text).catch((err) =>
      this.d.log.error({ err, approvalId: a.id }, 'could not tell the agent about the approval'),
    );
  }

  /** Keeps this replica's claim on an in-flight approval alive while it works on it. */
  holdLease(id: string): { release(): void } {
    const timer = setInterval(
      () =>
        void this.d.approvals
          .renewLease(id, this.owner, this.now() + this.leaseMs)
          .catch((err) => this.d.log.warn({ err, approvalId: id }, 'could not renew the start claim')),
      Math.max(200, Math.floor(this.leaseMs / 3)),
    );
    timer.unref();
    return { release: () => clearInterval(timer) };
  }

  async updateCard(rec: ApprovalRecord): Promise<void> {
    if (!rec.cardTs) return;
    await this.d.writer
      .update(rec.thread.channel, rec.cardTs, this.d.card(rec))
      .catch((err) => this.d.log.warn({ err, approvalId: rec.id }, 'could not update the approval card'));
  }

  async postNote(
    where: { channel?: string; threadTs?: string; thread?: { channel: string; threadTs: string } },
    text: string,
  ): Promise<void> {
    const channel = where.thread?.channel ?? where.channel!;
    const threadTs = where.thread?.threadTs ?? where.threadTs!;
    await this.d.writer
      .post(channel, this.d.note(text), threadTs)
      .catch((err) => this.d.log.warn({ err }, 'could not post a note'));
  }

  async audit(
    rec: ApprovalRecord,
    action: AuditEntry['action'],
    actor: string,
    outcome: string,
    fp?: string,
    experimentId?: string,
  ): Promise<void> {
    const entry: AuditEntry = {
      at: this.now(),
      action,
      actor,
      outcome,
      fingerprint: fp ?? rec.fingerprint,
      ...(experimentId ? { experimentId } : {}),
    };
    this.d.metrics?.approvalEvent(action);
    this.d.log.info(
      { audit: true, approvalId: rec.id, templateId: rec.templateId, thread: rec.thread, ...entry },
      `approval ${action}`,
    );
    await this.d.approvals
      .audit(rec.id, entry)
      .catch((err) => this.d.log.error({ err }, 'could not store an audit entry'));
  }
}

export function alreadyDecided(a: ApprovalRecord): string {
  if (a.status === 'expired') return 'This approval already expired. Nothing was changed.';
  if (a.status === 'refused') return 'Policy already refused this experiment. Nothing was changed.';
  if (a.status === 'starting') return 'This experiment is already being started. Nothing was changed.';
  const by = a.decidedBy && a.decidedBy !== 'bot' ? ` by ${mention(a.decidedBy)}` : '';
  return `This request was already ${a.status.replace('_', ' ')}${by}. Nothing was changed.`;
}

/** The bot's own mentions are sealed so the Slack writer lets them through (slack-escape.ts). */
export { mention };

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
