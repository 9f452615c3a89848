/**
 * What happens in a thread once the approval gate has answered a paused tool call: the paused turn
 * resumes with the tool's result, or (after the card's decision was already told) the agent is told
 * what happened next in a turn of its own, queued behind a running one.
 * (Split out of runner.ts: these start from the gate, not from Slack, and have their own rules for
 * whether the thread's harness session can still take them.)
 */
import type { ToolResult } from './approval-gate.ts';
import type { ApprovalRecord } from './approval-types.ts';
import type { SessionRecord } from './ports.ts';
import type { RunnerDeps } from './run-requests.ts';
import { sessionMayBeRecycled } from './session-expiry.ts';
import type { TurnInput } from './turns.ts';

export interface AfterApprovalDeps {
  store: RunnerDeps['store'];
  log: RunnerDeps['log'];
  settings: Pick<RunnerDeps['settings'], 'leaseMs' | 'maxQueue' | 'sessionIdleMs'>;
  owner: string;
  now: () => number;
  isAccepting: () => boolean;
  execute: (session: SessionRecord, input: TurnInput, user: string, before?: SessionRecord) => Promise<void>;
}

export class AfterApproval {
  constructor(private readonly d: AfterApprovalDeps) {}

  /** Continues the turn that paused for `a`, if its thread is still waiting for that approval. */
  async resume(a: ApprovalRecord, result: ToolResult): Promise<void> {
    if (!(await this.d.store.claimAwaiting(a.thread, a.id, this.d.owner, this.d.settings.leaseMs))) {
      this.d.log.warn(
        { approvalId: a.id, ...a.thread },
        'session was not waiting for this approval; not resuming',
      );
      return;
    }
    const session = await this.d.store.get(a.thread);
    if (!session) return;
    const toolResults = [{ toolUseId: a.toolUseId, result }, ...(a.siblingResults ?? [])];
    await this.d.execute(
      session,
      {
        resume: { assistantMessage: a.assistantMessage, toolResults },
        ...(typeof result.decision === 'string' ? { approvalDecision: result.decision } : {}),
        followUp: true,
      },
      a.requester,
    );
  }

  /**
   * Tells the agent what happened after its tool call was answered: only while the thread's harness
   * session is the approval's and still alive (a recycled one has no agent that remembers it).
   */
  async inform(a: ApprovalRecord, text: string): Promise<void> {
    const before = await this.d.store.get(a.thread);
    const alive =
      before !== undefined &&
      before.runtimeSessionId === a.runtimeSessionId &&
      !sessionMayBeRecycled(before.updatedAt, this.d.now(), this.d.settings.sessionIdleMs);
    if (!alive || !this.d.isAccepting()) {
      this.d.log.info(
        { approvalId: a.id, ...a.thread },
        'agent session gone; the thread note is all that is told',
      );
      return;
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.d.store.claim(a.thread, this.d.owner, this.d.settings.leaseMs)) {
        const session: SessionRecord = { ...before, status: 'running', owner: this.d.owner };
        await this.d.execute(session, { prompt: text, followUp: true }, a.requester, before);
        return;
      }
      const queued = await this.d.store.enqueue(
        a.thread,
        { user: a.requester, text, ts: a.cardTs ?? a.thread.threadTs },
        this.d.settings.maxQueue,
      );
      if (queued === 'queued') return;
      if (queued !== 'idle') break;
    }
    this.d.log.warn({ approvalId: a.id, ...a.thread }, 'could not tell the agent about the approval');
  }
}
