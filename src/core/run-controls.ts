/**
 * Acting on a run that exists: Retry after an interruption and Stop of a running turn. Both are
 * clicks that anyone in the channel can make, so who may make them is decided here, on the server,
 * for the person clicking:
 * - Retry: only the person whose turn was interrupted, or an admin (`BOT_ADMINS`); each interruption
 *   is retried at most once (the store consumes it) and its button is disabled after use. The turn
 *   re-runs that person's own message as them, so every card it leads to names them.
 * - Stop: the thread's requester, the person whose message the running turn answers, or an admin.
 * (Split out of runner.ts: controls on existing runs, with their own access rules.)
 */
import type { AccessPolicy } from './access.ts';
import type { Logger } from './logger.ts';
import type { SessionRecord, SessionStore, SlackWriter, ThreadKey } from './ports.ts';
import type { Presenter } from './reply-view.ts';
import { mention } from './slack-escape.ts';
import type { TurnInput } from './turns.ts';

export interface RunControlDeps {
  store: SessionStore;
  access: AccessPolicy;
  writer: SlackWriter;
  presenter: Presenter;
  log: Logger;
  owner: string;
  leaseMs: number;
  /** Runs the engine while holding the claim (the runner's). */
  execute(session: SessionRecord, input: TurnInput, user: string, before?: SessionRecord): Promise<void>;
  /** Aborts the thread's run in this process; false when it runs elsewhere (or nowhere). */
  abortLocal(key: ThreadKey, by: string): boolean;
  /** Ends an agent's runtime session (StopRuntimeSession). */
  stopAgentSession(runtimeSessionId: string, harness?: string): Promise<void>;
}

/** A click on a Retry button: the thread, the interruption it was offered for, the message it is on. */
export interface RetryClick extends ThreadKey {
  userId: string;
  /** The interruption the button belongs to; undefined for buttons from before Retry was single-use. */
  interruptedAt?: number;
  /** The notice carrying the button (to disable it). */
  messageTs: string;
  /** Answers the clicker privately. */
  tell(text: string): Promise<void>;
}

export type StopResult = 'stopping' | 'not_running' | 'refused';

export class RunControls {
  constructor(private readonly d: RunControlDeps) {}

  async retry(c: RetryClick): Promise<void> {
    const key: ThreadKey = { teamId: c.teamId, channel: c.channel, threadTs: c.threadTs };
    const before = await this.d.store.get(key);
    const asker = before?.lastUser ?? before?.requester;
    if (!before?.lastPrompt || !asker) {
      await c.tell('There is nothing to retry in this thread; ask your question again.');
      return;
    }
    if (c.userId !== asker && !(await this.d.access.isAdmin(c.userId))) {
      this.d.log.warn({ ...key, user: c.userId, asker }, 'retry refused: not the asker or an admin');
      const admins = this.d.access.adminsText();
      await c.tell(
        `Only ${mention(asker)}, whose request was interrupted${admins ? `, or an admin (${admins})` : ''} can retry it. Nothing was changed.`,
      );
      return;
    }
    if (
      c.interruptedAt === undefined ||
      before.interruptedAt !== c.interruptedAt ||
      !(await this.d.store.claimRetry(key, c.interruptedAt, this.d.owner, this.d.leaseMs))
    ) {
      const running = before.status === 'running';
      await c.tell(
        running
          ? 'The agent is already working in this thread; no retry needed.'
          : 'This Retry was already used, or the thread has moved on since the interruption. Nothing was started; ask again in the thread if you still need it.',
      );
      await this.closeButton(
        key,
        c.messageTs,
        ':warning: This run was interrupted. Retry is no longer available for it.',
      );
      return;
    }
    this.d.log.info({ ...key, user: c.userId, asker }, 'retrying the interrupted turn');
    await this.closeButton(
      key,
      c.messageTs,
      `:warning: This run was interrupted. :arrows_counterclockwise: ${mention(c.userId)} retried it${c.userId === asker ? '' : ` for ${mention(asker)}`}.`,
    );
    const session: SessionRecord = { ...before, status: 'running', owner: this.d.owner };
    await this.d.execute(session, { prompt: before.lastPrompt, followUp: before.turns > 0 }, asker, before);
  }

  async stop(key: ThreadKey, userId: string): Promise<{ result: StopResult; reason?: string }> {
    const rec = await this.d.store.get(key);
    if (rec?.status !== 'running') return { result: 'not_running' };
    const allowed =
      userId === rec.requester || userId === rec.lastUser || (await this.d.access.isAdmin(userId));
    if (!allowed) {
      this.d.log.warn({ ...key, user: userId }, 'stop refused: not the requester, the asker or an admin');
      const who = [...new Set([rec.requester, rec.lastUser].filter((u): u is string => !!u))]
        .map(mention)
        .join(' or ');
      const admins = this.d.access.adminsText();
      return {
        result: 'refused',
        reason: `Only ${who}${admins ? `, or an admin (${admins}),` : ''} can stop this run. Nothing was changed.`,
      };
    }
    const recorded = await this.d.store.requestStop(key, userId);
    if (this.d.abortLocal(key, userId)) return { result: 'stopping' };
    // Another replica owns the run. Ending the agent's session stops the agent now and ends the
    // owner's stream (which then finds the recorded stop), instead of at the owner's next renewal.
    if (recorded) await this.d.stopAgentSession(rec.runtimeSessionId, rec.harness);
    return { result: recorded ? 'stopping' : 'not_running' };
  }

  private async closeButton(key: ThreadKey, messageTs: string, text: string): Promise<void> {
    await this.d.writer
      .update(key.channel, messageTs, this.d.presenter.note(text))
      .catch((err) => this.d.log.warn({ err, ...key }, 'could not disable the Retry button'));
  }
}
