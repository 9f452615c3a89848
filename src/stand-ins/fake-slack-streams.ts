/**
 * Native streaming as Slack behaves in the field (chat.startStream / appendStream / stopStream):
 *
 * - Where: a thread reply; outside a DM the stream needs recipient_user_id and recipient_team_id
 *   (Slack's method reference); group DMs answer channel_type_not_supported.
 * - Content mode: the opening call fixes it. Opened with `chunks` the stream takes only chunks;
 *   opened with markdown_text or with nothing it takes only markdown_text. Anything else is
 *   `streaming_mode_mismatch` (reported by several independent clients).
 * - Size: at most 12,000 characters of markdown per call, and a streamed message holds at most
 *   ~10.6k UTF-8 bytes in all (the lowest reported cap), then `msg_too_long`.
 * - Lifetime: a stream ends by itself about five minutes after it starts, and after an idle gap.
 *   Then appends and stops answer `message_not_in_streaming_state` and the message keeps a broken,
 *   still-streaming look (`expired`) until chat.update replaces it. While a stream is live,
 *   chat.update on it is refused with `streaming_state_conflict`.
 * - A person can press Slack's own stop: then appends and stops answer `stopped_by_user`.
 * - Only the app that started a stream may write to it: `message_not_owned_by_app` otherwise.
 */
import { validateBlocks } from './block-kit-validator.ts';
import type { StoredMessage, StreamState } from './fake-slack-types.ts';
import { canWrite, type Result, visibleChannel, type Workspace } from './fake-slack-workspace.ts';

const MARKDOWN_PER_CALL = 12_000;
/** The lowest reported cumulative size of one streamed message (CopilotKit#6244: 10.6k–11.3k bytes). */
export const STREAMED_MESSAGE_BYTES = 10_600;
const DEFAULT_LIFETIME_MS = 300_000;
const DEFAULT_IDLE_MS = 120_000;

type Task = { title: string; status: string; output?: string };
type Added = { markdown: string; tasks: Array<[string, Task]>; chunks: boolean };

/** The stream's state now, ending it first if its lifetime or idle gap has passed. */
export function streamState(ws: Workspace, msg: StoredMessage): StreamState['state'] | undefined {
  const s = msg.stream;
  if (!s) return undefined;
  if (s.state === 'streaming') {
    const now = Date.now();
    const lifetime = ws.options.streamLifetimeMs ?? DEFAULT_LIFETIME_MS;
    const idle = ws.options.streamIdleMs ?? DEFAULT_IDLE_MS;
    if (now - s.startedAt > lifetime || now - s.lastWriteAt > idle) {
      s.state = 'expired';
      ws.changed('edit', msg.channel, msg.ts);
    }
  }
  return s.state;
}

export function startStream(ws: Workspace, p: Result): Result {
  const ch = visibleChannel(ws, p.channel);
  if (!ch) return { ok: false, error: 'channel_not_found' };
  if (ch.kind === 'mpim') return { ok: false, error: 'channel_type_not_supported' };
  if (!canWrite(ws, ch)) return { ok: false, error: 'not_in_channel' };
  const threadTs = p.thread_ts ? String(p.thread_ts) : undefined;
  if (!threadTs) return { ok: false, error: 'invalid_arguments' };
  if (!ws.message(ch.id, threadTs)) return { ok: false, error: 'thread_not_found' };
  // "A timeline displays individual tasks with text and plan displays all tasks together."
  if (
    p.task_display_mode !== undefined &&
    p.task_display_mode !== 'timeline' &&
    p.task_display_mode !== 'plan'
  )
    return { ok: false, error: 'invalid_arguments' };
  // "Required when streaming to channels": in a DM Slack knows whom the stream answers.
  if (ch.kind !== 'im') {
    if (!p.recipient_team_id) return { ok: false, error: 'missing_recipient_team_id' };
    if (!p.recipient_user_id) return { ok: false, error: 'missing_recipient_user_id' };
  }
  const added = streamContent(p);
  if ('error' in added) return { ok: false, error: added.error };
  if (Buffer.byteLength(added.markdown) > STREAMED_MESSAGE_BYTES) return { ok: false, error: 'msg_too_long' };
  const now = Date.now();
  const msg = ws.store({
    channel: ch.id,
    ts: ws.nextTs(),
    threadTs,
    botId: ws.botId,
    text: added.markdown,
    blocks: added.markdown ? [{ type: 'markdown', text: added.markdown }] : [],
  });
  msg.stream = {
    state: 'streaming',
    startedAt: now,
    lastWriteAt: now,
    mode: added.chunks ? 'chunks' : 'text',
    ...(p.recipient_user_id ? { recipientUserId: String(p.recipient_user_id) } : {}),
    ...(p.recipient_team_id ? { recipientTeamId: String(p.recipient_team_id) } : {}),
    markdown: added.markdown,
    tasks: new Map(added.tasks),
    ...(p.task_display_mode ? { display: String(p.task_display_mode) } : {}),
  };
  ws.echo(msg);
  return { ok: true, channel: ch.id, ts: msg.ts };
}

/** The streamed message if it can still be written, else Slack's error. */
function writable(ws: Workspace, p: Result): StoredMessage | { error: string } {
  const ch = visibleChannel(ws, p.channel);
  if (!ch) return { error: 'channel_not_found' };
  const msg = ws.message(ch.id, String(p.ts));
  if (!msg) return { error: 'message_not_found' };
  if (msg.botId !== ws.botId) return { error: 'message_not_owned_by_app' };
  const state = streamState(ws, msg);
  if (state === 'stopped_by_user') return { error: 'stopped_by_user' };
  if (state !== 'streaming') return { error: 'message_not_in_streaming_state' };
  return msg;
}

function accepts(msg: StoredMessage, added: Added): string | undefined {
  const s = msg.stream!;
  if (added.chunks && s.mode === 'text') return 'streaming_mode_mismatch';
  if (added.markdown && !added.chunks && s.mode === 'chunks') return 'streaming_mode_mismatch';
  if (Buffer.byteLength(s.markdown + added.markdown) > STREAMED_MESSAGE_BYTES) return 'msg_too_long';
  return undefined;
}

export function appendStream(ws: Workspace, p: Result): Result {
  const msg = writable(ws, p);
  if ('error' in msg) return { ok: false, error: msg.error };
  const added = streamContent(p);
  if ('error' in added) return { ok: false, error: added.error };
  if (!added.markdown && added.tasks.length === 0) return { ok: false, error: 'no_text' };
  const refused = accepts(msg, added);
  if (refused) return { ok: false, error: refused };
  apply(ws, msg, added);
  return { ok: true, channel: msg.channel, ts: msg.ts };
}

export function stopStream(ws: Workspace, p: Result): Result {
  const msg = writable(ws, p);
  if ('error' in msg) return { ok: false, error: msg.error };
  const added = streamContent(p);
  if ('error' in added) return { ok: false, error: added.error };
  const refused = accepts(msg, added);
  if (refused) return { ok: false, error: refused };
  const extra = p.blocks === undefined ? [] : (p.blocks as unknown[]);
  if (extra.length > 0) {
    const problem = validateBlocks(extra);
    if (problem) return { ok: false, error: problem.error };
  }
  msg.stream!.state = 'completed';
  apply(ws, msg, added, extra);
  // Slack's recorded chat.stopStream answer has no channel or ts.
  return { ok: true };
}

/** A person presses Slack's stop on a live stream (the test's hand). */
export function stopByUser(ws: Workspace, msg: StoredMessage, user: string): void {
  if (streamState(ws, msg) !== 'streaming') throw new Error('that message is not streaming');
  msg.stream!.state = 'stopped_by_user';
  msg.stream!.stoppedBy = user;
  ws.changed('edit', msg.channel, msg.ts);
}

function apply(ws: Workspace, msg: StoredMessage, added: Added, extraBlocks: unknown[] = []): void {
  const s = msg.stream!;
  s.markdown += added.markdown;
  s.lastWriteAt = Date.now();
  for (const [id, t] of added.tasks) s.tasks.set(id, { ...s.tasks.get(id), ...t });
  msg.text = s.markdown;
  msg.blocks = [...(s.markdown ? [{ type: 'markdown', text: s.markdown }] : []), ...extraBlocks];
  msg.versions.push({ text: msg.text, blocks: msg.blocks, at: Date.now() });
  ws.changed('edit', msg.channel, msg.ts);
}

/** What a stream call adds: markdown_text, or markdown_text / task_update chunks. */
function streamContent(p: Result): Added | { error: string } {
  const text = typeof p.markdown_text === 'string' ? p.markdown_text : '';
  const tasks: Added['tasks'] = [];
  const chunks = (typeof p.chunks === 'string' ? JSON.parse(p.chunks) : p.chunks) as
    | Array<Record<string, unknown>>
    | undefined;
  if (chunks !== undefined && !Array.isArray(chunks)) return { error: 'invalid_chunks' };
  if (text && chunks?.length) return { error: 'invalid_arguments' };
  let markdown = text;
  for (const c of chunks ?? []) {
    if (c.type === 'markdown_text' && typeof c.text === 'string') markdown += c.text;
    else if (c.type === 'task_update' && typeof c.id === 'string' && typeof c.title === 'string') {
      if (c.title.length > 256) return { error: 'invalid_chunks' };
      if (!['pending', 'in_progress', 'complete', 'error'].includes(String(c.status ?? 'pending')))
        return { error: 'invalid_chunks' };
      for (const f of ['details', 'output'])
        if (c[f] !== undefined && (typeof c[f] !== 'string' || (c[f] as string).length > 256))
          return { error: 'invalid_chunks' };
      tasks.push([
        c.id,
        {
          title: c.title,
          status: String(c.status ?? 'pending'),
          ...(typeof c.output === 'string' ? { output: c.output } : {}),
        },
      ]);
    } else return { error: 'invalid_chunks' };
  }
  if (markdown.length > MARKDOWN_PER_CALL) return { error: 'msg_too_long' };
  return { markdown, tasks, chunks: (chunks?.length ?? 0) > 0 };
}
