/**
 * One invocation of the agent streamed into a new reply in the thread: the reply is opened, the
 * turn noted in the session (for Retry), the harness stream consumed (moving to a new harness
 * session once if the old one is gone), the footer written, files attached and the turn logged.
 * (Split out of turns.ts: the engine decides which turns run; this runs one.)
 */
import { APPROVAL_INLINE_TOOL } from './approval-tool.ts';
import { ROUTES } from './commands.ts';
import { estimateCost } from './cost.ts';
import type { PendingToolCall } from './events.ts';
import type { TurnGrant } from './grants.ts';
import type { Logger } from './logger.ts';
import type { HarnessInvocation, SessionRecord } from './ports.ts';
import { excerpt } from './rehydrate.ts';
import { ReplyStream } from './reply-stream.ts';
import { balanceOf } from './reply-stream-native-balance.ts';
import { setAgentStatus } from './turn-agent-session.ts';
import { stopValue, type TurnEndings } from './turn-endings.ts';
import type { TurnFiles } from './turn-files.ts';
import { turnFinalState } from './turn-outcome.ts';
import type { HarnessSessions } from './turn-sessions.ts';
import { abortRun, consumeTurn, type LocalRun } from './turn-stream.ts';
import { keyOf, type TurnDeps, type TurnInput } from './turn-types.ts';

export interface StreamedTurn {
  pending: PendingToolCall[];
  assistantMessage: unknown;
  aborted: boolean;
}

export class TurnReplies {
  constructor(
    private readonly d: TurnDeps,
    private readonly sessions: HarnessSessions,
    private readonly files: TurnFiles,
    private readonly endings: TurnEndings,
  ) {}

  /** Streams one invocation into a new reply; undefined when the reply could not even be posted. */
  async stream(
    session: SessionRecord,
    input: TurnInput,
    user: string,
    grant: TurnGrant & { allowed: true },
    local: LocalRun,
    log: Logger,
  ): Promise<StreamedTurn | undefined> {
    const key = keyOf(session);
    // Slack's own stop button replaces the bot's where the thread is an agent session with one.
    const nativeStop = await setAgentStatus(this.d, session, 'processing');
    const reply = this.newReply(session, user, local, log, nativeStop);
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
    // The command's tool allow-list applies to every turn of its thread (registry, src/core/commands.ts).
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
    const state = turnFinalState({
      final,
      pending,
      ...(local.reason ? { aborted: local.reason } : {}),
      ...(input.resume && input.approvalDecision ? { approvalDecision: input.approvalDecision } : {}),
      ...(cost ? { cost } : {}),
    });
    await reply.finish(state);
    this.d.metrics?.turn(state.outcome, state.outcome === 'failed' ? result.failure : undefined);
    if (reply.controlsLeftBehind && reply.messageTs[0])
      this.endings.retireControlsLater(current, reply.messageTs[0]);
    // The agent may still be working where nobody listens, and a follow-up would run beside it:
    // end its session; the next turn starts a new one with this thread's context.
    if (result.agentMayStillRun && !aborted) await this.endings.endAgentSession(current, log);
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

  private newReply(
    session: SessionRecord,
    user: string,
    local: LocalRun,
    log: Logger,
    nativeStop: boolean,
  ): ReplyStream {
    const key = keyOf(session);
    const s = this.d.settings;
    return new ReplyStream({
      writer: this.d.writer,
      presenter: this.d.presenter,
      channel: session.channel,
      threadTs: session.threadTs,
      editIntervalMs: s.editIntervalMs,
      bodyBudget: s.bodyBudget,
      log,
      now: this.d.now,
      ...(nativeStop ? {} : { stopValue: stopValue(session) }),
      feedbackValue: stopValue(session),
      team: session.teamId,
      mode: s.streamMode ?? 'edit',
      ...(s.streamMode === 'native' ? { balance: balanceOf(this.d.writer) } : {}),
      recipientUserId: user,
      ...(s.streamRolloverMs ? { streamRolloverMs: s.streamRolloverMs } : {}),
      ...(s.spillReplies === false ? { spill: false as const } : {}),
      ...(s.maxAnswerReplies ? { maxShownChars: s.maxAnswerReplies * s.bodyBudget } : {}),
      ...(s.streamMaxBytes ? { streamMaxBytes: s.streamMaxBytes } : {}),
      onStoppedInSlack: () => {
        // In an agent session Slack ends the streams when anyone presses its stop, and says who in
        // agent_session_stopped: that event decides, under the Stop policy (agent-events.ts). The
        // reply just continues in a new message; the event stops the run if the person may.
        if (nativeStop) {
          log.info({ user }, 'Slack ended the stream; its agent_session_stopped event decides about the run');
          return;
        }
        // A bare stream's stop carries no user: it is the stream's recipient's, the person this turn answers.
        void this.d.store.requestStop(key, user).catch(() => undefined);
        abortRun(local, { kind: 'stop', by: user });
      },
    });
  }
}
