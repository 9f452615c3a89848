/**
 * Runs: a slash command opens a thread and a harness session; a reply in the thread continues it;
 * a mention or a direct message starts a general conversation. One turn at a time per thread, across
 * replicas: a lease in the store, follow-ups queued behind the running turn, Stop from any replica,
 * interrupted runs found and offered for retry, and a graceful drain on shutdown.
 * Data flows one way: request → run → harness stream → reply stream → Slack writer.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ToolResult } from './approval-gate.ts';
import type { ApprovalRecord } from './approval-types.ts';
import type { CommandRoute, Params } from './commands.ts';
import { type SessionRecord, SlackWriteError, type ThreadKey } from './ports.ts';
import type { Presenter } from './reply-view.ts';
import { newRuntimeSessionId } from './session-id.ts';
import { READ_ONLY_SKILLS, skillPath } from './skills.ts';
import {
  abortRun,
  type LocalRun,
  QUEUED_REACTION,
  type TurnDeps,
  TurnEngine,
  type TurnInput,
  type TurnSettings,
} from './turns.ts';

export interface RunnerSettings extends TurnSettings {
  /** Follow-ups that may wait behind a running turn, per thread. */
  maxQueue: number;
}

export type RunnerDeps = Omit<TurnDeps, 'owner' | 'now' | 'settings'> & {
  settings: RunnerSettings;
  now?: () => number;
  /** This replica's identity in leases; unique per process by default. */
  owner?: string;
};

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
  /** The Slack message (for the "queued" reaction). */
  messageTs: string;
}

/** A mention or direct message outside any run's thread: a new general conversation in its thread. */
export interface ConversationRequest extends ThreadKey {
  userId: string;
  text: string;
}

export type FollowUpResult = 'started' | 'queued' | 'busy' | 'not_a_session';

export class Runner {
  readonly owner: string;
  private readonly active = new Set<Promise<unknown>>();
  private readonly local = new Map<string, LocalRun>();
  private readonly now: () => number;
  private readonly engine: TurnEngine;
  private accepting = true;

  constructor(private readonly d: RunnerDeps) {
    this.now = d.now ?? Date.now;
    this.owner = d.owner ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.engine = new TurnEngine({ ...d, owner: this.owner, now: this.now });
    if (d.gate) d.gate.resume = (a, result) => this.resumeAfterApproval(a, result);
  }

  /** Runs in flight in this process. */
  get activeRuns(): number {
    return this.active.size;
  }

  /** False once shutdown began: no new work is taken. */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Starts a command's run after the ack; returns at once. */
  startCommand(req: CommandRequest): Promise<void> {
    // Yield first: acks of other commands that arrived together go out before this run does any work.
    return this.track(new Promise<void>((r) => setImmediate(r)).then(() => this.runCommand(req)));
  }

  startFollowUp(req: FollowUpRequest): Promise<FollowUpResult> {
    return this.track(this.runFollowUp(req));
  }

  startConversation(req: ConversationRequest): Promise<void> {
    return this.track(this.runConversation(req));
  }

  /** Runs the thread's last request again (after an interruption). */
  startRetry(key: ThreadKey, userId: string): Promise<void> {
    return this.track(this.runRetry(key, userId));
  }

  /** Continues a turn that paused for an approval, once the gate has a decision. */
  async resumeAfterApproval(a: ApprovalRecord, result: ToolResult): Promise<void> {
    await this.track(this.runResume(a, result));
  }

  /** Stops the thread's running turn, wherever it runs. False when nothing is running. */
  async requestStop(key: ThreadKey, userId: string): Promise<boolean> {
    const local = this.local.get(mapKey(key));
    const recorded = await this.d.store.requestStop(key, userId);
    if (local) {
      abortRun(local, { kind: 'stop', by: userId });
      return true;
    }
    // Another replica owns the run: it sees the request on its next lease renewal.
    return recorded;
  }

  /** Finds runs whose owner died (lease lapsed), marks them interrupted and offers Retry. */
  async reap(): Promise<void> {
    for (const rec of await this.d.store.reapLapsed(this.now())) {
      this.d.log.warn(
        { ...keyOf(rec), owner: rec.owner },
        'run interrupted: its owner stopped renewing the lease',
      );
      const waiting = rec.queue?.length ?? 0;
      await this.engine.postInterrupted(
        keyOf(rec),
        `the bot instance running it stopped${waiting ? `; ${waiting} later message${waiting === 1 ? ' is' : 's are'} still queued and will run after the retry` : ''}`,
      );
    }
  }

  /**
   * Graceful shutdown: take no new work, let running turns finish until the deadline, then stop the
   * rest and mark them interrupted (with Retry) so any replica can pick them up.
   */
  async drain(graceMs = 0): Promise<void> {
    this.accepting = false;
    const deadline = this.now() + graceMs;
    while (this.active.size > 0 && this.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.active]), sleep(Math.max(10, deadline - this.now()))]);
    }
    for (const run of this.local.values()) abortRun(run, { kind: 'shutdown' });
    const finalDeadline = this.now() + 15_000;
    while (this.active.size > 0 && this.now() < finalDeadline) {
      await Promise.race([Promise.allSettled([...this.active]), sleep(100)]);
    }
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

  /** Holds the claim while the engine works, so Stop and shutdown can reach the run. */
  private async execute(
    session: SessionRecord,
    input: TurnInput,
    user: string,
    before?: SessionRecord,
  ): Promise<void> {
    const k = mapKey(session);
    const local: LocalRun = { abort: new AbortController() };
    this.local.set(k, local);
    try {
      await this.engine.run(session, input, user, local, before);
    } finally {
      if (this.local.get(k) === local) this.local.delete(k);
    }
  }

  private newSession(
    key: ThreadKey,
    route: { id: string; skill: string; skillPaths: string[] },
    requester: string,
    extra: Partial<SessionRecord> = {},
  ): SessionRecord {
    const now = this.now();
    return {
      ...key,
      runtimeSessionId: newRuntimeSessionId(key),
      generation: 1,
      routeId: route.id,
      skill: route.skill,
      skillPaths: route.skillPaths,
      requester,
      status: 'running',
      owner: this.owner,
      leaseExpiresAt: now + this.d.settings.leaseMs,
      turns: 0,
      createdAt: now,
      updatedAt: now,
      ...extra,
    };
  }

  private async runCommand(req: CommandRequest): Promise<void> {
    if (!this.accepting) {
      await this.tell(
        req,
        'The bot is restarting, so I did not start this run. Run the command again in a minute.',
      );
      return;
    }
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
    const session = this.newSession(
      key,
      {
        id: route.id,
        skill: route.skill,
        skillPaths: [skillPath(this.d.settings.skillsBasePath, route.skill)],
      },
      req.userId,
      params.template ? { commandTemplateId: params.template } : {},
    );
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
    await this.execute(session, { prompt: route.prompt(params) }, req.userId);
  }

  private async runConversation(req: ConversationRequest): Promise<void> {
    if (!this.accepting) return;
    const key: ThreadKey = { teamId: req.teamId, channel: req.channel, threadTs: req.threadTs };
    const session = this.newSession(
      key,
      {
        id: 'conversation',
        skill: 'general',
        skillPaths: READ_ONLY_SKILLS.map((s) => skillPath(this.d.settings.skillsBasePath, s)),
      },
      req.userId,
    );
    if (!(await this.d.store.create(session))) return; // already started by a redelivery
    this.d.log.info(
      { ...key, requester: req.userId, sessionId: session.runtimeSessionId },
      'conversation started',
    );
    const prompt =
      'A Slack user asks the following. Use whichever of your read-only skills fits, stay read-only, and answer in the language of the question.\n\n' +
      req.text;
    await this.execute(session, { prompt }, req.userId);
  }

  private async runFollowUp(req: FollowUpRequest): Promise<FollowUpResult> {
    const key: ThreadKey = { teamId: req.teamId, channel: req.channel, threadTs: req.threadTs };
    const before = await this.d.store.get(key);
    if (!before) return 'not_a_session';
    if (!this.accepting) {
      await this.safePost(
        key,
        `<@${req.userId}> The bot is restarting, so your message was not sent to the agent. Send it again in a minute.`,
      );
      return 'busy';
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.d.store.claim(key, this.owner, this.d.settings.leaseMs)) {
        this.d.log.info(
          { ...key, user: req.userId, sessionId: before.runtimeSessionId },
          'follow-up started',
        );
        const session: SessionRecord = { ...before, status: 'running', owner: this.owner };
        await this.execute(session, { prompt: req.text, followUp: true }, req.userId, before);
        return 'started';
      }
      const queued = await this.d.store.enqueue(
        key,
        { user: req.userId, text: req.text, ts: req.messageTs },
        this.d.settings.maxQueue,
      );
      switch (queued) {
        case 'queued':
          await this.d.writer.react(req.channel, req.messageTs, QUEUED_REACTION).catch(() => undefined);
          this.d.log.info({ ...key, user: req.userId }, 'follow-up queued behind the running turn');
          return 'queued';
        case 'idle':
          continue; // the running turn just finished: claim it now
        case 'awaiting':
          await this.safePost(
            key,
            `<@${req.userId}> This thread is waiting for a decision on the FIS approval card above, so I did not send your message to the agent. Approve or deny it first, then ask again.`,
          );
          return 'busy';
        case 'full':
          await this.safePost(
            key,
            `<@${req.userId}> ${this.d.settings.maxQueue} messages are already waiting for the agent in this thread, so I did not queue yours. Send it again once the answers above are done.`,
          );
          return 'busy';
        case 'missing':
          return 'not_a_session';
      }
    }
    return 'busy';
  }

  private async runRetry(key: ThreadKey, userId: string): Promise<void> {
    const before = await this.d.store.get(key);
    if (!before?.lastPrompt) {
      await this.safePost(
        key,
        `<@${userId}> There is nothing to retry in this thread; ask your question again.`,
      );
      return;
    }
    if (!(await this.d.store.claim(key, this.owner, this.d.settings.leaseMs))) {
      await this.safePost(key, `<@${userId}> The agent is already working in this thread; no retry needed.`);
      return;
    }
    this.d.log.info({ ...key, user: userId }, 'retrying the interrupted turn');
    const session: SessionRecord = { ...before, status: 'running', owner: this.owner };
    await this.execute(
      session,
      { prompt: before.lastPrompt, followUp: before.turns > 0 },
      before.lastUser ?? userId,
      before,
    );
  }

  private async runResume(a: ApprovalRecord, result: ToolResult): Promise<void> {
    if (!(await this.d.store.claimAwaiting(a.thread, a.id, this.owner, this.d.settings.leaseMs))) {
      this.d.log.warn(
        { approvalId: a.id, ...a.thread },
        'session was not waiting for this approval; not resuming',
      );
      return;
    }
    const session = await this.d.store.get(a.thread);
    if (!session) return;
    const toolResults = [{ toolUseId: a.toolUseId, result }, ...(a.siblingResults ?? [])];
    await this.execute(
      session,
      { resume: { assistantMessage: a.assistantMessage, toolResults }, followUp: true },
      a.requester,
    );
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
          ? 'I can’t see this conversation: Slack hides private channels and DMs I’m not in. Invite me with `/invite @AgentCore Ops` (or from the channel details), or run the command in a channel I’m in.'
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

function mapKey(k: ThreadKey): string {
  return `${k.teamId}|${k.channel}|${k.threadTs}`;
}

function keyOf(s: ThreadKey): ThreadKey {
  return { teamId: s.teamId, channel: s.channel, threadTs: s.threadTs };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
