/**
 * Runs: a slash command opens a thread and a harness session; a reply in the thread continues it.
 * Data flows one way: request → run → harness stream → reply stream → Slack writer.
 */
import type { CommandRoute, Params } from './commands.ts';
import type { Usage } from './events.ts';
import { type Explanation, explainFailure, explainStopReason } from './explain.ts';
import type { Logger } from './logger.ts';
import {
  type HarnessPort,
  type SessionRecord,
  type SessionStore,
  SlackWriteError,
  type SlackWriter,
  type ThreadKey,
} from './ports.ts';
import { type FinalState, ReplyStream } from './reply-stream.ts';
import type { Presenter } from './reply-view.ts';
import { newRuntimeSessionId } from './session-id.ts';
import { skillPath } from './skills.ts';
import { describeTool } from './tool-label.ts';

export interface RunnerSettings {
  skillsBasePath: string;
  editIntervalMs: number;
  bodyBudget: number;
  /** How long a run's claim on its thread lasts if its owner disappears. */
  leaseMs: number;
}

export interface RunnerDeps {
  harness: HarnessPort;
  writer: SlackWriter;
  presenter: Presenter;
  store: SessionStore;
  log: Logger;
  settings: RunnerSettings;
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

export class Runner {
  private readonly active = new Set<Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly d: RunnerDeps) {
    this.now = d.now ?? Date.now;
  }

  /** Runs in flight in this process. */
  get activeRuns(): number {
    return this.active.size;
  }

  /** Starts a command's run after the ack; returns at once. */
  startCommand(req: CommandRequest): Promise<void> {
    return this.track(this.runCommand(req));
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
    await this.turn(session, route.prompt(params), req.userId);
  }

  private async runFollowUp(req: FollowUpRequest): Promise<FollowUpResult> {
    const key: ThreadKey = { teamId: req.teamId, channel: req.channel, threadTs: req.threadTs };
    const session = await this.d.store.get(key);
    if (!session) return 'not_a_session';
    if (!(await this.d.store.claim(key, this.d.settings.leaseMs))) {
      await this.safePost(
        key,
        `<@${req.userId}> I’m still answering the previous message in this thread, so I did not send yours to the agent. Send it again once the answer above shows *Done*.`,
      );
      return 'busy';
    }
    this.d.log.info({ ...key, user: req.userId, sessionId: session.runtimeSessionId }, 'follow-up started');
    await this.turn(session, req.text, req.userId);
    return 'started';
  }

  /** One agent turn streamed into the thread. The session must already be claimed; it is released here. */
  private async turn(session: SessionRecord, prompt: string, userId: string): Promise<void> {
    const key: ThreadKey = { teamId: session.teamId, channel: session.channel, threadTs: session.threadTs };
    const log = this.d.log.child({ ...key, sessionId: session.runtimeSessionId });
    const reply = new ReplyStream({
      writer: this.d.writer,
      presenter: this.d.presenter,
      channel: session.channel,
      threadTs: session.threadTs,
      editIntervalMs: this.d.settings.editIntervalMs,
      bodyBudget: this.d.settings.bodyBudget,
      log,
      now: this.now,
    });
    try {
      try {
        await reply.open();
      } catch (err) {
        log.error({ err }, 'could not post the reply; the run was not started');
        return;
      }
      const final = await this.consume(session, prompt, userId, reply, log);
      await reply.finish(final);
      log.info(
        { outcome: final.outcome, chars: reply.fullText.length, messages: reply.messageTs.length },
        'run finished',
      );
    } finally {
      await this.d.store.release(key).catch((err) => log.error({ err }, 'could not release the session'));
    }
  }

  private async consume(
    session: SessionRecord,
    prompt: string,
    userId: string,
    reply: ReplyStream,
    log: Logger,
  ): Promise<FinalState> {
    let usage: Usage | undefined;
    const events = this.d.harness.invoke({
      runtimeSessionId: session.runtimeSessionId,
      userId,
      prompt,
      skillPaths: session.skillPaths,
    });
    for await (const ev of events) {
      switch (ev.type) {
        case 'text':
          reply.appendText(ev.text);
          break;
        case 'tool_started':
          reply.toolStarted(ev.toolUseId, describeTool(ev));
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
          const notice: Explanation | undefined = explainStopReason(ev.stopReason);
          if (notice) log.warn({ stopReason: ev.stopReason }, 'run ended early');
          return { outcome: notice ? 'warning' : 'done', usage, notice };
        }
        case 'failed': {
          reply.setNote(undefined);
          log.warn({ failure: ev.failure }, 'run failed');
          const notice = explainFailure(ev.failure);
          return { outcome: ev.failure.code === 'aborted' ? 'stopped' : 'failed', usage, notice };
        }
      }
    }
    return {
      outcome: 'failed',
      usage,
      notice: explainFailure({ code: 'incomplete', message: 'The harness stream ended without a result.' }),
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
