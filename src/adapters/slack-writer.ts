/**
 * SlackWriter over @slack/web-api. Slack's errors become SlackWriteError with Slack's own code,
 * so the core can tell "content refused" from "rate limited" from "not in channel".
 *
 * Two clients: `critical` for posts, final edits, streams and uploads; `progress` for intermediate
 * edits. Both should be built with `rejectRateLimitedCalls: true` so a 429 comes back to the
 * scheduler at once instead of pausing the client's whole request queue; the scheduler then waits
 * Retry-After for that one method. The progress client should not retry at all (the next edit
 * carries the latest text anyway).
 *
 * Posts and the completion of file uploads go through `posts`, a client that does not retry on its
 * own, and postOnce / completeUploadOnce (slack-post-once.ts, slack-upload-once.ts): a write whose
 * answer was lost is looked for in the conversation before it is sent again, since Slack
 * deduplicates neither. Without `posts` they use `critical` (whose own retries may then duplicate
 * a write Slack answered too late). The lookups go through `reads` (the scheduler) when given, so a
 * 429 on one is waited out instead of ending the check.
 *
 * Every displayed string passes `toSlack` here, on every path (posts, edits, the plain-text
 * fallback, stream Markdown and task titles, stream footers, file titles and comments): text from
 * the agent or a tool can never ping anyone or hide a link's target, whichever path carries it.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../core/logger.ts';
import {
  type SlackMessage,
  SlackWriteError,
  type SlackWriter,
  type StreamChunk,
  type StreamStart,
  type ThreadFile,
  type WriteOptions,
} from '../core/ports.ts';
import { toSlack, toSlackBlocks } from '../core/slack-escape.ts';
import type { ScheduleRead } from './slack-once.ts';
import { postOnce } from './slack-post-once.ts';
import { completeUploadOnce } from './slack-upload-once.ts';

export class WebApiSlackWriter implements SlackWriter {
  private readonly progress: WebClient;
  private readonly posts: WebClient;
  /** The dedupe lookups' reads, with Slack's errors mapped (the scheduler knows a 429 by its SlackWriteError). */
  private readonly read: ScheduleRead;

  constructor(
    private readonly client: WebClient,
    progress?: WebClient,
    private readonly opts: { posts?: WebClient; reads?: ScheduleRead; log?: Logger } = {},
  ) {
    this.progress = progress ?? client;
    this.posts = opts.posts ?? client;
    const reads: ScheduleRead = opts.reads ?? ((_method, _channel, fn) => fn());
    this.read = (method, channel, fn) => reads(method, channel, () => call(fn));
  }

  private onceOptions() {
    return { read: this.read, ...(this.opts.log ? { log: this.opts.log } : {}) };
  }

  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<string> {
    const res = await call(() =>
      postOnce(
        this.posts,
        {
          channel,
          text: toSlack(message.text),
          ...(message.blocks.length > 0 ? { blocks: toSlackBlocks(message.blocks) as never } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          unfurl_links: false,
          unfurl_media: false,
        },
        this.onceOptions(),
      ),
    );
    if (!res.ts) throw new SlackWriteError('no_ts', 'chat.postMessage returned no ts');
    return res.ts;
  }

  async update(channel: string, ts: string, message: SlackMessage, opts?: WriteOptions): Promise<void> {
    const client = opts?.lane === 'progress' ? this.progress : this.client;
    await call(() =>
      client.chat.update({
        channel,
        ts,
        text: toSlack(message.text),
        blocks: toSlackBlocks(message.blocks) as never,
      }),
    );
  }

  async tellPrivately(channel: string, user: string, text: string, threadTs?: string): Promise<void> {
    await call(() =>
      this.client.chat.postEphemeral({ channel, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) }),
    );
  }

  async react(channel: string, ts: string, name: string): Promise<void> {
    await call(() => this.client.reactions.add({ channel, timestamp: ts, name }));
  }

  async unreact(channel: string, ts: string, name: string): Promise<void> {
    await call(() => this.client.reactions.remove({ channel, timestamp: ts, name }));
  }

  async join(channel: string): Promise<void> {
    await call(() => this.client.conversations.join({ channel }));
  }

  async startStream(start: StreamStart): Promise<string> {
    const res = await call(() =>
      this.client.chat.startStream({
        channel: start.channel,
        thread_ts: start.threadTs,
        recipient_user_id: start.recipientUserId,
        recipient_team_id: start.recipientTeamId,
        // Each tool call stays visible as its own step after the answer.
        task_display_mode: 'timeline',
        ...(start.chunks && start.chunks.length > 0 ? { chunks: safeChunks(start.chunks) as never } : {}),
      }),
    );
    if (!res.ts) throw new SlackWriteError('no_ts', 'chat.startStream returned no ts');
    return res.ts;
  }

  async appendStream(channel: string, ts: string, chunks: StreamChunk[], opts?: WriteOptions): Promise<void> {
    if (chunks.length === 0) return;
    const client = opts?.lane === 'progress' ? this.progress : this.client;
    await call(() => client.chat.appendStream({ channel, ts, chunks: safeChunks(chunks) as never }));
  }

  async stopStream(
    channel: string,
    ts: string,
    end: { chunks?: StreamChunk[]; blocks?: unknown[] },
  ): Promise<void> {
    await call(() =>
      this.client.chat.stopStream({
        channel,
        ts,
        ...(end.chunks && end.chunks.length > 0 ? { chunks: safeChunks(end.chunks) as never } : {}),
        ...(end.blocks && end.blocks.length > 0 ? { blocks: toSlackBlocks(end.blocks) as never } : {}),
      }),
    );
  }

  /**
   * Reads the thread's replies from `fromTs` on (conversations.replies, under the history scopes the
   * bot already holds for thread follow-ups) and rewrites each one that carries a button with
   * `controlValue` without that actions block, plus a note. The blocks go back as Slack returned
   * them: they were escaped when the bot first wrote them, and escaping again would garble them.
   */
  async retireControls(
    channel: string,
    threadTs: string,
    fromTs: string,
    controlValue: string,
    note: string,
  ): Promise<number> {
    const res = await call(() =>
      this.client.conversations.replies({
        channel,
        ts: threadTs,
        oldest: fromTs,
        inclusive: true,
        limit: 100,
      }),
    );
    let changed = 0;
    for (const m of res.messages ?? []) {
      if (!m.ts || m.ts < fromTs || !m.bot_id || !Array.isArray(m.blocks)) continue;
      const blocks = m.blocks as Array<{ type?: string; elements?: Array<{ value?: string }> }>;
      const kept = blocks.filter(
        (b) => !(b.type === 'actions' && b.elements?.some((e) => e.value === controlValue)),
      );
      if (kept.length === blocks.length) continue;
      const noteBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: toSlack(note) }] };
      await call(() =>
        this.client.chat.update({
          channel,
          ts: m.ts!,
          text: m.text || toSlack(note),
          blocks: [...kept, noteBlock] as never,
        }),
      );
      changed++;
    }
    return changed;
  }

  /** Files upload v2: get an upload URL per file, upload the bytes, then share them all in the thread. */
  async uploadFiles(channel: string, threadTs: string, files: ThreadFile[], comment?: string): Promise<void> {
    const uploaded: Array<{ id: string; title: string }> = [];
    for (const f of files) {
      const bytes = Buffer.from(f.content, 'utf8');
      const target = await call(() =>
        this.client.files.getUploadURLExternal({ filename: toSlack(f.filename), length: bytes.length }),
      );
      if (!target.upload_url || !target.file_id)
        throw new SlackWriteError('no_upload_url', 'files.getUploadURLExternal returned no upload URL');
      const res = await fetch(target.upload_url, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new SlackWriteError('upload_failed', `file upload answered HTTP ${res.status}`);
      uploaded.push({ id: target.file_id, title: toSlack(f.title) });
    }
    // Completing shares the files in the thread: not idempotent, so it is sent once (slack-upload-once.ts).
    await call(() =>
      completeUploadOnce(
        this.posts,
        {
          files: uploaded as [{ id: string; title: string }],
          channel_id: channel,
          thread_ts: threadTs,
          ...(comment ? { initial_comment: toSlack(comment) } : {}),
        },
        this.onceOptions(),
      ),
    );
  }
}

/** Slack's limit on a task title; escaping can lengthen one (a link shows its target). */
const TASK_TITLE_CHARS = 256;

/** Stream chunks: the Markdown and the task titles both come from the agent and its tools. */
function safeChunks(chunks: StreamChunk[]): StreamChunk[] {
  return chunks.map((c) => {
    if (c.type === 'markdown_text') return { ...c, text: toSlack(c.text) };
    const title = toSlack(c.title);
    const output = c.output === undefined ? undefined : toSlack(c.output);
    return {
      ...c,
      title: title.length > TASK_TITLE_CHARS ? `${title.slice(0, TASK_TITLE_CHARS - 1)}…` : title,
      ...(output === undefined
        ? {}
        : {
            output: output.length > TASK_TITLE_CHARS ? `${output.slice(0, TASK_TITLE_CHARS - 1)}…` : output,
          }),
    };
  });
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toWriteError(err);
  }
}

export function toWriteError(err: unknown): SlackWriteError {
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; message?: string };
  if (e?.code === 'slack_webapi_rate_limited_error') {
    return new SlackWriteError('ratelimited', 'Slack rate limit', e.retryAfter);
  }
  if (e?.code === 'slack_webapi_platform_error' && e.data?.error) {
    return new SlackWriteError(e.data.error, `Slack refused the call: ${e.data.error}`);
  }
  return new SlackWriteError(e?.code ?? 'request_failed', e?.message ?? String(err));
}
