/**
 * The human-in-the-loop gate before any FIS experiment. The agent can only *ask* (an inline tool
 * call); the bot reads the template from FIS itself, fingerprints it, posts a card, and starts the
 * experiment with its own credentials only after an authorized human clicks Approve, and only if the
 * template is still exactly what was shown. Every request, decision, start and stop is audited.
 *
 * One file per phase: request (approval-gate-request), decision (-decision), start and reconciliation
 * (-start), the running experiment (-watch). This class wires them, runs the sweep, and tracks every
 * approval action in flight so a shutdown can wait for them.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { expire, handleClick } from './approval-gate-decision.ts';
import { sweepLateStarts } from './approval-gate-late.ts';
import { resumeRecoveries } from './approval-gate-recovery.ts';
import { type RequestOutcome, requestApproval } from './approval-gate-request.ts';
import {
  type ClickInput,
  type GateDeps,
  GateKit,
  type Tell,
  type ToolResult,
} from './approval-gate-shared.ts';
import { reconcile } from './approval-gate-start.ts';
import { follow, watchClosely } from './approval-gate-watch.ts';
import { APPROVAL_TOOL, type ApprovalRecord, type ApprovalStore } from './approval-types.ts';
import type { PendingToolCall } from './events.ts';
import type { SessionRecord } from './ports.ts';

export type { RequestOutcome } from './approval-gate-request.ts';
export type {
  ApprovalPolicy,
  ApproverDirectory,
  ClickInput,
  GateDeps,
  ToolResult,
} from './approval-gate-shared.ts';

export class ApprovalGate {
  private readonly kit: GateKit;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Approvals whose just-started experiment is being watched closely (at most one watch each). */
  private readonly closeWatches = new Set<string>();
  /** Approvals whose recovery this replica watches (taken over from another replica or begun here). */
  private readonly recoveryWatches = new Set<string>();
  private closing = false;

  constructor(d: GateDeps, owner = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`) {
    this.kit = new GateKit(d, owner);
  }

  /** Resumes the paused agent turn with a tool result; set by the runner. */
  set resume(fn: (a: ApprovalRecord, result: ToolResult) => Promise<void>) {
    this.kit.resume = fn;
  }

  /** Tells a thread's agent something after its approval was answered (a new turn); set by the runner. */
  set inform(fn: (a: ApprovalRecord, text: string) => Promise<void>) {
    this.kit.inform = fn;
  }

  /** The approvals store (operations and tests). */
  get approvals(): ApprovalStore {
    return this.kit.d.approvals;
  }

  /** Approval actions (clicks, sweeps) still running in this process. */
  get activeActions(): number {
    return this.inFlight.size;
  }

  /** Handles the agent's approval request at the end of a turn. */
  request(
    session: SessionRecord,
    call: PendingToolCall,
    assistantMessage: unknown,
    requester: string,
    commandTemplateId: string | undefined,
    /** Pauses the session for this approval; called before the card is posted, so no click can come first. */
    pause: (approvalId: string) => Promise<void>,
  ): Promise<RequestOutcome> {
    return requestApproval(this.kit, session, call, assistantMessage, requester, commandTemplateId, pause);
  }

  /** Keeps results for the paused message's other inline calls, to send along on resume. */
  async attachSiblingResults(
    approvalId: string,
    results: Array<{ toolUseId: string; result: ToolResult }>,
  ): Promise<void> {
    await this.kit.d.approvals.patchApproval(approvalId, { siblingResults: results });
  }

  /** A button click on a card. `tell` answers the clicker privately. */
  click(c: ClickInput, tell: Tell): Promise<void> {
    return this.track(
      handleClick(this.kit, c, tell).then(() => {
        if (c.action === 'approve') this.watchIfEarly(c.approvalId);
      }),
    );
  }

  /**
   * Expires overdue approvals, asks FIS about approvals whose starting replica went away, follows
   * running experiments, and stops experiments FIS created after the bot said "not started". Safe to
   * run on every replica (conditional writes and claims).
   */
  sweep(): Promise<void> {
    return this.track(this.runSweep());
  }

  /** Waits (up to `graceMs`) for approval actions in flight, as a shutdown waits for runs. */
  async drain(graceMs: number): Promise<void> {
    this.closing = true;
    this.kit.stopping = true;
    const deadline = Date.now() + graceMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((r) => setTimeout(r, Math.max(10, deadline - Date.now()))),
      ]);
    }
    if (this.inFlight.size > 0)
      this.kit.d.log.warn(
        { actions: this.inFlight.size },
        'approval actions still running at shutdown; another replica reconciles them with FIS',
      );
  }

  private async runSweep(): Promise<void> {
    const { d, owner } = this.kit;
    const now = this.kit.now();
    for (const rec of await d.approvals.listExpired(now)) await expire(this.kit, rec);
    for (const lapsed of await d.approvals.listLapsed(now)) {
      const claimed = await d.approvals.claimLapsed(lapsed.id, owner, now, now + this.kit.leaseMs);
      if (!claimed) continue;
      const lease = this.kit.holdLease(claimed.id);
      try {
        await reconcile(this.kit, claimed);
      } finally {
        lease.release();
      }
    }
    for (const rec of await d.approvals.listRunning()) {
      await follow(this.kit, rec);
      // One reconciled by this sweep, or started elsewhere, still initiating: watch it closely too.
      if (!rec.experimentStatus || ['pending', 'initiating'].includes(rec.experimentStatus))
        this.watchIfEarly(rec.id);
    }
    await sweepLateStarts(this.kit);
    if (!this.closing) await resumeRecoveries(this.kit, this.recoveryWatches);
  }

  /** Starts the close watch of an approval's just-started experiment, unless one runs already. */
  private watchIfEarly(id: string): void {
    if (this.closing || this.closeWatches.has(id)) return;
    this.closeWatches.add(id);
    void watchClosely(this.kit, id, () => this.closing)
      .catch((err) => this.kit.d.log.warn({ err, approvalId: id }, 'close watch of the experiment failed'))
      .finally(() => this.closeWatches.delete(id));
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }
}

export function isApprovalCall(call: PendingToolCall): boolean {
  return call.name === APPROVAL_TOOL;
}
