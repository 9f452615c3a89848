/**
 * The turn engine: while a replica holds a thread's claim, it streams turns into the thread one
 * at a time, answers the agent's inline calls (pausing for an approval when asked), works through
 * follow-ups queued meanwhile, and keeps the lease alive. A run can be aborted by Stop, by shutdown
 * or by losing its claim; each ends with a clear note in the thread.
 */
import type { AccessPolicy } from './access.ts';
import type { ApprovalGate } from './approval-gate.ts';
import { APPROVAL_INLINE_TOOL } from './approval-tool.ts';
import { ROUTES } from './commands.ts';
import { estimateCost, type PriceTable } from './cost.ts';
import type { PendingToolCall } from './events.ts';
import { grantTurn, resumeGrant, type TurnGrant } from './grants.ts';
import { answerInlineCalls } from './inline-calls.ts';
import { type AbortReason, LeaseKeeper } from './lease.ts';
import type { Logger } from './logger.ts';
import type {
  HarnessInvocation,
  HarnessPort,
  QueuedTurn,
  SessionRecord,
  SessionShell,
  SessionStore,
  SlackWriter,
  ThreadKey,
  ToolResultInput,
} from './ports.ts';
import { excerpt } from './rehydrate.ts';
import { type FinalState, ReplyStream } from './reply-stream.ts';
import type { Presenter } from './reply-view.ts';
import { newRuntimeSessionId } from './session-id.ts';
import { TurnFiles } from './turn-files.ts';
import { HarnessSessions } from './turn-sessions.ts';
import { abortedState, abortRun, consumeTurn, type LocalRun, resetLocal } from './turn-stream.ts';

export { abortRun, type LocalRun } from './turn-stream.ts';

export interface TurnSettings {
  skillsBasePath: string;
  editIntervalMs: number;
  bodyBudget: number;
  leaseMs: number;
  /** A harness session idle longer than this is assumed recycled (0: never assume). */
  sessionIdleMs: number;
  /** Turns kept for rebuilding context. */
  turnLogSize: number;
  /** `native`: chat.*Stream (falls back to edits on any streaming error). Default `edit`. */
  streamMode?: 'edit' | 'native';
  streamRolloverMs?: number;
  /** Native mode: UTF-8 bytes of Markdown one streamed message may hold. */
  streamMaxBytes?: number;
  /** Answers at least this long are also uploaded as a Markdown file (0 or unset: never). */
  longAnswerFileChars?: number;
  /** At most this many replies of answer text are posted; a longer answer is attached as a file. */
  maxAnswerReplies?: number;
  /** Shell glob of report files the agent writes in its session, attached after each turn. */
  reportFiles?: string;
  /** Price table for the cost estimate in the footer. */
  prices?: PriceTable;
}

export interface TurnDeps {
  gate?: ApprovalGate;
  harness: HarnessPort;
  writer: SlackWriter;
  presenter: Presenter;
  store: SessionStore;
  log: Logger;
  settings: TurnSettings;
  /** Reads files the agent wrote in its session (report attachments); optional. */
  shell?: SessionShell;
  /** Who may use which skills and the approval tool, decided per turn for its asker. */
  access: AccessPolicy;
  owner: string;
  now: () => number;
}

export interface TurnInput {
  prompt?: string;
  resume?: { assistantMessage: unknown; toolResults: ToolResultInput[] };
  /** True for every turn after the one the command started. */
  followUp?: boolean;
  /** The Slack message that asked (a queued follow-up), to clear its "queued" reaction. */
  messageTs?: string;
}

/** Inline calls answered without a human (errors, refusals) resume at once; bound the loop. */
const MAX_IMMEDIATE_RESUMES = 4;
export const QUEUED_REACTION = 'hourglass_flowing_sand';

export class TurnEngine {
  private readonly files: TurnFiles;
  private readonly sessions: HarnessSessions;

  constructor(private readonly d: TurnDeps) {
    this.sessions = new HarnessSessions(d);
    this.files = new TurnFiles({
      writer: d.writer,
      presenter: d.presenter,
      shell: d.shell,
      longAnswerFileChars: d.settings.longAnswerFileChars,
      reportFiles: d.settings.reportFiles,
    });
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
    const lease = new LeaseKeeper(
      this.d.store,
      key,
      this.d.owner,
      this.d.settings.leaseMs,
      (r) => abortRun(local, r),
      log,
    );
    lease.start();
    local.lease = lease;
    try {
      let input: TurnInput | undefined = first;
      let asker = user;
      let current = session;
      let lastSeen = before ?? session;
      while (input) {
        current = await this.sessions.maybeRotate(current, lastSeen, input.resume !== undefined, log);
        const outcome = await this.turnWithInlineCalls(current, input, asker, local, log);
        if (outcome === 'paused') return;
        if (outcome === 'aborted') {
          const reason = local.reason!;
          await this.afterAbort(current, reason, log);
          // After a Stop, queued follow-ups still run: they are separate requests, maybe from other people.
          if (reason.kind !== 'stop') return;
          resetLocal(local);
        }
        const next: QueuedTurn | undefined = await this.d.store.finish(
          key,
          this.d.owner,
          this.d.settings.leaseMs,
        );
        if (!next) return;
        input = { prompt: next.text, followUp: true, messageTs: next.ts };
        asker = next.user;
        lastSeen = current = (await this.d.store.get(key)) ?? current;
      }
    } catch (err) {
      log.error({ err }, 'run failed unexpectedly');
      await this.d.store.finish(key, this.d.owner, this.d.settings.leaseMs).catch(() => undefined);
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
      const outcome = await this.streamTurn(session, currentInput, user, grant, local, log);
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

  private async postNote(session: SessionRecord, text: string): Promise<void> {
    await this.d.writer
      .post(session.channel, this.d.presenter.note(text), session.threadTs)
      .catch((err) => this.d.log.warn({ err, ...keyOf(session) }, 'could not post a note in the thread'));
  }

  /** Streams one invocation into a new reply. */
  private async streamTurn(
    session: SessionRecord,
    input: TurnInput,
    user: string,
    grant: TurnGrant & { allowed: true },
    local: LocalRun,
    log: Logger,
  ): Promise<{ pending: PendingToolCall[]; assistantMessage: unknown; aborted: boolean } | undefined> {
    const key = keyOf(session);
    const reply = new ReplyStream({
      writer: this.d.writer,
      presenter: this.d.presenter,
      channel: session.channel,
      threadTs: session.threadTs,
      editIntervalMs: this.d.settings.editIntervalMs,
      bodyBudget: this.d.settings.bodyBudget,
      log,
      now: this.d.now,
      stopValue: `${session.channel}|${session.threadTs}`,
      team: session.teamId,
      mode: this.d.settings.streamMode ?? 'edit',
      recipientUserId: user,
      ...(this.d.settings.streamRolloverMs ? { streamRolloverMs: this.d.settings.streamRolloverMs } : {}),
      ...(this.d.settings.maxAnswerReplies
        ? { maxShownChars: this.d.settings.maxAnswerReplies * this.d.settings.bodyBudget }
        : {}),
      ...(this.d.settings.streamMaxBytes ? { streamMaxBytes: this.d.settings.streamMaxBytes } : {}),
      // Slack's own stop on the stream is the requester's Stop: the same path as the Stop button.
      onStoppedInSlack: () => {
        void this.d.store.requestStop(key, user).catch(() => undefined);
        abortRun(local, { kind: 'stop', by: user });
      },
    });
    let current = session;
    // The "context restored" notice goes out once, before the reply that answers with it.
    let prompt =
      current.rehydrate && input.prompt !== undefined && !input.resume
        ? await this.sessions.restoreContext(session, input.prompt)
        : input.prompt;
    try {
      await reply.open();
    } catch (err) {
      log.error({ err }, 'could not post the reply; the turn was not started');
      return undefined;
    }
    await this.d.store
      .noteTurn(key, this.d.owner, {
        replyTs: reply.messageTs[0],
        ...(input.resume ? {} : { lastPrompt: input.prompt, lastUser: user }),
        rehydrate: false,
      })
      .catch((err) => log.warn({ err }, 'could not note the turn'));
    const { approvals, skillPaths } = grant;
    const allowedTools = ROUTES.find((r) => r.id === session.routeId)?.allowedTools;
    const invocation = (): HarnessInvocation => ({
      runtimeSessionId: current.runtimeSessionId,
      userId: user,
      ...(input.resume ? { resume: input.resume } : { prompt }),
      skillPaths,
      ...(approvals ? { inlineTools: [APPROVAL_INLINE_TOOL] } : {}),
      ...(current.harness ? { harness: current.harness } : {}),
      ...(allowedTools ? { allowedTools } : {}),
    });
    let result = await consumeTurn(this.d.harness, invocation(), reply, local, log);
    // The harness no longer knows this session: move to a new one with the context restored, once.
    if (result.sessionGone && !input.resume && input.prompt !== undefined) {
      ({ session: current, prompt } = await this.sessions.afterSessionGone(
        current,
        input.prompt,
        reply,
        log,
      ));
      result = await consumeTurn(this.d.harness, invocation(), reply, local, log);
    }
    const { final, completed } = result;
    // A stream that failed may have been ended by a Stop clicked on another replica.
    if (final.outcome === 'failed' && !local.reason) {
      const by = (await this.d.store.get(key).catch(() => undefined))?.stopRequestedBy;
      if (by) abortRun(local, { kind: 'stop', by });
    }
    const pending = completed?.stopReason === 'tool_use' ? completed.pending : [];
    const aborted = local.reason !== undefined;
    const cost = estimateCost(final.usage, this.d.settings.prices);
    // The agent's answer to an approval that was not given ends without a "Done": nothing was done.
    const declined = input.resume?.toolResults
      .map((r) => r.result.decision)
      .find((d) => typeof d === 'string' && d !== 'approved') as string | undefined;
    const state: FinalState = {
      ...(aborted
        ? abortedState(local.reason!, final.usage)
        : pending.length > 0
          ? { outcome: 'paused' as const, usage: final.usage }
          : declined && final.outcome === 'done'
            ? { ...final, outcome: 'not_started' as const, decision: declined }
            : final),
      ...(cost ? { cost } : {}),
    };
    await reply.finish(state);
    // The agent may still be working where nobody listens, and a follow-up would run beside it:
    // end its session; the next turn starts a new one with this thread's context.
    if (result.agentMayStillRun && !aborted) await this.endAgentSession(current, log);
    log.info(
      {
        outcome: state.outcome,
        chars: reply.fullText.length,
        messages: reply.messageTs.length,
        mode: reply.currentMode,
      },
      'turn finished',
    );
    // A refusal before the stream started no session: reading its files would start a microVM for nothing.
    if (pending.length === 0 && !aborted && result.streamed)
      await this.files.attach(current, reply.fullText, log, reply.truncated);
    await this.d.store
      .appendTurn(key, {
        at: this.d.now(),
        user,
        prompt: input.resume ? '(continued after an inline tool result)' : (input.prompt ?? ''),
        answer: excerpt(reply.fullText),
      })
      .catch((err) => log.warn({ err }, 'could not append to the turn log'));
    return { pending, assistantMessage: completed?.assistantMessage, aborted };
  }

  /** What happens to the thread after Stop, shutdown or a lost claim. */
  private async afterAbort(session: SessionRecord, reason: AbortReason, log: Logger): Promise<void> {
    const key = keyOf(session);
    if (reason.kind === 'stop') {
      await this.endAgentSession(session, log);
      return;
    }
    if (reason.kind === 'shutdown') {
      // Nobody will read what the agent does next; Retry runs in a new session with the context.
      await this.endAgentSession(session, log);
      if (await this.d.store.interrupt(key, this.d.owner)) {
        const at = (await this.d.store.get(key).catch(() => undefined))?.interruptedAt;
        if (at !== undefined) await this.postInterrupted(key, 'the bot was restarting', at);
      }
      return;
    }
    log.warn({ ...key }, 'run ended after losing its claim');
  }

  /**
   * Aborting a stream does not stop the agent's loop; ending the runtime session does
   * (StopRuntimeSession ends the agent and its streams). The thread moves to a new session whose
   * first turn carries the thread's context.
   */
  private async endAgentSession(session: SessionRecord, log: Logger): Promise<void> {
    await this.d.harness.stopSession(session.runtimeSessionId, session.harness);
    const key = keyOf(session);
    await this.d.store
      .rotate(key, this.d.owner, newRuntimeSessionId(key))
      .catch((err) => log.warn({ err }, 'could not move the thread to a new harness session'));
  }

  /**
   * Says the run was interrupted, with a Retry button for exactly this interruption: its value names
   * the thread and the interruption's time, which the store consumes on the one retry it allows.
   */
  async postInterrupted(key: ThreadKey, why: string, interruptedAt: number): Promise<void> {
    await this.d.writer
      .post(key.channel, this.d.presenter.interrupted(why, retryValue(key, interruptedAt)), key.threadTs)
      .catch((err) => this.d.log.warn({ err, ...key }, 'could not post the interruption notice'));
  }
}

export function keyOf(s: ThreadKey): ThreadKey {
  return { teamId: s.teamId, channel: s.channel, threadTs: s.threadTs };
}

/** A Retry button's value: `<channel>|<thread_ts>|<interruptedAt>`. */
export function retryValue(key: ThreadKey, interruptedAt: number): string {
  return `${key.channel}|${key.threadTs}|${interruptedAt}`;
}
