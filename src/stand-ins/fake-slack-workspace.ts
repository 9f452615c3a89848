/**
 * The fake workspace's state and the rules every message method shares: which channels the bot can
 * see, what a message may contain, and how messages are stored (each edit kept as a version).
 */
import { validateBlocks } from './block-kit-validator.ts';
import type { Channel, FakeSlackOptions, MessageMetadata, StoredMessage } from './fake-slack-types.ts';

export type Result = Record<string, unknown>;

export interface Workspace {
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly options: FakeSlackOptions;
  readonly channels: Map<string, Channel>;
  readonly scopes: Set<string>;
  message(channel: string, ts: string): StoredMessage | undefined;
  store(m: Omit<StoredMessage, 'versions'>): StoredMessage;
  nextTs(): string;
  changed(kind: 'message' | 'edit', channel: string, ts: string): void;
  /** Delivers the bot's own new message back to it as an event, as Slack does. */
  echo(msg: StoredMessage): void;
  /** The app's DM with a person (opened on first use), for a chat.postMessage to a user id. */
  imWith?(user: string): string | undefined;
}

/** Slack's message text limit (longer `text` is refused). */
const MAX_TEXT = 40_000;

/**
 * The channel, if the bot can see it. A private channel (or DM) the bot is not in does not exist
 * as far as its token is concerned: Slack answers channel_not_found, not not_in_channel.
 */
export function visibleChannel(ws: Workspace, id: unknown): Channel | undefined {
  const ch = ws.channels.get(String(id));
  if (!ch) return undefined;
  if ((ch.isPrivate || ch.kind !== 'channel') && !ch.members.has(ws.botUserId)) return undefined;
  return ch;
}

/** Whether the bot may write in the channel: a member, or chat:write.public in a public channel. */
/**
 * Slack's refusal for a token without the method's scope: it names the scope needed and the scopes
 * the token has (`needed`, `provided`: the fields of every method's response type in @slack/web-api).
 */
export function missingScope(ws: Workspace, scope: string): Result {
  return { ok: false, error: 'missing_scope', needed: scope, provided: [...ws.scopes].join(',') };
}

export function canWrite(ws: Workspace, ch: Channel): boolean {
  return (
    ch.members.has(ws.botUserId) ||
    (!ch.isPrivate && ch.kind === 'channel' && ws.scopes.has('chat:write.public'))
  );
}

export function content(p: Result): { text: string; blocks?: unknown[] } | { error: string } {
  const text = typeof p.text === 'string' ? p.text : '';
  const blocks = p.blocks === undefined ? undefined : (p.blocks as unknown[]);
  if (!text && (!blocks || blocks.length === 0)) return { error: 'no_text' };
  if (text.length > MAX_TEXT) return { error: 'msg_too_long' };
  if (blocks !== undefined) {
    const problem = validateBlocks(blocks);
    if (problem) return { error: problem.error };
  }
  return { text, blocks };
}

/**
 * chat.postMessage `metadata` as Slack takes it: a JSON object (the form carries it JSON-encoded)
 * with an `event_type` and an `event_payload` object, else invalid_metadata_format. An event_type
 * with anything but letters, digits, underscores and hyphens is Slack's invalid_metadata_schema:
 * the post goes through without the metadata, with a warning (Slack's "Using message metadata").
 */
export function metadataOf(p: Result): { metadata?: MessageMetadata; warning?: string } | { error: string } {
  if (p.metadata === undefined) return {};
  const m = p.metadata as { event_type?: unknown; event_payload?: unknown };
  if (
    typeof m !== 'object' ||
    m === null ||
    Array.isArray(m) ||
    typeof m.event_type !== 'string' ||
    typeof m.event_payload !== 'object' ||
    m.event_payload === null ||
    Array.isArray(m.event_payload)
  )
    return { error: 'invalid_metadata_format' };
  if (!/^[A-Za-z0-9_-]+$/.test(m.event_type)) return { warning: 'invalid_metadata_schema' };
  return {
    metadata: { event_type: m.event_type, event_payload: m.event_payload as Record<string, unknown> },
  };
}

/** Whether a read (conversations.history / replies) asked for metadata: Slack returns it only then. */
export function wantsMetadata(p: Result): boolean {
  return [true, 1, 'true', '1'].includes(p.include_all_metadata as never);
}

/** A message as Slack returns it for the current app: bot_id and bot_profile, no bot_message subtype. */
export function messageObject(ws: Workspace, m: StoredMessage, withMetadata = false): Result {
  return {
    type: 'message',
    text: m.text,
    user: ws.botUserId,
    bot_id: ws.botId,
    app_id: 'A0FAKEAPP',
    team: ws.teamId,
    bot_profile: {
      id: ws.botId,
      app_id: 'A0FAKEAPP',
      name: 'agentcore-bot',
      deleted: false,
      updated: 1_700_000_000,
      team_id: ws.teamId,
      icons: { image_36: 'https://example.com/36.png', image_48: 'https://example.com/48.png' },
    },
    ts: m.ts,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
    // A message that shares files lists them (the recorded conversations.replies answer's `files`).
    ...(m.files ? { files: m.files.map((f) => ({ id: f.id, name: f.name, title: f.title })) } : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}

export function postMessage(ws: Workspace, p: Result): Result {
  // A user id as the channel posts in the app's DM with that person (its App Home Messages tab).
  const target =
    typeof p.channel === 'string' && /^[UW]/.test(p.channel) ? ws.imWith?.(p.channel) : p.channel;
  const ch = visibleChannel(ws, target);
  if (!ch) return { ok: false, error: 'channel_not_found' };
  if (!canWrite(ws, ch)) return { ok: false, error: 'not_in_channel' };
  const c = content(p);
  if ('error' in c) return { ok: false, error: c.error };
  const meta = metadataOf(p);
  if ('error' in meta) return { ok: false, error: meta.error };
  const threadTs = p.thread_ts ? String(p.thread_ts) : undefined;
  if (threadTs && !ws.message(ch.id, threadTs)) return { ok: false, error: 'thread_not_found' };
  const msg = ws.store({
    channel: ch.id,
    ts: ws.nextTs(),
    threadTs,
    botId: ws.botId,
    ...c,
    ...(meta.metadata ? { metadata: meta.metadata } : {}),
  });
  ws.echo(msg);
  return {
    ok: true,
    channel: ch.id,
    ts: msg.ts,
    message: messageObject(ws, msg, true),
    ...(meta.warning ? { response_metadata: { messages: [`[WARN] ${meta.warning}`] } } : {}),
  };
}

/** chat.update; a stream that ended by itself is repaired by it, one still streaming is refused. */
export function update(
  ws: Workspace,
  p: Result,
  streamState: (m: StoredMessage) => string | undefined,
): Result {
  const ch = visibleChannel(ws, p.channel);
  if (!ch) return { ok: false, error: 'channel_not_found' };
  const msg = ws.message(ch.id, String(p.ts));
  if (!msg) return { ok: false, error: 'message_not_found' };
  if (msg.botId !== ws.botId) return { ok: false, error: 'cant_update_message' };
  if (streamState(msg) === 'streaming') return { ok: false, error: 'streaming_state_conflict' };
  const c = content(p);
  if ('error' in c) return { ok: false, error: c.error };
  msg.text = c.text;
  msg.blocks = c.blocks;
  // The edit replaces the streamed look: the message is an ordinary one from now on.
  if (msg.stream && msg.stream.state !== 'completed') msg.stream.state = 'completed';
  msg.versions.push({ text: c.text, blocks: c.blocks, at: Date.now() });
  ws.changed('edit', ch.id, msg.ts);
  // Slack's chat.update answer carries the edited message without its ts / thread_ts.
  const { ts: _ts, thread_ts: _thread, ...edited } = messageObject(ws, msg);
  return {
    ok: true,
    channel: ch.id,
    ts: msg.ts,
    text: msg.text,
    message: { ...edited, edited: { user: ws.botId, ts: ws.nextTs() } },
  };
}
