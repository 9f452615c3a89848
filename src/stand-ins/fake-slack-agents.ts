/**
 * Slack's agent surfaces in the fake, with the behaviour Slack documents (docs.slack.dev, Nov 2026):
 *
 * - agents.sessions.setStatus / rename (docs.slack.dev/ai/agent-sessions): thread-scoped sessions with
 *   a status (`processing`, `active`, `suspended`, `closed`) and a title (≤ 200 characters, used only
 *   when setStatus creates the session). Only apps declared as agents may create sessions; declaring
 *   adds `assistant:write`, and thread sessions also need `chat:write`. A token without them gets
 *   `missing_scope` (the strictest reading). `channel_id` is required (@slack/web-api types; the
 *   method page says "required for public channels"), as is `status`; `thread_ts` is required for the
 *   thread sessions the fake models. `initiator_user_id` must be a member of the channel; the icon and
 *   name overrides need `chat:write.customize` (the argument types of @slack/web-api 8.2.0,
 *   node-slack-sdk packages/web-api/src/types/request/agents.ts; test/contract/slack-agent-sessions).
 *   Refusals for a missing scope name the scope needed and the token's scopes. While
 *   the app is not subscribed to `agent_session_stopped`, setStatus answers with the warning
 *   `missing_agent_session_stopped_event_subscription` and the stop button is not interactive.
 * - The native stop: shown while a session is `processing`. A click stops the app's live streams in
 *   the thread and sends `agent_session_stopped` (channel, thread_ts, user, event_ts,
 *   streaming_message_ts[]). Slack does not change the status itself: the app must.
 * - assistant.threads.setSuggestedPrompts (`assistant:write`): up to four prompts, each with title and
 *   message. For an agent app (manifest `agent_view`) a `thread_ts` makes the call fail silently.
 * - views.publish: a Home tab view (`type: home`, at most 100 blocks) for one user; `hash` must match
 *   the current view's hash when given (`hash_conflict`).
 * - An older workspace or an app without agent features: `agentSessions: false` answers
 *   `unknown_method` for the agents.* methods.
 */
import { randomBytes } from 'node:crypto';
import { validateBlocks } from './block-kit-validator.ts';
import { stopByUser, streamState } from './fake-slack-streams.ts';
import type { StoredMessage } from './fake-slack-types.ts';
import {
  canWrite,
  missingScope,
  type Result,
  visibleChannel,
  type Workspace,
} from './fake-slack-workspace.ts';

export const AGENT_STATUSES = ['processing', 'active', 'suspended', 'closed'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface FakeAgentSession {
  channel: string;
  threadTs: string;
  status: AgentStatus;
  title?: string;
  initiator?: string;
  /** Every status it had, oldest first. */
  history: AgentStatus[];
}

export interface HomeView {
  user: string;
  id: string;
  hash: string;
  blocks: unknown[];
  /** Every version published, oldest first. */
  versions: unknown[][];
}

export interface AgentHost extends Workspace {
  readonly users: Map<string, { id: string; name: string }>;
  readonly messages: StoredMessage[];
  /** Events the app is subscribed to (manifest `bot_events`); undefined: every event. */
  subscribed(event: string): boolean;
  deliverEvent(event: Record<string, unknown>): Promise<{ status: number }>;
  changedSurface(kind: 'agent_session' | 'home', key: string): void;
}

const MAX_TITLE = 200;
const MAX_PROMPTS = 4;
const MAX_HOME_BLOCKS = 100;

export class AgentSurfaces {
  readonly sessions = new Map<string, FakeAgentSession>();
  readonly homes = new Map<string, HomeView>();
  /** Suggested prompts by DM channel (the agent view). */
  readonly prompts = new Map<
    string,
    { title?: string; prompts: Array<{ title: string; message: string }> }
  >();

  constructor(private readonly h: AgentHost) {}

  session(channel: string, threadTs: string): FakeAgentSession | undefined {
    return this.sessions.get(`${channel}|${threadTs}`);
  }

  dispatch(method: string, p: Result): Result | undefined {
    switch (method) {
      case 'agents.sessions.setStatus':
        return this.setStatus(p);
      case 'agents.sessions.rename':
        return this.rename(p);
      case 'assistant.threads.setSuggestedPrompts':
        return this.setSuggestedPrompts(p);
      case 'views.publish':
        return this.publish(p);
      default:
        return undefined;
    }
  }

  /** The checks both agents.sessions methods share; the thread's key when they pass. */
  private sessionTarget(p: Result): { key: string; channel: string; threadTs: string } | { error: Result } {
    const h = this.h;
    if (h.options.agentSessions === false) return { error: { ok: false, error: 'unknown_method' } };
    for (const scope of ['assistant:write', 'chat:write'])
      if (!h.scopes.has(scope)) return { error: missingScope(h, scope) };
    if (typeof p.channel_id !== 'string' || !p.channel_id)
      return { error: { ok: false, error: 'invalid_arguments' } };
    // Thread-based sessions are the only kind the fake models: thread_ts is required.
    if (typeof p.thread_ts !== 'string' || !p.thread_ts)
      return { error: { ok: false, error: 'invalid_arguments' } };
    const ch = visibleChannel(h, p.channel_id);
    if (!ch) return { error: { ok: false, error: 'channel_not_found' } };
    if (!canWrite(h, ch)) return { error: { ok: false, error: 'not_in_channel' } };
    if (!h.message(ch.id, p.thread_ts)) return { error: { ok: false, error: 'thread_not_found' } };
    return { key: `${ch.id}|${p.thread_ts}`, channel: ch.id, threadTs: p.thread_ts };
  }

  private setStatus(p: Result): Result {
    const t = this.sessionTarget(p);
    if ('error' in t) return t.error;
    const status = p.status as AgentStatus;
    if (!AGENT_STATUSES.includes(status)) return { ok: false, error: 'invalid_arguments' };
    if (p.title !== undefined && (typeof p.title !== 'string' || p.title.length > MAX_TITLE))
      return { ok: false, error: 'invalid_arguments' };
    // The agent's name and icon for the session: chat:write.customize, a name of at most 200.
    if (['icon_emoji', 'icon_url', 'username'].some((k) => p[k] !== undefined)) {
      if (!this.h.scopes.has('chat:write.customize')) return missingScope(this.h, 'chat:write.customize');
      if (p.username !== undefined && String(p.username).length > MAX_TITLE)
        return { ok: false, error: 'invalid_arguments' };
    }
    let s = this.sessions.get(t.key);
    // "Must be a member of the channel" (only read when the call creates the session). Slack does not
    // publish the error's name; the fake refuses the call, the strictest reading.
    if (!s && p.initiator_user_id !== undefined) {
      const who = String(p.initiator_user_id);
      if (!this.h.users.has(who)) return { ok: false, error: 'user_not_found' };
      if (!this.h.channels.get(t.channel)?.members.has(who))
        return { ok: false, error: 'user_not_in_channel' };
    }
    if (!s) {
      // Title and initiator count only when the call creates the session.
      s = {
        channel: t.channel,
        threadTs: t.threadTs,
        status,
        history: [],
        ...(typeof p.title === 'string' && p.title ? { title: p.title } : {}),
        ...(typeof p.initiator_user_id === 'string' ? { initiator: p.initiator_user_id } : {}),
      };
      this.sessions.set(t.key, s);
    }
    s.status = status;
    s.history.push(status);
    this.h.changedSurface('agent_session', t.key);
    return {
      ok: true,
      status,
      ...(s.title ? { title: s.title } : {}),
      ...(this.h.subscribed('agent_session_stopped')
        ? {}
        : { warning: 'missing_agent_session_stopped_event_subscription' }),
    };
  }

  private rename(p: Result): Result {
    const t = this.sessionTarget(p);
    if ('error' in t) return t.error;
    if (typeof p.title !== 'string' || p.title.length < 1 || p.title.length > MAX_TITLE)
      return { ok: false, error: 'invalid_arguments' };
    const s = this.sessions.get(t.key);
    // Reported by other clients of this method (it renames; setStatus creates).
    if (!s) return { ok: false, error: 'session_not_found' };
    s.title = p.title;
    this.h.changedSurface('agent_session', t.key);
    return { ok: true, title: s.title };
  }

  private setSuggestedPrompts(p: Result): Result {
    const h = this.h;
    if (!h.scopes.has('assistant:write')) return missingScope(h, 'assistant:write');
    const ch = visibleChannel(h, p.channel_id);
    if (!ch) return { ok: false, error: 'channel_not_found' };
    const prompts = (typeof p.prompts === 'string' ? JSON.parse(p.prompts) : p.prompts) as unknown;
    if (
      !Array.isArray(prompts) ||
      prompts.length === 0 ||
      prompts.length > MAX_PROMPTS ||
      !prompts.every(
        (x) => typeof x?.title === 'string' && x.title && typeof x?.message === 'string' && x.message,
      )
    )
      return { ok: false, error: 'invalid_arguments' };
    // "Including [thread_ts] in a call for an agent app will cause the call to silently fail."
    if (p.thread_ts !== undefined && h.options.agentView !== false) return { ok: true };
    this.prompts.set(ch.id, {
      ...(typeof p.title === 'string' ? { title: p.title } : {}),
      prompts: prompts as Array<{ title: string; message: string }>,
    });
    this.h.changedSurface('agent_session', ch.id);
    return { ok: true };
  }

  private publish(p: Result): Result {
    const h = this.h;
    const user = typeof p.user_id === 'string' ? p.user_id : '';
    const view = (typeof p.view === 'string' ? JSON.parse(p.view) : p.view) as
      | { type?: string; blocks?: unknown[] }
      | undefined;
    if (!user || !view) return { ok: false, error: 'invalid_arguments' };
    if (!h.users.has(user)) return { ok: false, error: 'user_not_found' };
    if (view.type !== 'home' || !Array.isArray(view.blocks)) return { ok: false, error: 'invalid_arguments' };
    if (view.blocks.length > MAX_HOME_BLOCKS) return { ok: false, error: 'invalid_blocks' };
    const problem = validateBlocks(view.blocks, { maxBlocks: MAX_HOME_BLOCKS, surface: 'view' });
    if (problem) return { ok: false, error: problem.error };
    const current = this.homes.get(user);
    if (typeof p.hash === 'string' && current && p.hash !== current.hash)
      return { ok: false, error: 'hash_conflict' };
    const next: HomeView = {
      user,
      id: current?.id ?? `V0${randomBytes(4).toString('hex').toUpperCase()}`,
      hash: `${Date.now()}.${randomBytes(4).toString('hex')}`,
      blocks: view.blocks,
      versions: [...(current?.versions ?? []), view.blocks],
    };
    this.homes.set(user, next);
    this.h.changedSurface('home', user);
    return {
      ok: true,
      view: {
        id: next.id,
        team_id: h.teamId,
        type: 'home',
        blocks: view.blocks,
        hash: next.hash,
        app_id: 'A0FAKEAPP',
        bot_id: h.botId,
      },
    };
  }

  // ---- the person's hand ----------------------------------------------------------------------

  /**
   * A person presses the native stop on a session that is processing: Slack stops the app's live
   * streams in the thread, then sends agent_session_stopped. Without the subscription there is no
   * interactive button, so nothing happens (returns false).
   */
  async pressStop(channel: string, threadTs: string, user: string): Promise<boolean> {
    const s = this.session(channel, threadTs);
    if (s?.status !== 'processing') throw new Error(`no processing agent session in ${channel}/${threadTs}`);
    if (!this.h.subscribed('agent_session_stopped')) return false;
    const stopped: string[] = [];
    for (const m of this.h.messages) {
      if (m.channel !== channel || m.threadTs !== threadTs || m.botId !== this.h.botId) continue;
      if (streamState(this.h, m) !== 'streaming') continue;
      stopByUser(this.h, m, user);
      stopped.push(m.ts);
    }
    await this.h.deliverEvent({
      type: 'agent_session_stopped',
      channel,
      thread_ts: threadTs,
      user,
      event_ts: this.h.nextTs(),
      streaming_message_ts: stopped,
    });
    return true;
  }

  /** A person opens the app's Home tab (app_home_opened, when subscribed). */
  async openHome(user: string): Promise<boolean> {
    if (!this.h.subscribed('app_home_opened')) return false;
    await this.h.deliverEvent({
      type: 'app_home_opened',
      user,
      channel: `D${user.slice(1)}`,
      tab: 'home',
      event_ts: this.h.nextTs(),
      ...(this.homes.get(user) ? { view: { id: this.homes.get(user)!.id, type: 'home' } } : {}),
    });
    return true;
  }

  /** A person opens the agent view (a new thread in their DM with the app). */
  async openAgentView(user: string, dm: string): Promise<{ threadTs: string } | undefined> {
    if (!this.h.subscribed('assistant_thread_started')) return undefined;
    const threadTs = this.h.nextTs();
    // Slack opens the thread with a message of the app's, which the conversation hangs under.
    this.h.store({ channel: dm, ts: threadTs, botId: this.h.botId, text: '' });
    await this.h.deliverEvent({
      type: 'assistant_thread_started',
      assistant_thread: {
        user_id: user,
        context: { channel_id: dm, team_id: this.h.teamId },
        channel_id: dm,
        thread_ts: threadTs,
      },
      event_ts: threadTs,
    });
    return { threadTs };
  }
}
