/**
 * Runs: a slash command opens a thread and a harness session; a reply in the thread continues it.
 * Data flows one way: request → run → harness stream → reply stream → Slack writer.
 */
import type { ApprovalGate, ToolResult } from './approval-gate.ts';
import { APPROVAL_INLINE_TOOL } from './approval-tool.ts';
import { APPROVAL_TOOL, type ApprovalRecord } from './approval-types.ts';
import type { CommandRoute, Params } from './commands.ts';
import { estimateCost, type PriceTable } from './cost.ts';
import type { PendingToolCall, Usage } from './events.ts';
import { type Explanation, explainFailure, explainStopReason } from './explain.ts';
import type { Logger } from './logger.ts';
import {
  type HarnessInvocation,
  type HarnessPort,
  type SessionRecord,
  type SessionShell,
  type SessionStore,
  SlackWriteError,
  type SlackWriter,
  type ThreadFile,
  type ThreadKey,
  type ToolResultInput,
} from './ports.ts';
import { type FinalState, ReplyStream } from './reply-stream.ts';
import type { Presenter } from './reply-view.ts';
import { newRuntimeSessionId } from './session-id.ts';
import { SKILLS, skillPath } from './skills.ts';
import { describeTool } from './tool-label.ts';

export interface RunnerSettings {
  skillsBasePath: string;
  editIntervalMs: number;
  bodyBudget: number;
  /** How long a run's claim on its thread lasts if its owner disappears. */
  leaseMs: number;
  /** `native`: chat.*Stream (falls back to edits on any streaming error). Default `edit`. */
  streamMode?: 'edit' | 'native';
  streamRolloverMs?: number;
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

export interface RunnerDeps {
  /** The FIS approval gate; without it no inline approval tool is offered. */
  gate?: ApprovalGate;
  harness: HarnessPort;
  writer: SlackWriter;
  presenter: Presenter;
  store: SessionStore;
  log: Logger;
  settings: RunnerSettings;
  /** Reads files the agent wrote in its session (report attachments); optional. */
  shell?: SessionShell;
  now?: () => number;
}

export interface CommandRequest {
  teamId: string;
  channel: string;
  userId: string;
  route: CommandRoute;
  params: Params;
  /** Reaches the requester privately (response_url) when no thread can be created. */
  tellUser: (text: string) => Promise<void>;
}

export interface FollowUpRequest extends ThreadKey {
  userId: string;
  text: string;
}

export type FollowUpResult = 'started' | 'busy' | 'not_a_session';

interface TurnInput {
  prompt?: string;
  resume?: { assistantMessage: unknown; toolResults: ToolResultInput[] };
  /** True for every turn after the one the command started. */
  followUp?: boolean;
}

/** Inline calls answered without a human (errors, refusals) resume at once; bound the loop. */
const MAX_IMMEDIATE_RESUMES = 4;

export class Runner {
  private readonly active = new Set<Promise<unknown>>();
  private readonly now: () => number;
  /** Report files already attached, per session (path and content), so follow-ups attach only new ones. */
  private readonly attached = new Map<string, Set<string>>();

  constructor(private readonly d: RunnerDeps) {
    this.now = d.now ?? Date.now;
    if (d.gate) d.gate.resume = (a, result) => this.resumeAfterApproval(a, result);
  }

  /** Runs in flight in this process. */
  get activeRuns(): number {
    return this.active.size;
  }

  /** Starts a command's run after the ack; returns at once. */
  startCommand(req: CommandRequest): Promise<void> {
    // Yield first: acks of other commands that arrived together go out before this run does any work.
    return this.track(new Promise<void>((r) => setImmediate(r)).then(() => this.runCommand(req)));
  }

  startFollowUp(req: FollowUpRequest): Promise<FollowUpResult> {
    return this.track(this.runFollowUp(req));
  }

  /** Resolves when every run started so far has finished. */
  async drain(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    const guarded = p.catch((err) => {
      this.d.log.error({ err }, 'run crashed');
      throw err;
    });
    this.active.add(guarded);
    void guarded.then(
      () => this.active.delete(guarded),
      () => this.active.delete(guarded),
    );
    return guarded;
  }

  private async runCommand(req: CommandRequest): Promise<void> {
    const { route, params } = req;
    const root = this.d.presenter.root({
      title: route.title(params),
      requester: req.userId,
      skill: route.skill,
      details: params.region ? [['Region', params.region]] : [],
    });
    const threadTs = await this.postRoot(req, root);
    if (!threadTs) return;
    const key: ThreadKey = { teamId: req.teamId, channel: req.channel, threadTs };
    const now = this.now();
    const session: SessionRecord = {
      ...key,
      runtimeSessionId: newRuntimeSessionId(key),
      routeId: route.id,
      skill: route.skill,
      skillPaths: [skillPath(this.d.settings.skillsBasePath, route.skill)],
      requester: req.userId,
      ...(params.template ? { commandTemplateId: params.template } : {}),
      status: 'running',
      leaseExpiresAt: now + this.d.settings.leaseMs,
      turns: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.d.store.create(session);
    } catch (err) {
      this.d.log.error({ err, ...key }, 'could not store the session');
      await this.safePost(
        key,
        'I could not save this conversation (session store error), so I did not start the run. Try the command again in a moment.',
      );
      return;
    }
    this.d.log.info(
      { ...key, route: route.id, requester: req.userId, sessionId: session.runtimeSessionId },
      'run started from command',
    );
    await this.turn(session, { prompt: route.prompt(params) }, req.userId);
  }

  private async runFollowUp(req: FollowUpRequest): Promise<FollowUpResult> {
    const key: ThreadKey = { teamId: req.teamId, channel: req.channel, threadTs: req.threadTs };
    const session = await this.d.store.get(key);
    if (!session) return 'not_a_session';
    if (!(await this.d.store.claim(key, this.d.settings.leaseMs))) {
      const latest = await this.d.store.get(key);
      await this.safePost(
        key,
        latest?.status === 'awaiting_approval'
          ? `<@${req.userId}> This thread is waiting for a decision on the FIS approval card above, so I did not send your message to the agent. Approve or deny it first, then ask again.`
          : `<@${req.userId}> I’m still answering the previous message in this thread, so I did not send yours to the agent. Send it again once the answer above shows *Done*.`,
      );
      return 'busy';
    }
    this.d.log.info({ ...key, user: req.userId, sessionId: session.runtimeSessionId }, 'follow-up started');
    await this.turn(session, { prompt: req.text, followUp: true }, req.userId);
    return 'started';
  }

  /** Continues a turn that paused for an approval, once the gate has a decision. */
  async resumeAfterApproval(a: ApprovalRecord, result: ToolResult): Promise<void> {
    await this.track(this.runResume(a, result));
  }

  private async runResume(a: ApprovalRecord, result: ToolResult): Promise<void> {
    if (!(await this.d.store.claimAwaiting(a.thread, a.id, this.d.settings.leaseMs))) {
      this.d.log.warn(
        { approvalId: a.id, ...a.thread },
        'session was not waiting for this approval; not resuming',
      );
      return;
    }
    const session = await this.d.store.get(a.thread);
    if (!session) return;
    const toolResults = [{ toolUseId: a.toolUseId, result }, ...(a.siblingResults ?? [])];
    await this.turn(
      session,
      { resume: { assistantMessage: a.assistantMessage, toolResults }, followUp: true },
      a.requester,
    );
  }

  /**
   * One agent turn streamed into the thread. The session must already be claimed; it is released
   * here, or left waiting for an approval. Inline calls that can be answered at once are answered
   * in a resumed turn right away.
   */
  private async turn(session: SessionRecord, input: TurnInput, userId: string): Promise<void> {
    const key: ThreadKey = { teamId: session.teamId, channel: session.channel, threadTs: session.threadTs };
    const log = this.d.log.child({ ...key, sessionId: session.runtimeSessionId });
    let paused = false;
    const pause = async (approvalId: string) => {
      await this.d.store.release(key, approvalId);
      paused = true;
    };
    try {
      let next: TurnInput | undefined = input;
      for (let round = 0; next && round < MAX_IMMEDIATE_RESUMES; round++) {
        const current: TurnInput = next;
        next = undefined;
        const outcome = await this.streamTurn(session, current, userId, log);
        if (!outcome) return;
        if (outcome.pending.length === 0) return;
        const handled = await this.answerInlineCalls(session, outcome, current, userId, pause);
        if (handled.kind === 'await') return;
        if (paused) {
          // Paused for an approval that failed before anyone could decide: take the session back.
          paused = !(await this.d.store.claimAwaiting(key, handled.pausedFor!, this.d.settings.leaseMs));
          if (paused) return;
        }
        next = {
          resume: { assistantMessage: outcome.assistantMessage, toolResults: handled.results },
          followUp: true,
        };
      }
    } finally {
      if (!paused)
        await this.d.store.release(key).catch((err) => log.error({ err }, 'could not release the session'));
    }
  }

  /** Streams one invocation into a new reply; returns its inline calls, or undefined if nothing ran. */
  private async streamTurn(
    session: SessionRecord,
    input: TurnInput,
    userId: string,
    log: Logger,
  ): Promise<{ pending: PendingToolCall[]; assistantMessage: unknown } | undefined> {
    const reply = new ReplyStream({
      writer: this.d.writer,
      presenter: this.d.presenter,
      channel: session.channel,
      threadTs: session.threadTs,
      editIntervalMs: this.d.settings.editIntervalMs,
      bodyBudget: this.d.settings.bodyBudget,
      log,
      now: this.now,
      team: session.teamId,
      mode: this.d.settings.streamMode ?? 'edit',
      recipientUserId: userId,
      ...(this.d.settings.streamRolloverMs ? { streamRolloverMs: this.d.settings.streamRolloverMs } : {}),
    });
    try {
      await reply.open();
    } catch (err) {
      log.error({ err }, 'could not post the reply; the run was not started');
      return undefined;
    }
    const approvals = this.offersApproval(session, input);
    const skillPaths = approvals
      ? [...new Set([...session.skillPaths, skillPath(this.d.settings.skillsBasePath, SKILLS.fisExecute)])]
      : session.skillPaths;
    const { final, completed } = await this.consume(
      {
        runtimeSessionId: session.runtimeSessionId,
        userId,
        ...(input.resume ? { resume: input.resume } : { prompt: input.prompt }),
        skillPaths,
        ...(approvals ? { inlineTools: [APPROVAL_INLINE_TOOL] } : {}),
      },
      reply,
      log,
    );
    const pending = completed?.stopReason === 'tool_use' ? completed.pending : [];
    const cost = estimateCost(final.usage, this.d.settings.prices);
    const state: FinalState =
      pending.length > 0
        ? { outcome: 'paused', usage: final.usage, ...(cost ? { cost } : {}) }
        : { ...final, ...(cost ? { cost } : {}) };
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
    if (pending.length === 0) await this.attachFiles(session, reply.fullText, log);
    return { pending, assistantMessage: completed?.assistantMessage };
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
        files.length === 1
          ? `Attached: ${files[0]!.filename}`
          : `Attached: ${files.map((f) => f.filename).join(', ')}`,
      );
    } catch (err) {
      log.warn({ err, files: files.map((f) => f.filename) }, 'could not upload files to the thread');
      const code = err instanceof SlackWriteError ? err.code : 'unknown';
      await this.safePost(
        session,
        code === 'missing_scope'
          ? 'I could not attach the files for this answer: the app is missing the `files:write` scope. Reinstall it from manifest.yml.'
          : `I could not attach the files for this answer (\`${code}\`). The answer above is complete.`,
      );
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
    userId: string,
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
          userId,
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
    log: Logger,
  ): Promise<{
    final: FinalState;
    completed?: { stopReason: string; pending: PendingToolCall[]; assistantMessage: unknown };
  }> {
    let usage: Usage | undefined;
    for await (const ev of this.d.harness.invoke(invocation)) {
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
          const notice = explainFailure(ev.failure);
          return { final: { outcome: ev.failure.code === 'aborted' ? 'stopped' : 'failed', usage, notice } };
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

  /** Posts the root message, joining a public channel if needed. Returns its ts, or undefined after telling the user why not. */
  private async postRoot(
    req: CommandRequest,
    root: ReturnType<Presenter['root']>,
  ): Promise<string | undefined> {
    try {
      return await this.d.writer.post(req.channel, root);
    } catch (err) {
      const code = err instanceof SlackWriteError ? err.code : 'unknown';
      if (code === 'not_in_channel') {
        try {
          await this.d.writer.join(req.channel);
          return await this.d.writer.post(req.channel, root);
        } catch (joinErr) {
          this.d.log.warn({ err: joinErr, channel: req.channel }, 'could not join the channel');
          await this.tell(
            req,
            'I’m not a member of this channel, so I can’t start a thread here. Invite me with `/invite @AgentCore Ops` (or from the channel details), then run the command again.',
          );
          return undefined;
        }
      }
      this.d.log.error({ err, channel: req.channel }, 'could not post the root message');
      const advice =
        code === 'channel_not_found'
          ? 'I can’t see this conversation. Invite me to it, or run the command in a channel I’m in.'
          : code === 'ratelimited'
            ? 'Slack is rate limiting me right now. Try again in a minute.'
            : `Slack refused my message (\`${code}\`). Try again; if it keeps failing, tell the bot’s admins.`;
      await this.tell(req, `I couldn’t start the run. ${advice}`);
      return undefined;
    }
  }

  private async tell(req: CommandRequest, text: string): Promise<void> {
    await req.tellUser(text).catch((err) => this.d.log.error({ err }, 'could not reach the user'));
  }

  private async safePost(key: ThreadKey, text: string): Promise<void> {
    await this.d.writer
      .post(key.channel, this.d.presenter.note(text), key.threadTs)
      .catch((err) => this.d.log.error({ err, ...key }, 'could not post a note in the thread'));
  }
}

/** A short content fingerprint (FNV-1a), to tell a changed report from one already attached. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
