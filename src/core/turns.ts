/**
 * The turn engine: while a replica holds a thread's claim, it streams turns into the thread one
 * at a time, answers the agent's inline calls (pausing for an approval when asked), works through
 * follow-ups queued meanwhile, and keeps the lease alive. A run can be aborted by Stop, by shutdown
 * or by losing its claim; each ends with a clear note in the thread.
 */
import type { ApprovalGate } from './approval-gate.ts';
import { APPROVAL_INLINE_TOOL } from './approval-tool.ts';
import { APPROVAL_TOOL } from './approval-types.ts';
import { estimateCost, type PriceTable } from './cost.ts';
import type { PendingToolCall, Usage } from './events.ts';
import { type Explanation, explainFailure, explainStopReason } from './explain.ts';
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
  ThreadFile,
  ThreadKey,
  ToolResultInput,
} from './ports.ts';
import { SlackWriteError } from './ports.ts';
import { excerpt, rehydrationPrompt } from './rehydrate.ts';
import { type FinalState, ReplyStream } from './reply-stream.ts';
import type { Presenter } from './reply-view.ts';
import { newRuntimeSessionId } from './session-id.ts';
import { SKILLS, skillPath } from './skills.ts';
import { describeTool } from './tool-label.ts';

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
  /** Shell glob of report files the agent writes in its session, attached after each turn. */
  reportFiles?: string;
  /** Price table for the cost estimate in the footer. */
  prices?: PriceTable;
}

/** Report files attached per turn, and the largest one read. */
const MAX_REPORT_FILES = 10;
const MAX_REPORT_BYTES = 1_000_000;

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

/** A run in flight in this process, so Stop and shutdown can reach it. */
export interface LocalRun {
  abort: AbortController;
  reason?: AbortReason;
}

/** Inline calls answered without a human (errors, refusals) resume at once; bound the loop. */
const MAX_IMMEDIATE_RESUMES = 4;
export const QUEUED_REACTION = 'hourglass_flowing_sand';

export class TurnEngine {
  /** Report files already attached, per session (path and content), so follow-ups attach only new ones. */
  private readonly attached = new Map<string, Set<string>>();

  constructor(private readonly d: TurnDeps) {}

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
    try {
      let input: TurnInput | undefined = first;
      let asker = user;
      let current = session;
      let lastSeen = before ?? session;
      while (input) {
        current = await this.maybeRotate(current, lastSeen, input, log);
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
    let paused = false;
    const pause = async (approvalId: string) => {
      // Released into awaiting_approval before the card is posted, so no click can come first.
      await this.d.store.finish(key, this.d.owner, this.d.settings.leaseMs, approvalId);
      paused = true;
    };
    let next: TurnInput | undefined = input;
    for (let round = 0; next && round < MAX_IMMEDIATE_RESUMES; round++) {
      const currentInput: TurnInput = next;
      next = undefined;
      const outcome = await this.streamTurn(session, currentInput, user, local, log);
      if (!outcome) return 'done';
      if (outcome.aborted) return 'aborted';
      if (outcome.pending.length === 0) return 'done';
      const handled = await this.answerInlineCalls(session, outcome, currentInput, user, pause);
      if (handled.kind === 'await') return 'paused';
      if (paused) {
        // Paused for an approval that failed before anyone could decide: take the session back.
        if (
          !(await this.d.store.claimAwaiting(key, handled.pausedFor!, this.d.owner, this.d.settings.leaseMs))
        ) {
          return 'paused';
        }
        paused = false;
      }
      next = {
        resume: { assistantMessage: outcome.assistantMessage, toolResults: handled.results },
        followUp: true,
      };
    }
    return 'done';
  }

  /** A new harness session, with context rebuilt from the turn log, when the old one has expired. */
  private async maybeRotate(session: SessionRecord, lastSeen: SessionRecord, input: TurnInput, log: Logger) {
    const idle = this.d.settings.sessionIdleMs;
    const stale = idle > 0 && session.turns > 0 && this.d.now() - lastSeen.updatedAt > idle && !input.resume;
    if (!stale && !session.rehydrate) return session;
    return this.rotate(session, log, stale ? 'expired' : 'stopped');
  }

  private async rotate(session: SessionRecord, log: Logger, why: 'expired' | 'stopped' | 'not_found') {
    const key = keyOf(session);
    const id = newRuntimeSessionId(key);
    await this.d.store.rotate(key, this.d.owner, id);
    log.info({ from: session.runtimeSessionId, to: id, why }, 'moved the thread to a new harness session');
    return { ...session, runtimeSessionId: id, rehydrate: true };
  }

  /** Streams one invocation into a new reply. */
  private async streamTurn(
    session: SessionRecord,
    input: TurnInput,
    user: string,
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
      ...(this.d.settings.streamMaxBytes ? { streamMaxBytes: this.d.settings.streamMaxBytes } : {}),
      // Slack's own stop on the stream is the requester's Stop: the same path as the Stop button.
      onStoppedInSlack: () => {
        void this.d.store.requestStop(key, user).catch(() => undefined);
        abortRun(local, { kind: 'stop', by: user });
      },
    });
    try {
      await reply.open();
    } catch (err) {
      log.error({ err }, 'could not post the reply; the turn was not started');
      return undefined;
    }
    let current = session;
    let prompt = input.prompt;
    if (current.rehydrate && prompt !== undefined && !input.resume) {
      const turns = await this.d.store.recentTurns(key, this.d.settings.turnLogSize);
      prompt = rehydrationPrompt(turns, prompt);
      reply.setNote(
        `The agent’s earlier session had ended, so this turn starts a new one with the context of ${turns.length} earlier turn${turns.length === 1 ? '' : 's'} restored.`,
      );
      await this.d.writer
        .post(
          session.channel,
          this.d.presenter.note(
            `:recycle: Context restored: the agent’s previous session had ended, so I started a new one and gave it the last ${turns.length} turn${turns.length === 1 ? '' : 's'} of this thread.`,
          ),
          session.threadTs,
        )
        .catch(() => undefined);
    }
    await this.d.store
      .noteTurn(key, this.d.owner, {
        replyTs: reply.messageTs[0],
        ...(input.resume ? {} : { lastPrompt: input.prompt, lastUser: user }),
        rehydrate: false,
      })
      .catch((err) => log.warn({ err }, 'could not note the turn'));
    const approvals = this.offersApproval(current, input);
    const skillPaths = approvals
      ? [...new Set([...current.skillPaths, skillPath(this.d.settings.skillsBasePath, SKILLS.fisExecute)])]
      : current.skillPaths;
    const invocation = (): HarnessInvocation => ({
      runtimeSessionId: current.runtimeSessionId,
      userId: user,
      ...(input.resume ? { resume: input.resume } : { prompt }),
      skillPaths,
      ...(approvals ? { inlineTools: [APPROVAL_INLINE_TOOL] } : {}),
    });
    let result = await this.consume(invocation(), reply, local, log);
    // The harness no longer knows this session: move to a new one with the context restored, once.
    if (result.sessionGone && !input.resume && input.prompt !== undefined) {
      current = await this.rotate(current, log, 'not_found');
      const turns = await this.d.store.recentTurns(key, this.d.settings.turnLogSize);
      prompt = rehydrationPrompt(turns, input.prompt);
      reply.setNote(
        'The agent’s session had expired; continuing in a new one with this thread’s context restored.',
      );
      await this.d.store.noteTurn(key, this.d.owner, { rehydrate: false }).catch(() => undefined);
      result = await this.consume(invocation(), reply, local, log);
    }
    const { final, completed } = result;
    const pending = completed?.stopReason === 'tool_use' ? completed.pending : [];
    const aborted = local.reason !== undefined;
    const cost = estimateCost(final.usage, this.d.settings.prices);
    const state: FinalState = {
      ...(aborted
        ? abortedState(local.reason!, final.usage)
        : pending.length > 0
          ? { outcome: 'paused' as const, usage: final.usage }
          : final),
      ...(cost ? { cost } : {}),
    };
    await reply.finish(state);
    log.info(
      {
        outcome: state.outcome,
        chars: reply.fullText.length,
        messages: reply.messageTs.length,
        mode: reply.currentMode,
      },
      'turn finished',
    );
    if (pending.length === 0 && !aborted) await this.attachFiles(current, reply.fullText, log);
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
      // Aborting the stream does not stop the agent's loop; ending the runtime session does. The
      // next turn then runs in a new session with this thread's context restored.
      await this.d.harness.stopSession(session.runtimeSessionId);
      await this.d.store.rotate(key, this.d.owner, newRuntimeSessionId(key)).catch(() => undefined);
      return;
    }
    if (reason.kind === 'shutdown') {
      if (await this.d.store.interrupt(key, this.d.owner))
        await this.postInterrupted(key, 'the bot was restarting');
      return;
    }
    log.warn({ ...key }, 'run ended after losing its claim');
  }

  /**
   * After a turn: a long answer also goes up as a Markdown file, and report files the agent wrote in
   * its session (read with InvokeAgentRuntimeCommand) are attached. Best effort: the answer itself is
   * already in the thread, so a failure here is logged and noted, never fatal.
   */
  private async attachFiles(session: SessionRecord, answer: string, log: Logger): Promise<void> {
    const upload = this.d.writer.uploadFiles?.bind(this.d.writer);
    if (!upload) return;
    const files: ThreadFile[] = [];
    const longAt = this.d.settings.longAnswerFileChars ?? 0;
    if (longAt > 0 && answer.length >= longAt) {
      files.push({ filename: 'answer.md', title: 'The full answer (Markdown)', content: answer });
    }
    const pattern = this.d.settings.reportFiles;
    if (pattern && this.d.shell) {
      try {
        files.push(...(await this.readReports(session.runtimeSessionId, pattern, log)));
      } catch (err) {
        log.warn({ err }, 'could not read the report files the agent wrote');
      }
    }
    if (files.length === 0) return;
    try {
      await upload(
        session.channel,
        session.threadTs,
        files,
        `Attached: ${files.map((f) => f.filename).join(', ')}`,
      );
    } catch (err) {
      log.warn({ err, files: files.map((f) => f.filename) }, 'could not upload files to the thread');
      const code = err instanceof SlackWriteError ? err.code : 'unknown';
      await this.d.writer
        .post(
          session.channel,
          this.d.presenter.note(
            code === 'missing_scope'
              ? 'I could not attach the files for this answer: the app is missing the `files:write` scope. Reinstall it from manifest.yml.'
              : `I could not attach the files for this answer (\`${code}\`). The answer above is complete.`,
          ),
          session.threadTs,
        )
        .catch(() => undefined);
    }
  }

  private async readReports(sessionId: string, pattern: string, log: Logger): Promise<ThreadFile[]> {
    const shell = this.d.shell!;
    const listed = await shell.run(sessionId, `ls -1d -- ${pattern} 2>/dev/null`);
    if (listed.exitCode !== 0) return [];
    const seen = this.attached.get(sessionId) ?? new Set<string>();
    this.attached.set(sessionId, seen);
    const out: ThreadFile[] = [];
    const paths = listed.stdout
      .split('\n')
      .map((p) => p.trim())
      .filter((p) => p.startsWith('/') && !p.includes("'"));
    for (const path of paths.slice(0, MAX_REPORT_FILES)) {
      const r = await shell.run(sessionId, `cat -- '${path}'`);
      if (r.exitCode !== 0) {
        log.warn(
          { path, exitCode: r.exitCode, stderr: r.stderr.slice(0, 200) },
          'could not read a report file',
        );
        continue;
      }
      const key = `${path}\u0000${r.stdout.length}\u0000${hash(r.stdout)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const name = path.split('/').pop() ?? 'report.md';
      out.push({ filename: name, title: name, content: r.stdout.slice(0, MAX_REPORT_BYTES) });
    }
    return out;
  }

  async postInterrupted(key: ThreadKey, why: string): Promise<void> {
    await this.d.writer
      .post(key.channel, this.d.presenter.interrupted(why, `${key.channel}|${key.threadTs}`), key.threadTs)
      .catch((err) => this.d.log.warn({ err, ...key }, 'could not post the interruption notice'));
  }

  private offersApproval(session: SessionRecord, input: TurnInput): boolean {
    if (!this.d.gate) return false;
    if (session.routeId === 'fis-run') return true;
    return session.routeId === 'fis-prepare' && input.followUp === true;
  }

  /** Answers the agent's inline calls: the approval gate may pause the session; anything else is answered now. */
  private async answerInlineCalls(
    session: SessionRecord,
    outcome: { pending: PendingToolCall[]; assistantMessage: unknown },
    input: TurnInput,
    user: string,
    pause: (approvalId: string) => Promise<void>,
  ): Promise<
    | { kind: 'await'; approvalId: string }
    | { kind: 'results'; results: ToolResultInput[]; pausedFor?: string }
  > {
    const results: ToolResultInput[] = [];
    let awaitingId: string | undefined;
    let pausedFor: string | undefined;
    for (const call of outcome.pending) {
      if (call.name === APPROVAL_TOOL && this.d.gate && this.offersApproval(session, input) && !awaitingId) {
        const r = await this.d.gate.request(
          session,
          call,
          outcome.assistantMessage,
          user,
          session.commandTemplateId,
          pause,
        );
        if (r.kind === 'await') awaitingId = r.approvalId;
        else {
          results.push({ toolUseId: call.toolUseId, result: r.result });
          pausedFor ??= r.paused;
        }
      } else {
        const reason =
          call.name === APPROVAL_TOOL
            ? 'Only one experiment approval can be requested at a time.'
            : `The tool ${call.name} is not available in this conversation.`;
        results.push({ toolUseId: call.toolUseId, result: { decision: 'error', reason } });
      }
    }
    if (awaitingId) {
      if (results.length > 0) await this.d.gate!.attachSiblingResults(awaitingId, results);
      return { kind: 'await', approvalId: awaitingId };
    }
    return { kind: 'results', results, pausedFor };
  }

  private async consume(
    invocation: HarnessInvocation,
    reply: ReplyStream,
    local: LocalRun,
    log: Logger,
  ): Promise<{
    final: FinalState;
    completed?: { stopReason: string; pending: PendingToolCall[]; assistantMessage: unknown };
    sessionGone?: boolean;
  }> {
    let usage: Usage | undefined;
    for await (const ev of this.d.harness.invoke(invocation, local.abort.signal)) {
      switch (ev.type) {
        case 'text':
          reply.appendText(ev.text);
          break;
        case 'tool_started':
          if (ev.kind !== 'inline') reply.toolStarted(ev.toolUseId, describeTool(ev));
          break;
        case 'tool_finished':
          reply.toolFinished(ev.toolUseId, ev.status === 'success');
          break;
        case 'usage':
          usage = ev.usage;
          break;
        case 'retrying':
          reply.setNote(
            `${ev.reason}; retrying in ${Math.ceil(ev.delayMs / 1000)}s (attempt ${ev.attempt}).`,
          );
          break;
        case 'completed': {
          reply.setNote(undefined);
          const notice: Explanation | undefined =
            ev.stopReason === 'tool_use' && ev.pending.length > 0
              ? undefined
              : explainStopReason(ev.stopReason);
          if (notice) log.warn({ stopReason: ev.stopReason }, 'run ended early');
          return { final: { outcome: notice ? 'warning' : 'done', usage, notice }, completed: ev };
        }
        case 'failed': {
          reply.setNote(undefined);
          log.warn({ failure: ev.failure }, 'run failed');
          const gone =
            ev.failure.code === 'not_found' && /session/i.test(ev.failure.message) && reply.fullText === '';
          return {
            final: {
              outcome: ev.failure.code === 'aborted' ? 'stopped' : 'failed',
              usage,
              notice: explainFailure(ev.failure),
            },
            sessionGone: gone,
          };
        }
      }
    }
    return {
      final: {
        outcome: 'failed',
        usage,
        notice: explainFailure({ code: 'incomplete', message: 'The harness stream ended without a result.' }),
      },
    };
  }
}

/** FNV-1a: a cheap content key for "already attached" (not a security hash). */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

export function keyOf(s: ThreadKey): ThreadKey {
  return { teamId: s.teamId, channel: s.channel, threadTs: s.threadTs };
}

export function abortRun(local: LocalRun, reason: AbortReason): void {
  if (local.reason) return;
  local.reason = reason;
  local.abort.abort();
}

function resetLocal(local: LocalRun): LocalRun {
  local.reason = undefined;
  local.abort = new AbortController();
  return local;
}

function abortedState(reason: AbortReason, usage: Usage | undefined): FinalState {
  switch (reason.kind) {
    case 'stop':
      return {
        outcome: 'stopped',
        usage,
        notice: {
          severity: 'warning',
          title: `Stopped by <@${reason.by}>.`,
          advice:
            'The agent’s session was ended; reply in this thread to continue (its context is restored from this thread).',
        },
      };
    case 'shutdown':
      return {
        outcome: 'stopped',
        usage,
        notice: {
          severity: 'warning',
          title: 'Interrupted: the bot was restarting.',
          advice: 'Use *Retry* below to run it again.',
        },
      };
    case 'lost':
      return {
        outcome: 'stopped',
        usage,
        notice: {
          severity: 'warning',
          title: 'Interrupted: this run lost its lock on the thread.',
          advice: 'Use *Retry* to run it again.',
        },
      };
  }
}
