/**
 * The turn engine: while a replica holds a thread's claim, it streams turns into the thread one
 * at a time, answers the agent's inline calls (pausing for an approval when asked), works through
 * follow-ups queued meanwhile, and keeps the lease alive. A run can be aborted by Stop, by shutdown
 * or by losing its claim; each ends with a clear note in the thread.
 */
import { grantTurn, resumeGrant, type TurnGrant } from './grants.ts';
import { answerInlineCalls } from './inline-calls.ts';
import { ReplicaHeartbeat } from './lease.ts';
import type { Logger } from './logger.ts';
import type { QueuedTurn, SessionRecord, ThreadKey } from './ports.ts';
import { setAgentStatus } from './turn-agent-session.ts';
import { TurnEndings } from './turn-endings.ts';
import { TurnFiles } from './turn-files.ts';
import { TurnReplies } from './turn-reply.ts';
import { HarnessSessions } from './turn-sessions.ts';
import { abortRun, type LocalRun, resetLocal } from './turn-stream.ts';
import { keyOf, type TurnDeps, type TurnInput } from './turn-types.ts';

export { abortRun, type LocalRun } from './turn-stream.ts';

export type { TurnDeps, TurnInput, TurnSettings } from './turn-types.ts';

/** Inline calls answered without a human (errors, refusals) resume at once; bound the loop. */
const MAX_IMMEDIATE_RESUMES = 4;
export const QUEUED_REACTION = 'hourglass_flowing_sand';

export class TurnEngine {
  private readonly sessions: HarnessSessions;
  private readonly endings: TurnEndings;
  private readonly replies: TurnReplies;
  /** One heartbeat for every run of this replica (not one per run: issue 21's cost item). */
  private readonly heartbeat: ReplicaHeartbeat;

  constructor(private readonly d: TurnDeps) {
    this.heartbeat = new ReplicaHeartbeat(d.store, d.owner, d.settings.leaseMs, d.log);
    this.sessions = new HarnessSessions(d);
    this.endings = new TurnEndings(d);
    const files = new TurnFiles({
      writer: d.writer,
      presenter: d.presenter,
      shell: d.shell,
      longAnswerFileChars: d.settings.longAnswerFileChars,
      reportFiles: d.settings.reportFiles,
    });
    this.replies = new TurnReplies(d, this.sessions, files, this.endings);
  }

  /** Shutdown: stops the replica's heartbeat, and resolves once none is in flight. */
  stopHeartbeat(): Promise<void> {
    this.heartbeat.close();
    return this.heartbeat.idle();
  }

  /**
   * Runs turns while holding the thread's claim (already taken by the caller): this one, then any
   * queued follow-ups. Releases the claim, or leaves the session paused for an approval.
   */
  async run(
    session: SessionRecord,
    first: TurnInput,
    user: string,
    local: LocalRun,
    before?: SessionRecord,
  ): Promise<void> {
    const key = keyOf(session);
    const log = this.d.log.child({ ...key });
    const lease = this.heartbeat.register(key, (r) => abortRun(local, r));
    local.lease = lease;
    try {
      let input: TurnInput | undefined = first;
      let asker = user;
      let current = session;
      let lastSeen = before ?? session;
      while (input) {
        current = await this.sessions.maybeRotate(current, lastSeen, input.resume !== undefined, log);
        const outcome = await this.turnWithInlineCalls(current, input, asker, local, log);
        if (outcome === 'paused') {
          await setAgentStatus(this.d, current, 'suspended');
          return;
        }
        if (outcome === 'aborted') {
          const reason = local.reason!;
          await this.endings.afterAbort(current, reason, log);
          // After a Stop, queued follow-ups still run: they are separate requests, maybe from other people.
          if (reason.kind !== 'stop') {
            await setAgentStatus(this.d, current, 'active');
            return;
          }
          resetLocal(local);
        }
        const next: QueuedTurn | undefined = await this.d.store.finish(
          key,
          this.d.owner,
          this.d.settings.leaseMs,
        );
        if (!next) {
          await setAgentStatus(this.d, current, 'active');
          return;
        }
        input = { prompt: next.text, followUp: true, messageTs: next.ts };
        asker = next.user;
        lastSeen = current = (await this.d.store.get(key)) ?? current;
      }
    } catch (err) {
      log.error({ err }, 'run failed unexpectedly');
      this.d.metrics?.turn('failed', 'unexpected');
      await this.d.store.finish(key, this.d.owner, this.d.settings.leaseMs).catch(() => undefined);
      await setAgentStatus(this.d, session, 'active').catch(() => false);
    } finally {
      lease.stop();
    }
  }

  /** One user turn plus the immediate resumes its inline calls need. */
  private async turnWithInlineCalls(
    session: SessionRecord,
    input: TurnInput,
    user: string,
    local: LocalRun,
    log: Logger,
  ): Promise<'done' | 'paused' | 'aborted'> {
    const key = keyOf(session);
    if (input.messageTs) {
      await this.d.writer.unreact(session.channel, input.messageTs, QUEUED_REACTION).catch(() => undefined);
    }
    // Decided now, for the person this turn answers: access may have changed while it was queued.
    const grant = input.resume
      ? resumeGrant(this.grantContext, session)
      : await this.grant(session, input, user);
    if (!grant.allowed) {
      log.info({ user, route: session.routeId }, 'turn refused: the asker may not use this thread’s skills');
      await this.postNote(session, grant.reason);
      return 'done';
    }
    if (grant.note) await this.postNote(session, grant.note);
    let paused = false;
    const pause = async (approvalId: string) => {
      // Released into awaiting_approval before the card is posted, so no click can come first.
      local.lease?.pause();
      await this.d.store.finish(key, this.d.owner, this.d.settings.leaseMs, approvalId);
      paused = true;
    };
    let next: TurnInput | undefined = input;
    for (let round = 0; next && round < MAX_IMMEDIATE_RESUMES; round++) {
      const currentInput: TurnInput = next;
      next = undefined;
      const outcome = await this.replies.stream(session, currentInput, user, grant, local, log);
      if (!outcome) return 'done';
      if (outcome.aborted) return 'aborted';
      if (outcome.pending.length === 0) return 'done';
      const handled = await answerInlineCalls(this.d.gate, session, outcome, grant, user, pause);
      if (handled.kind === 'await') return 'paused';
      if (paused) {
        // Paused for an approval that failed before anyone could decide: take the session back.
        if (
          !(await this.d.store.claimAwaiting(key, handled.pausedFor!, this.d.owner, this.d.settings.leaseMs))
        ) {
          return 'paused';
        }
        paused = false;
        local.lease?.resume();
      }
      next = {
        resume: { assistantMessage: outcome.assistantMessage, toolResults: handled.results },
        ...(handled.approvalDecision ? { approvalDecision: handled.approvalDecision } : {}),
        followUp: true,
      };
    }
    return 'done';
  }

  private get grantContext() {
    return {
      access: this.d.access,
      gate: this.d.gate !== undefined,
      skillsBasePath: this.d.settings.skillsBasePath,
    };
  }

  private async grant(session: SessionRecord, input: TurnInput, user: string): Promise<TurnGrant> {
    return grantTurn(this.grantContext, session, user, input.followUp === true);
  }

  /** Says a run was interrupted, with a Retry button for exactly this interruption (see turn-endings.ts). */
  postInterrupted(key: ThreadKey, why: string, interruptedAt: number): Promise<void> {
    return this.endings.postInterrupted(key, why, interruptedAt);
  }

  /** Removes a reaped run's Stop button (see turn-endings.ts). */
  retireControls(session: SessionRecord, why: string): Promise<void> {
    return this.endings.retireControls(session, why);
  }

  private async postNote(session: SessionRecord, text: string): Promise<void> {
    await this.d.writer
      .post(session.channel, this.d.presenter.note(text), session.threadTs)
      .catch((err) => this.d.log.warn({ err, ...keyOf(session) }, 'could not post a note in the thread'));
  }
}

export { retryValue } from './turn-endings.ts';
export { keyOf } from './turn-types.ts';
