/**
 * New work from Slack: a slash command opens a thread and a harness session; a reply in a run's
 * thread continues it (or is queued behind the running turn); a mention or a direct message starts
 * a general conversation. Access is decided for the person writing before anything is stored or
 * queued; the turn engine decides again when the turn starts.
 * (Split out of runner.ts: turning requests into runs, separate from the lifecycle of runs.)
 */
import type { AccessPolicy } from './access.ts';
import { type CommandRoute, type Params, rootDetails } from './commands.ts';
import { grantTurn } from './grants.ts';
import { type SessionRecord, SlackWriteError, type ThreadKey } from './ports.ts';
import type { Presenter } from './reply-view.ts';
import { newRuntimeSessionId } from './session-id.ts';
import { READ_ONLY_SKILLS, skillPath } from './skills.ts';
import { mention } from './slack-escape.ts';
import { QUEUED_REACTION, type TurnDeps, type TurnInput, type TurnSettings } from './turns.ts';

export interface RunnerSettings extends TurnSettings {
  /** The harness a command runs on (a HARNESSES id), or undefined for the default harness. */
  harnessFor?: (command: string) => string | undefined;
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
  /** Answers the person privately (a refusal). */
  tell(text: string): Promise<void>;
}

/** A mention or direct message outside any run's thread: a new general conversation in its thread. */
export interface ConversationRequest extends ThreadKey {
  userId: string;
  text: string;
  /** Answers the person privately (a refusal). */
  tell(text: string): Promise<void>;
}

export type FollowUpResult = 'started' | 'queued' | 'busy' | 'refused' | 'not_a_session';

export class RunRequests {
  private readonly access: AccessPolicy;

  constructor(
    private readonly d: RunnerDeps,
    private readonly owner: string,
    private readonly now: () => number,
    private readonly isAccepting: () => boolean,
    private readonly execute: (
      session: SessionRecord,
      input: TurnInput,
      user: string,
      before?: SessionRecord,
    ) => Promise<void>,
  ) {
    this.access = d.access;
  }

  private get accepting(): boolean {
    return this.isAccepting();
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

  async runCommand(req: CommandRequest): Promise<void> {
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
      details: rootDetails(params),
    });
    const threadTs = await this.postRoot(req, root);
    if (!threadTs) return;
    const key: ThreadKey = { teamId: req.teamId, channel: req.channel, threadTs };
    const harness = this.d.settings.harnessFor?.(route.command);
    const session = this.newSession(
      key,
      {
        id: route.id,
        skill: route.skill,
        skillPaths: [skillPath(this.d.settings.skillsBasePath, route.skill)],
      },
      req.userId,
      {
        title: sessionTitle(route.title(params)),
        ...(params.template ? { commandTemplateId: params.template } : {}),
        ...(harness ? { harness } : {}),
      },
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

  async runConversation(req: ConversationRequest): Promise<void> {
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
      { title: sessionTitle(req.text) },
    );
    // Only the read-only skills this person could run as commands; none at all is a refusal.
    const grant = await this.grantFor(session, req.userId, false);
    if (!grant.allowed) {
      this.d.log.info({ ...key, user: req.userId }, 'conversation refused by the access lists');
      await req.tell(grant.reason).catch((err) => this.d.log.warn({ err }, 'could not send a refusal'));
      return;
    }
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

  async runFollowUp(req: FollowUpRequest): Promise<FollowUpResult> {
    const key: ThreadKey = { teamId: req.teamId, channel: req.channel, threadTs: req.threadTs };
    const before = await this.d.store.get(key);
    if (!before) return 'not_a_session';
    // Decided for the person writing, not the thread's requester: someone else's thread is no way around the lists.
    const grant = await this.grantFor(before, req.userId, true);
    if (!grant.allowed) {
      this.d.log.info(
        { ...key, user: req.userId, route: before.routeId },
        'follow-up refused by the access lists',
      );
      await req.tell(grant.reason).catch((err) => this.d.log.warn({ err }, 'could not send a refusal'));
      return 'refused';
    }
    if (!this.accepting) {
      await this.safePost(
        key,
        `${mention(req.userId)} The bot is restarting, so your message was not sent to the agent. Send it again in a minute.`,
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
            `${mention(req.userId)} This thread is waiting for a decision on the FIS approval card above, so I did not send your message to the agent. Approve or deny it first, then ask again.`,
          );
          return 'busy';
        case 'full': {
          // Only the sender needs to know; their words are quoted back so nothing is lost.
          const n = this.d.settings.maxQueue;
          const text = `${n} message${n === 1 ? ' is' : 's are'} already waiting for the agent in this thread, so I did not queue yours. Send it again once the answers above are done:\n>${req.text.replace(/\n/g, '\n>')}`;
          const told = this.d.writer.tellPrivately
            ? await this.d.writer
                .tellPrivately(req.channel, req.userId, text, key.threadTs)
                .then(() => true)
                .catch((err) => {
                  this.d.log.warn({ err, ...key }, 'could not tell the sender privately');
                  return false;
                })
            : false;
          if (!told) await this.safePost(key, `${mention(req.userId)} ${text}`);
          return 'busy';
        }
        case 'missing':
          return 'not_a_session';
      }
    }
    return 'busy';
  }

  private grantFor(session: SessionRecord, user: string, followUp: boolean) {
    return grantTurn(
      {
        access: this.access,
        gate: this.d.gate !== undefined,
        skillsBasePath: this.d.settings.skillsBasePath,
      },
      session,
      user,
      followUp,
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

/** Slack's agent-session title: what was asked, plain and on one line, at most 200 characters. */
export function sessionTitle(text: string): string {
  const plain = text
    .replace(/[`*_~]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 199)}…` : plain || 'Conversation';
}
