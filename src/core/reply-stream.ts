/**
 * One run's reply in a thread: posts a message, then edits it as the agent writes, coalescing
 * changes so each message is edited at most once per interval (latest state wins). When the text
 * outgrows one message, that message is finished and the answer continues in a new reply.
 * The final flush always carries the complete text; nothing the agent wrote is dropped.
 *
 * Intermediate edits go out in the `progress` lane and render their content when the writer actually
 * makes the call (latest state wins), so a scheduling writer can delay or skip them without losing
 * text; posts, roll-overs and the final edit go out in the `critical` lane.
 *
 * In `native` mode the text is streamed with chat.startStream / appendStream / stopStream instead:
 * tool activity becomes task updates, the stream rolls over to a new message before Slack's ~5-minute
 * stream lifetime (or when a message is full), and any streaming error falls back to edits for the
 * rest of the run, continuing exactly after the last text Slack accepted.
 */
import PQueue from 'p-queue';
import type { Usage } from './events.ts';
import type { Explanation } from './explain.ts';
import type { Logger } from './logger.ts';
import {
  type SlackMessage,
  SlackWriteError,
  type SlackWriter,
  type StreamChunk,
  type WriteOptions,
} from './ports.ts';
import type { ActivityLine, Presenter, ReplyView } from './reply-view.ts';
import { openFence, renderOpen, splitMarkdown, takeChunk } from './split.ts';

export interface ReplyStreamOptions {
  writer: SlackWriter;
  presenter: Presenter;
  channel: string;
  threadTs: string;
  editIntervalMs: number;
  bodyBudget: number;
  log: Logger;
  now?: () => number;
  /** How often the elapsed-time line refreshes while nothing else changes. */
  heartbeatMs?: number;
  /** Shows a Stop button (with this value) while the run is live. */
  stopValue?: string;
  /** The workspace (its Slack budget) and a unique id of this reply, for a scheduling writer. */
  team?: string;
  runKey?: string;
  /** `native`: chat.*Stream when the writer supports it (needs recipientUserId and team). */
  mode?: 'edit' | 'native';
  recipientUserId?: string;
  /** Native mode: start a new streamed message after this long (Slack ends streams after ~5 min). */
  streamRolloverMs?: number;
}

export interface FinalState {
  outcome: 'done' | 'warning' | 'failed' | 'stopped' | 'paused';
  usage?: Usage;
  notice?: Explanation;
  /** Estimated cost of the turn's tokens. */
  cost?: { usd: number; model: string };
}

let replyCounter = 0;

const ACTIVITY_SHOWN = 3;
/** Slack errors that mean the content itself was refused, so retrying it unchanged cannot help. */
const CONTENT_ERRORS = new Set(['msg_too_long', 'invalid_blocks', 'msg_blocks_too_long', 'no_text']);

export class ReplyStream {
  private readonly o: Required<Pick<ReplyStreamOptions, 'now' | 'heartbeatMs'>> & ReplyStreamOptions;
  private readonly queue = new PQueue({ concurrency: 1 });
  private readonly startedAt: number;
  private text = '';
  /** Characters of `text` already placed in finished messages. */
  private frozen = 0;
  private reopen: string | undefined;
  private tsList: string[] = [];
  private needsNewMessage = false;
  private readonly activity = new Map<string, ActivityLine>();
  /** When each tool call started (now() time), for the status line's "for 4s". */
  private readonly toolStartedAt = new Map<string, number>();
  private toolCalls = 0;
  private note: string | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastFlushAt = 0;
  private closed = false;
  private readonly runKey: string;
  /** Edit mode: how much of the text the last rendered edit held (new text is served before status). */
  private shownChars = 0;
  private mode: 'edit' | 'native';
  /** Native mode: the streamed message being written, where its text starts, and what Slack accepted. */
  private stream: { ts: string; startedAt: number; from: number; reopen?: string } | undefined;
  private streamed = 0;
  private readonly tasks = new Map<string, StreamChunk & { type: 'task_update' }>();

  constructor(options: ReplyStreamOptions) {
    this.o = { now: Date.now, heartbeatMs: 10_000, ...options };
    this.startedAt = this.o.now();
    this.runKey = options.runKey ?? `${options.channel}/${options.threadTs}#${++replyCounter}`;
    const canStream =
      !!options.writer.startStream && !!options.writer.appendStream && !!options.writer.stopStream;
    this.mode =
      options.mode === 'native' && canStream && options.recipientUserId && options.team ? 'native' : 'edit';
  }

  /** How the reply is being written now (native mode falls back to edit on streaming errors). */
  get currentMode(): 'edit' | 'native' {
    return this.mode;
  }

  /** Timestamps of the replies this run wrote, in order. */
  get messageTs(): readonly string[] {
    return this.tsList;
  }

  get fullText(): string {
    return this.text;
  }

  /** Posts the first reply. Throws SlackWriteError if Slack refuses it. */
  async open(): Promise<void> {
    if (this.mode === 'native') {
      try {
        await this.startStream([]);
      } catch (err) {
        this.fallBack(err, true);
      }
    }
    if (this.mode === 'edit') {
      const ts = await this.o.writer.post(
        this.o.channel,
        this.present(''),
        this.o.threadTs,
        this.opts('critical'),
      );
      this.tsList.push(ts);
      this.needsNewMessage = false;
    }
    this.lastFlushAt = this.o.now();
    this.heartbeat = setInterval(() => this.touch(), this.o.heartbeatMs);
    this.heartbeat.unref();
  }

  appendText(t: string): void {
    if (!t) return;
    const first = this.text === '';
    this.text += t;
    if (first) {
      // The first words of the answer go out as soon as the budget allows, not at the next tick.
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.lastFlushAt = 0;
    }
    this.touch();
  }

  toolStarted(id: string, label: string): void {
    this.toolCalls++;
    this.activity.delete(id);
    this.activity.set(id, { label, state: 'running' });
    this.toolStartedAt.set(id, this.o.now());
    this.tasks.set(id, { type: 'task_update', id, title: label.slice(0, 250), status: 'in_progress' });
    while (this.activity.size > ACTIVITY_SHOWN) this.activity.delete(this.activity.keys().next().value!);
    this.touch();
  }

  toolFinished(id: string, ok: boolean): void {
    const line = this.activity.get(id);
    if (line) line.state = ok ? 'done' : 'failed';
    const task = this.tasks.get(id);
    if (task) task.status = ok ? 'complete' : 'error';
    else if (line)
      this.tasks.set(id, {
        type: 'task_update',
        id,
        title: line.label.slice(0, 250),
        status: ok ? 'complete' : 'error',
      });
    this.touch();
  }

  setNote(note: string | undefined): void {
    this.note = note;
    this.touch();
  }

  /** Writes the complete answer and the result footer. Resolves when Slack has it (or every fallback failed). */
  async finish(final: FinalState): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    // A waiting intermediate edit is not needed any more: the final edit carries everything.
    this.o.writer.cancelProgress?.(this.runKey);
    await this.queue.onIdle();
    await this.queue.add(() => (this.mode === 'native' ? this.nativeFinal(final) : this.finalFlush(final)));
  }

  private touch(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer || this.tsList.length === 0) return;
    const wait = Math.max(0, this.lastFlushAt + this.o.editIntervalMs - this.o.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed && this.queue.size === 0) void this.queue.add(() => this.flush());
    }, wait);
  }

  private async flush(): Promise<void> {
    if (!this.dirty || this.closed) return;
    if (this.mode === 'native') return this.nativeFlush();
    this.dirty = false;
    this.lastFlushAt = this.o.now();
    try {
      await this.rollOver();
      const render = () => {
        const chunk = takeChunk(this.tail, this.o.bodyBudget, this.reopen);
        return this.present(chunk ? chunk.text : renderOpen(this.tail, this.reopen));
      };
      await this.o.writer.update(this.o.channel, this.currentTs, render(), {
        ...this.opts('progress'),
        // Rendered when the call is made: everything written by then, clipped to one message.
        latest: () => {
          this.dirty = false;
          this.lastFlushAt = this.o.now();
          this.shownChars = this.text.length;
          return render();
        },
        hasNews: () => this.text.length > this.shownChars,
      });
    } catch (err) {
      // Intermediate edits are best effort: the next flush carries the latest state anyway.
      this.dirty = true;
      this.o.log.warn({ err: describe(err), channel: this.o.channel }, 'intermediate reply edit failed');
      const retryAfter = err instanceof SlackWriteError ? err.retryAfterSeconds : undefined;
      if (retryAfter) this.lastFlushAt = this.o.now() + retryAfter * 1000;
    } finally {
      if (this.dirty) this.touch();
    }
  }

  /** Finishes full messages and opens continuation replies until the tail fits in one message. */
  private async rollOver(): Promise<void> {
    for (;;) {
      if (this.needsNewMessage) {
        // The continuation starts with the text that is already there (one call instead of two).
        const first = () => {
          const next = takeChunk(this.tail, this.o.bodyBudget, this.reopen);
          return this.present(next ? next.text : renderOpen(this.tail, this.reopen));
        };
        const ts = await this.o.writer.post(this.o.channel, first(), this.o.threadTs, {
          ...this.opts('critical'),
          latest: first,
        });
        this.tsList.push(ts);
        this.needsNewMessage = false;
      }
      const chunk = takeChunk(this.tail, this.o.bodyBudget, this.reopen);
      if (!chunk) return;
      await this.o.writer.update(
        this.o.channel,
        this.currentTs,
        this.o.presenter.reply({ body: chunk.text, continued: true }),
        this.opts('critical'),
      );
      this.frozen += chunk.consumed;
      this.reopen = chunk.reopen;
      if (!this.reopen) this.frozen += /^\s*/.exec(this.tail)![0].length;
      this.needsNewMessage = true;
    }
  }

  /** The footer's content: outcome, elapsed time, usage, cost, tool calls, notice. */
  private resultOf(final: FinalState): NonNullable<ReplyView['result']> {
    return {
      outcome: final.outcome,
      elapsedMs: this.o.now() - this.startedAt,
      usage: final.usage,
      cost: final.cost,
      toolCalls: this.toolCalls,
      notice: final.notice,
    };
  }

  private async finalFlush(final: FinalState): Promise<void> {
    const result = this.resultOf(final);
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        if (this.needsNewMessage && !takeChunk(this.tail, this.o.bodyBudget, this.reopen)) {
          // The last message is new: post it complete, with the result, in one call.
          const ts = await this.o.writer.post(
            this.o.channel,
            this.o.presenter.reply({ body: renderOpen(this.tail, this.reopen), result }),
            this.o.threadTs,
            this.opts('critical'),
          );
          this.tsList.push(ts);
          this.needsNewMessage = false;
          return;
        }
        await this.rollOver();
        await this.o.writer.update(
          this.o.channel,
          this.currentTs,
          this.o.presenter.reply({ body: renderOpen(this.tail, this.reopen), result }),
          this.opts('critical'),
        );
        return;
      } catch (err) {
        this.o.log.warn({ err: describe(err), attempt }, 'final reply edit failed');
        if (err instanceof SlackWriteError && CONTENT_ERRORS.has(err.code)) break;
        await sleep(
          500 * attempt + (err instanceof SlackWriteError ? (err.retryAfterSeconds ?? 0) * 1000 : 0),
        );
      }
    }
    await this.plainFallback(result);
  }

  /** Last resort: the remaining text as plain messages without blocks, so nothing is lost. */
  private async plainFallback(result: NonNullable<ReplyView['result']>): Promise<void> {
    const parts = splitMarkdown(renderOpen(this.tail, this.reopen), 3_500);
    const footer = this.o.presenter.reply({ body: '', result });
    try {
      for (const part of parts)
        await this.o.writer.post(
          this.o.channel,
          { text: part, blocks: [] },
          this.o.threadTs,
          this.opts('critical'),
        );
      await this.o.writer.post(this.o.channel, footer, this.o.threadTs, this.opts('critical'));
    } catch (err) {
      // Slack refused everything: the logs are the only place left, so the text goes there in full.
      this.o.log.error(
        { err: describe(err), channel: this.o.channel, threadTs: this.o.threadTs, undelivered: this.tail },
        'could not deliver the agent answer to Slack',
      );
    }
  }

  private opts(lane: 'critical' | 'progress'): WriteOptions {
    return { lane, runKey: this.runKey, ...(this.o.team ? { team: this.o.team } : {}) };
  }

  // ---- native streaming ------------------------------------------------------------------------

  private async startStream(chunks: StreamChunk[]): Promise<void> {
    const prev = this.stream ?? this.lastClosed;
    const reopen = prev
      ? openFence(this.text.slice(prev.from, this.streamed), prev.reopen)?.opener
      : undefined;
    const lead: StreamChunk[] = reopen ? [{ type: 'markdown_text', text: `${reopen}\n` }] : [];
    const ts = await this.o.writer.startStream!(
      {
        channel: this.o.channel,
        threadTs: this.o.threadTs,
        recipientUserId: this.o.recipientUserId!,
        recipientTeamId: this.o.team!,
        chunks: [...lead, ...chunks],
      },
      this.opts('critical'),
    );
    this.stream = { ts, startedAt: this.o.now(), from: this.streamed, ...(reopen ? { reopen } : {}) };
    this.tsList.push(ts);
  }

  /** Ends the current streamed message (closing an open code block) so the answer continues in a new one. */
  private async endStream(blocks?: unknown[]): Promise<void> {
    const s = this.stream;
    if (!s) return;
    this.stream = undefined;
    this.lastClosed = s;
    const fence = openFence(this.text.slice(s.from, this.streamed), s.reopen);
    const chunks: StreamChunk[] = fence ? [{ type: 'markdown_text', text: `\n${fence.marker}\n` }] : [];
    await this.o.writer.stopStream!(
      this.o.channel,
      s.ts,
      { ...(chunks.length ? { chunks } : {}), ...(blocks ? { blocks } : {}) },
      this.opts('critical'),
    );
  }

  /** Where the last closed streamed message began, for reopening its code block in the next one. */
  private lastClosed: { from: number; reopen?: string } | undefined;

  /** Text not yet accepted by Slack, at most what one append may carry. */
  private pendingDelta(): string {
    const room = Math.min(this.o.bodyBudget - (this.streamed - (this.stream?.from ?? this.streamed)), 11_000);
    const delta = this.text.slice(this.streamed, this.streamed + Math.max(0, room));
    if (this.streamed + delta.length >= this.text.length || delta.length < room) return delta;
    // The message fills up here: end it on a paragraph (else line) boundary when one is near.
    const cut = Math.max(delta.lastIndexOf('\n\n'), delta.lastIndexOf('\n'));
    return cut > room / 2 ? delta.slice(0, cut + 1) : delta;
  }

  private takeTasks(): StreamChunk[] {
    const out = [...this.tasks.values()].map((t) => ({ ...t }));
    this.tasks.clear();
    return out;
  }

  private async nativeFlush(): Promise<void> {
    this.dirty = false;
    this.lastFlushAt = this.o.now();
    try {
      await this.appendPending(false);
    } catch (err) {
      this.dirty = true;
      if (!this.fallBack(err)) {
        this.o.log.warn({ err: describe(err), channel: this.o.channel }, 'stream append failed');
      }
    } finally {
      if (this.dirty) this.touch();
    }
  }

  /** Sends everything not yet in Slack: rolls over first when the message is old or full. */
  private async appendPending(final: boolean): Promise<void> {
    for (let guard = 0; guard < 1000; guard++) {
      if (this.streamed >= this.text.length && this.tasks.size === 0) return;
      const s = this.stream;
      const full = s && this.streamed - s.from >= this.o.bodyBudget - 200;
      const old = s && this.o.now() - s.startedAt >= (this.o.streamRolloverMs ?? 240_000);
      if (full || old || !s) {
        if (s) await this.endStream();
        await this.startStream([]);
      }
      let sending = this.streamed;
      let sentTasks: StreamChunk[] = [];
      const render = (): StreamChunk[] => {
        // May run twice (eagerly, then when a scheduling writer makes the call): hand back what the first took.
        for (const t of sentTasks)
          if (t.type === 'task_update' && !this.tasks.has(t.id)) this.tasks.set(t.id, t);
        const delta = this.pendingDelta();
        sending = this.streamed + delta.length;
        sentTasks = this.takeTasks();
        return [...sentTasks, ...(delta ? [{ type: 'markdown_text' as const, text: delta }] : [])];
      };
      try {
        const sent = await this.o.writer.appendStream!(this.o.channel, this.stream!.ts, render(), {
          ...this.opts(final ? 'critical' : 'progress'),
          latestChunks: render,
          hasNews: () => this.streamed < this.text.length,
        });
        if (sent === false) {
          // Dropped unsent (the run is finishing): the text and task updates are still to send.
          for (const t of sentTasks)
            if (t.type === 'task_update' && !this.tasks.has(t.id)) this.tasks.set(t.id, t);
          this.dirty = true;
          return;
        }
        this.streamed = Math.max(this.streamed, sending);
        if (this.streamed < this.text.length || this.tasks.size > 0) this.dirty = true;
      } catch (err) {
        for (const t of sentTasks)
          if (t.type === 'task_update' && !this.tasks.has(t.id)) this.tasks.set(t.id, t);
        if (err instanceof SlackWriteError && err.code === 'message_not_in_streaming_state') {
          // Slack ended the stream (its lifetime): continue in a new streamed message.
          this.o.log.info({ channel: this.o.channel }, 'stream expired; continuing in a new message');
          this.lastClosed = this.stream;
          this.stream = undefined;
          continue;
        }
        throw err;
      }
      if (!final) return;
    }
  }

  /** Returns true when the error made this reply fall back to edits. */
  private fallBack(err: unknown, force = false): boolean {
    if (!force && err instanceof SlackWriteError && err.code === 'ratelimited') return false;
    this.o.log.warn({ err: describe(err), channel: this.o.channel }, 'native streaming failed; using edits');
    const s = this.stream ?? this.lastClosed;
    this.reopen = s ? openFence(this.text.slice(s.from, this.streamed), s.reopen)?.opener : undefined;
    if (this.stream) {
      const ts = this.stream.ts;
      this.stream = undefined;
      void this.o.writer.stopStream!(this.o.channel, ts, {}, this.opts('critical')).catch(() => undefined);
    }
    this.mode = 'edit';
    this.frozen = this.streamed;
    if (!this.reopen) this.frozen += /^\s*/.exec(this.tail)![0].length;
    this.needsNewMessage = true;
    this.dirty = true;
    return true;
  }

  private async nativeFinal(final: FinalState): Promise<void> {
    const result = this.resultOf(final);
    try {
      await this.appendPending(true);
      const footer = this.o.presenter.reply({ body: '', result });
      await this.endStream(footer.blocks);
    } catch (err) {
      this.fallBack(err, true);
      await this.finalFlush(final);
    }
  }

  private get tail(): string {
    return this.text.slice(this.frozen);
  }

  private get currentTs(): string {
    return this.tsList.at(-1)!;
  }

  private present(body: string): SlackMessage {
    return this.o.presenter.reply({
      body,
      live: {
        elapsedMs: this.o.now() - this.startedAt,
        activity: [...this.activity].map(([id, a]) =>
          a.state === 'running'
            ? { ...a, elapsedMs: this.o.now() - (this.toolStartedAt.get(id) ?? this.startedAt) }
            : a,
        ),
        note: this.note,
        stopValue: this.o.stopValue,
      },
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
