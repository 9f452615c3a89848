/**
 * The fake Slack's Web API router: token checks, forced failures, then one handler per method.
 * Message methods live in fake-slack-workspace.ts, streaming in fake-slack-streams.ts; the
 * smaller methods (auth, files upload v2, reactions, channels, users, user groups) are here.
 */
import type { AgentSurfaces } from './fake-slack-agents.ts';
import { conversationReplies } from './fake-slack-history.ts';
import { appendStream, startStream, stopStream, streamState } from './fake-slack-streams.ts';
import type { EphemeralPost, StoredMessage, UploadedFile } from './fake-slack-types.ts';
import {
  canWrite,
  content,
  missingScope,
  postMessage,
  type Result,
  update,
  visibleChannel,
  type Workspace,
  wantsMetadata,
} from './fake-slack-workspace.ts';

export interface ApiHost extends Workspace {
  readonly url: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly users: Map<string, { id: string; name: string; deleted?: boolean }>;
  readonly userGroups: Map<string, string[]>;
  readonly uploads: Map<string, { name: string; length: number; content?: string; completed?: boolean }>;
  readonly messages: readonly StoredMessage[];
  readonly fileShareDelayMs: number;
  pushEphemeral(e: EphemeralPost): void;
  newFileId(): string;
  readonly agents: AgentSurfaces;
  replies(channel: string, threadTs: string): StoredMessage[];
}

export class WebApiRouter {
  private readonly failures: Array<{ method: string; error: string; times: number }> = [];

  constructor(private readonly h: ApiHost) {}

  /** The next `times` calls to `method` fail with this Slack error. */
  failNext(method: string, error: string, times = 1): void {
    this.failures.push({ method, error, times });
  }

  /** Ends forced failures of `method` (an outage is over). */
  clearFailures(method: string): void {
    for (const f of this.failures) if (f.method === method) f.times = 0;
  }

  dispatch(method: string, p: Result, token: string | undefined): Result {
    const h = this.h;
    if (!token) return { ok: false, error: 'not_authed' };
    if (method === 'apps.connections.open') {
      if (token !== h.appToken)
        return { ok: false, error: token.startsWith('xoxb-') ? 'not_allowed_token_type' : 'invalid_auth' };
      return { ok: true, url: `${h.url.replace('http', 'ws')}/socket` };
    }
    if (token !== h.botToken) return { ok: false, error: 'invalid_auth' };
    const forced = this.failures.find((f) => f.method === method && f.times > 0);
    if (forced) {
      forced.times--;
      return { ok: false, error: forced.error };
    }
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake Workspace',
          user: 'agentcore-bot',
          team_id: h.teamId,
          user_id: h.botUserId,
          bot_id: h.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return postMessage(h, p);
      case 'chat.update':
        return update(h, p, (m) => streamState(h, m));
      case 'chat.startStream':
        return startStream(h, p);
      case 'chat.appendStream':
        return appendStream(h, p);
      case 'chat.stopStream':
        return stopStream(h, p);
      case 'chat.postEphemeral':
        return this.postEphemeral(p);
      case 'files.getUploadURLExternal':
        return this.uploadUrl(p);
      case 'files.completeUploadExternal':
        return this.completeUpload(p);
      case 'conversations.join':
        return this.join(p);
      case 'conversations.history':
        return this.history(p);
      case 'conversations.replies':
        return conversationReplies(h, p);
      case 'usergroups.users.list': {
        if (!h.scopes.has('usergroups:read')) return missingScope(h, 'usergroups:read');
        const members = h.userGroups.get(String(p.usergroup));
        if (!members) return { ok: false, error: 'no_such_subteam' };
        return { ok: true, users: members };
      }
      case 'users.info': {
        // Slack's Web API spec: users.info needs users:read (test/contract/slack-scopes.test.ts).
        if (!h.scopes.has('users:read')) return missingScope(h, 'users:read');
        const u = h.users.get(String(p.user));
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: u.id,
            name: u.name,
            deleted: u.deleted ?? false,
            real_name: u.name,
            profile: { display_name: u.name },
          },
        };
      }
      case 'reactions.add':
      case 'reactions.remove':
        return this.reaction(method, p);
      default:
        return h.agents.dispatch(method, p) ?? { ok: false, error: 'unknown_method' };
    }
  }

  private postEphemeral(p: Result): Result {
    const ch = visibleChannel(this.h, p.channel);
    if (!ch) return { ok: false, error: 'channel_not_found' };
    if (!ch.members.has(this.h.botUserId)) return { ok: false, error: 'not_in_channel' };
    const c = content(p);
    if ('error' in c) return { ok: false, error: c.error };
    this.h.pushEphemeral({
      channel: ch.id,
      user: String(p.user),
      ...c,
      ...(p.thread_ts ? { threadTs: String(p.thread_ts) } : {}),
    });
    return { ok: true, message_ts: this.h.nextTs() };
  }

  /**
   * The newest messages of a channel (between `oldest` and `latest`). A bot token reads only channels it is a member of: a public
   * channel it has not joined answers not_in_channel, a private one it cannot see channel_not_found.
   */
  private history(p: Result): Result {
    const ch = visibleChannel(this.h, p.channel);
    if (!ch) return { ok: false, error: 'channel_not_found' };
    const scope =
      ch.kind === 'im'
        ? 'im:history'
        : ch.kind === 'mpim' || ch.isPrivate
          ? 'groups:history'
          : 'channels:history';
    if (!this.h.scopes.has(scope)) return missingScope(this.h, scope);
    if (!ch.members.has(this.h.botUserId)) return { ok: false, error: 'not_in_channel' };
    const limit = Math.min(Math.max(Number(p.limit ?? 100) || 100, 1), 999);
    const oldest = p.oldest === undefined ? undefined : Number(p.oldest);
    const latest = p.latest === undefined ? undefined : Number(p.latest);
    if (Number.isNaN(oldest)) return { ok: false, error: 'invalid_ts_oldest' };
    if (Number.isNaN(latest)) return { ok: false, error: 'invalid_ts_latest' };
    const inclusive = [true, 1, 'true', '1'].includes(p.inclusive as never);
    const inRange = (ts: number) =>
      (oldest === undefined || ts > oldest || (inclusive && ts === oldest)) &&
      (latest === undefined || ts < latest || (inclusive && ts === latest));
    const all = this.h.messages.filter((m) => m.channel === ch.id && !m.threadTs && inRange(Number(m.ts)));
    const newest = all.slice(-limit).reverse();
    // Slack returns message metadata only to a read that asks for it.
    const withMetadata = wantsMetadata(p);
    return {
      ok: true,
      messages: newest.map((m) => ({
        type: 'message',
        text: m.text,
        ts: m.ts,
        ...(m.botId ? { bot_id: m.botId } : {}),
        ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
      })),
      has_more: all.length > limit,
      pin_count: 0,
      response_metadata: { next_cursor: '' },
    };
  }

  private join(p: Result): Result {
    const ch = visibleChannel(this.h, p.channel);
    if (!ch) return { ok: false, error: 'channel_not_found' };
    if (!this.h.scopes.has('channels:join')) return missingScope(this.h, 'channels:join');
    if (ch.isPrivate || ch.kind !== 'channel')
      return { ok: false, error: 'method_not_supported_for_channel_type' };
    ch.members.add(this.h.botUserId);
    return { ok: true, channel: { id: ch.id, name: ch.name, is_member: true } };
  }

  private reaction(method: string, p: Result): Result {
    if (!this.h.scopes.has('reactions:write')) return missingScope(this.h, 'reactions:write');
    const ch = visibleChannel(this.h, p.channel);
    if (!ch) return { ok: false, error: 'channel_not_found' };
    const m = this.h.message(ch.id, String(p.timestamp));
    if (!m) return { ok: false, error: 'message_not_found' };
    const name = String(p.name);
    m.reactions ??= new Set();
    if (method === 'reactions.add') {
      if (m.reactions.has(name)) return { ok: false, error: 'already_reacted' };
      m.reactions.add(name);
    } else {
      if (!m.reactions.has(name)) return { ok: false, error: 'no_reaction' };
      m.reactions.delete(name);
    }
    this.h.changed('edit', m.channel, m.ts);
    return { ok: true };
  }

  private uploadUrl(p: Result): Result {
    if (!this.h.scopes.has('files:write')) return missingScope(this.h, 'files:write');
    const length = Number(p.length);
    if (!p.filename || !Number.isInteger(length) || length < 1)
      return { ok: false, error: 'invalid_arguments' };
    const id = this.h.newFileId();
    this.h.uploads.set(id, { name: String(p.filename), length });
    return { ok: true, upload_url: `${this.h.url}/upload/${id}`, file_id: id };
  }

  private completeUpload(p: Result): Result {
    const h = this.h;
    if (!h.scopes.has('files:write')) return missingScope(h, 'files:write');
    const list = (typeof p.files === 'string' ? JSON.parse(p.files) : p.files) as
      | Array<{ id?: string; title?: string }>
      | undefined;
    if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
    const files: UploadedFile[] = [];
    for (const f of list) {
      const up = f.id ? h.uploads.get(f.id) : undefined;
      if (!up || up.content === undefined) return { ok: false, error: 'file_not_found' };
      if (Buffer.byteLength(up.content) !== up.length)
        return { ok: false, error: 'file_upload_size_mismatch' };
      files.push({ id: f.id!, name: up.name, title: f.title ?? up.name, content: up.content });
    }
    // A completed file stays a file: completing it again shares it again, in a message of its own.
    // Slack documents no deduplication of this call and a file may be shared in several places (the
    // recorded answer's `shares`), so the strictest reading of a repeated call is a second share.
    for (const f of files) h.uploads.get(f.id)!.completed = true;
    const channel = p.channel_id ? String(p.channel_id) : undefined;
    if (channel) {
      const ch = visibleChannel(h, channel);
      if (!ch) return { ok: false, error: 'channel_not_found' };
      if (!canWrite(h, ch) || !ch.members.has(h.botUserId)) return { ok: false, error: 'not_in_channel' };
      const threadTs = p.thread_ts ? String(p.thread_ts) : undefined;
      if (threadTs && !h.message(ch.id, threadTs)) return { ok: false, error: 'thread_not_found' };
      const text = typeof p.initial_comment === 'string' ? p.initial_comment : '';
      const share = () =>
        h.store({
          channel: ch.id,
          ts: h.nextTs(),
          threadTs,
          botId: h.botId,
          text,
          // Part of the message when it appears (the 'message' change carries them).
          files,
        });
      if (h.fileShareDelayMs > 0) setTimeout(share, h.fileShareDelayMs).unref();
      else share();
    }
    return { ok: true, files: files.map((f) => ({ id: f.id, name: f.name, title: f.title })) };
  }
}
