/**
 * One run's reply in a thread: posts a message, then edits it as the agent writes, coalescing
 * changes so each message is edited at most once per interval (latest state wins). When the text
 * outgrows one message, that message is finished and the answer continues in a new reply.
 * The final flush always carries the complete text; nothing the agent wrote is dropped.
 */
import PQueue from 'p-queue';
import type { Usage } from './events.ts';
import type { Explanation } from './explain.ts';
import type { Logger } from './logger.ts';
import { type SlackMessage, SlackWriteError, type SlackWriter } from './ports.ts';
import type { ActivityLine, Presenter, ReplyView } from './reply-view.ts';
import { renderOpen, splitMarkdown, takeChunk } from './split.ts';

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
}

export interface FinalState {
  outcome: 'done' | 'warning' | 'failed' | 'stopped' | 'paused';
  usage?: Usage;
  notice?: Explanation;
}

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
  private toolCalls = 0;
  private note: string | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastFlushAt = 0;
  private closed = false;

  constructor(options: ReplyStreamOptions) {
    this.o = { now: Date.now, heartbeatMs: 10_000, ...options };
    this.startedAt = this.o.now();
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
    const ts = await this.o.writer.post(this.o.channel, this.present(''), this.o.threadTs);
    this.tsList.push(ts);
    this.lastFlushAt = this.o.now();
    this.heartbeat = setInterval(() => this.touch(), this.o.heartbeatMs);
    this.heartbeat.unref();
  }

  appendText(t: string): void {
    if (!t) return;
    this.text += t;
    this.touch();
  }

  toolStarted(id: string, label: string): void {
    this.toolCalls++;
    this.activity.delete(id);
    this.activity.set(id, { label, state: 'running' });
    while (this.activity.size > ACTIVITY_SHOWN) this.activity.delete(this.activity.keys().next().value!);
    this.touch();
  }

  toolFinished(id: string, ok: boolean): void {
    const line = this.activity.get(id);
    if (line) line.state = ok ? 'done' : 'failed';
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
    await this.queue.onIdle();
    await this.queue.add(() => this.finalFlush(final));
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
    this.dirty = false;
    this.lastFlushAt = this.o.now();
    try {
      await this.rollOver();
      await this.o.writer.update(
        this.o.channel,
        this.currentTs,
        this.present(renderOpen(this.tail, this.reopen)),
      );
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
        const ts = await this.o.writer.post(this.o.channel, this.present(''), this.o.threadTs);
        this.tsList.push(ts);
        this.needsNewMessage = false;
      }
      const chunk = takeChunk(this.tail, this.o.bodyBudget, this.reopen);
      if (!chunk) return;
      await this.o.writer.update(
        this.o.channel,
        this.currentTs,
        this.o.presenter.reply({ body: chunk.text, continued: true }),
      );
      this.frozen += chunk.consumed;
      this.reopen = chunk.reopen;
      if (!this.reopen) this.frozen += /^\s*/.exec(this.tail)![0].length;
      this.needsNewMessage = true;
    }
  }

  private async finalFlush(final: FinalState): Promise<void> {
    const result: ReplyView['result'] = {
      outcome: final.outcome,
      elapsedMs: this.o.now() - this.startedAt,
      usage: final.usage,
      toolCalls: this.toolCalls,
      notice: final.notice,
    };
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.rollOver();
        await this.o.writer.update(
          this.o.channel,
          this.currentTs,
          this.o.presenter.reply({ body: renderOpen(this.tail, this.reopen), result }),
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
        await this.o.writer.post(this.o.channel, { text: part, blocks: [] }, this.o.threadTs);
      await this.o.writer.post(this.o.channel, footer, this.o.threadTs);
    } catch (err) {
      // Slack refused everything: the logs are the only place left, so the text goes there in full.
      this.o.log.error(
        { err: describe(err), channel: this.o.channel, threadTs: this.o.threadTs, undelivered: this.tail },
        'could not deliver the agent answer to Slack',
      );
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
        activity: [...this.activity.values()],
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
