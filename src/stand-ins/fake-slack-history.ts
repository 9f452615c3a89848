/**
 * conversations.replies as Slack answers a bot token: the channel must be one the bot can see and
 * is in, the history scope for its kind must have been granted, `ts` must be an existing message
 * (the thread's parent, which always comes first), and `oldest`/`latest`/`inclusive` bound the
 * replies that follow it; message metadata comes back only with `include_all_metadata`. Pagination is not modelled: a `cursor` is refused rather than ignored.
 * (Slack's description: Web API spec `conversations.replies`; sample answer in
 * test/fixtures/slack-web-api/responses/conversations.replies.json.)
 */
import type { StoredMessage } from './fake-slack-types.ts';
import {
  messageObject,
  missingScope,
  type Result,
  visibleChannel,
  type Workspace,
  wantsMetadata,
} from './fake-slack-workspace.ts';

export interface HistoryHost extends Workspace {
  replies(channel: string, threadTs: string): StoredMessage[];
}

export function conversationReplies(h: HistoryHost, p: Result): Result {
  if (p.channel === undefined || p.ts === undefined) return { ok: false, error: 'invalid_arguments' };
  const ch = visibleChannel(h, p.channel);
  if (!ch) return { ok: false, error: 'channel_not_found' };
  const scope =
    ch.kind === 'im'
      ? 'im:history'
      : ch.kind === 'mpim'
        ? 'mpim:history'
        : ch.isPrivate
          ? 'groups:history'
          : 'channels:history';
  if (!h.scopes.has(scope)) return missingScope(h, scope);
  if (!ch.members.has(h.botUserId)) return { ok: false, error: 'not_in_channel' };
  if (p.cursor !== undefined && p.cursor !== '') return { ok: false, error: 'invalid_cursor' };
  const parent = h.message(ch.id, String(p.ts));
  if (!parent) return { ok: false, error: 'thread_not_found' };
  const limit = p.limit === undefined ? 1000 : Number(p.limit);
  if (!Number.isInteger(limit) || limit < 1) return { ok: false, error: 'invalid_limit' };
  const inclusive = [true, 1, 'true', '1'].includes(p.inclusive as never);
  const oldest = p.oldest === undefined ? undefined : Number(p.oldest);
  const latest = p.latest === undefined ? undefined : Number(p.latest);
  if (Number.isNaN(oldest)) return { ok: false, error: 'invalid_ts_oldest' };
  if (Number.isNaN(latest)) return { ok: false, error: 'invalid_ts_latest' };
  const inRange = (ts: number) =>
    (oldest === undefined || ts > oldest || (inclusive && ts === oldest)) &&
    (latest === undefined || ts < latest || (inclusive && ts === latest));
  const all = [parent, ...h.replies(ch.id, parent.ts).filter((m) => inRange(Number(m.ts)))];
  const page = all.slice(0, Math.min(limit, 1000));
  const withMetadata = wantsMetadata(p);
  return {
    ok: true,
    messages: page.map((m) =>
      m.botId
        ? messageObject(h, m, withMetadata)
        : {
            type: 'message',
            user: m.user,
            text: m.text,
            ts: m.ts,
            team: h.teamId,
            ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
            ...(m.blocks ? { blocks: m.blocks } : {}),
          },
    ),
    has_more: all.length > page.length,
    response_metadata: { next_cursor: '' },
  };
}
