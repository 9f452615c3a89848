/**
 * The edited replies of one run (the `edit` mode of ReplyStream, and where native mode falls back to):
 * the current message is edited as the agent writes; when the text outgrows one message, the message
 * is finished ("continued in the next message") and the answer goes on in a new reply, never cutting
 * a code block without closing and reopening it. The final edit carries the result footer; if Slack
 * refuses the content, the text goes out as plain messages so nothing is lost.
 */
import type { Logger } from './logger.ts';
import { type SlackMessage, SlackWriteError, type SlackWriter, type WriteOptions } from './ports.ts';
import type { Presenter, ReplyView } from './reply-view.ts';
import { renderOpen, splitMarkdown, takeChunk } from './split.ts';

export interface EditHost {
  writer: SlackWriter;
  presenter: Presenter;
  channel: string;
  threadTs: string;
  bodyBudget: number;
  log: Logger;
  /** Everything the agent wrote so far (as shown in Slack). */
  text: () => string;
  /** The live view of a message body (status, activity, Stop button). */
  present: (body: string) => SlackMessage;
  opts: (lane: 'critical' | 'progress') => WriteOptions;
  /** Each reply as it is posted. */
  posted: (ts: string) => void;
  currentTs: () => string;
  now: () => number;
}

/** Slack errors that mean the content itself was refused, so retrying it unchanged cannot help. */
const CONTENT_ERRORS = new Set(['msg_too_long', 'invalid_blocks', 'msg_blocks_too_long', 'no_text']);

export class EditedReplies {
  /** Characters of the text already placed in finished messages. */
  private frozen = 0;
  private reopen: string | undefined;
  private needsNewMessage = false;
  /** How much of the text the last rendered edit held (new text is served before status). */
  private shownChars = 0;
  /** When the oldest text not yet in an edit was written (the scheduler serves the oldest first). */
  private unshownSince: number | undefined;

  constructor(private readonly h: EditHost) {}

  /** Posts the first reply. */
  async open(): Promise<void> {
    const ts = await this.h.writer.post(
      this.h.channel,
      this.h.present(''),
      this.h.threadTs,
      this.h.opts('critical'),
    );
    this.h.posted(ts);
    this.needsNewMessage = false;
  }

  /** Edits continue in a new reply after `from` characters (a code block reopened with `reopen`). */
  continueAfter(from: number, reopen: string | undefined): void {
    this.reopen = reopen;
    this.frozen = from;
    if (!this.reopen) this.frozen += /^\s*/.exec(this.tail)![0].length;
    this.needsNewMessage = true;
  }

  get hasNews(): boolean {
    return this.h.text().length > this.shownChars;
  }

  /** The agent wrote more text (called as it arrives). */
  textArrived(): void {
    this.unshownSince ??= this.h.now();
  }

  /**
   * When the oldest text no edit has shown yet was written; undefined when everything is shown. A
   * run's first text counts as older than anything (the scheduler serves the oldest first): its
   * person is waiting for any sign of an answer, and it costs the others one edit's wait.
   */
  private pendingSince(): number | undefined {
    if (!this.hasNews) return undefined;
    if (this.shownChars === 0 && this.frozen === 0) return Number.NEGATIVE_INFINITY;
    return this.unshownSince ?? this.h.now();
  }

  /**
   * An intermediate edit (progress lane); `rendered` runs when the scheduler actually renders it.
   * When the text has outgrown the message by then, this edit finishes the message ("continued")
   * and the rest goes out in a new reply (chat.postMessage, a per-channel budget): a full message
   * costs none of the workspace's scarce chat.update budget beyond the run's own turn.
   */
  async progress(rendered: () => void): Promise<void> {
    if (this.needsNewMessage) await this.rollOver();
    // What the last render put in the message: a finished chunk, if the text overflowed it.
    let finishing: ReturnType<typeof takeChunk> | undefined;
    const render = () => {
      const chunk = takeChunk(this.tail, this.h.bodyBudget, this.reopen);
      finishing = chunk ?? undefined;
      return chunk
        ? this.h.presenter.reply({ body: chunk.text, continued: true })
        : this.h.present(renderOpen(this.tail, this.reopen));
    };
    const sent = await this.h.writer.update(this.h.channel, this.h.currentTs(), render(), {
      ...this.h.opts('progress'),
      // Rendered when the call is made: everything written by then, clipped to one message.
      latest: () => {
        rendered();
        this.shownChars = this.h.text().length;
        this.unshownSince = undefined;
        return render();
      },
      hasNews: () => this.hasNews,
      pendingSince: () => this.pendingSince(),
    });
    if (sent === false || !finishing) return;
    this.freeze(finishing);
    // The continuation, with the text that did not fit, at once.
    await this.rollOver();
  }

  /** The message now holds `chunk` for good; the answer continues in a new reply. */
  private freeze(chunk: NonNullable<ReturnType<typeof takeChunk>>): void {
    this.frozen += chunk.consumed;
    this.reopen = chunk.reopen;
    if (!this.reopen) this.frozen += /^\s*/.exec(this.tail)![0].length;
    this.needsNewMessage = true;
  }

  /**
   * Finishes full messages and opens continuation replies until the tail fits in one message. With
   * `leaveLast`, the last (not full) message is left to the caller (the final posts it complete).
   * `since`: when the oldest text these edits show was written (the final's edits compete by it).
   */
  private async rollOver(leaveLast = false, since?: number): Promise<void> {
    for (;;) {
      if (this.needsNewMessage) {
        if (leaveLast && !takeChunk(this.tail, this.h.bodyBudget, this.reopen)) return;
        await this.postContinuation();
        // A continuation that was already full went out finished: the next one follows.
        if (this.needsNewMessage) continue;
      }
      const chunk = takeChunk(this.tail, this.h.bodyBudget, this.reopen);
      if (!chunk) return;
      await this.h.writer.update(
        this.h.channel,
        this.h.currentTs(),
        this.h.presenter.reply({ body: chunk.text, continued: true }),
        since === undefined
          ? this.h.opts('critical')
          : { ...this.h.opts('critical'), pendingSince: () => since },
      );
      this.freeze(chunk);
    }
  }

  /**
   * Opens the next reply; it starts with the text that is already there (one call instead of two).
   * When that text fills it, it is posted finished ("continued"), so finishing it costs no
   * chat.update, the workspace's scarce budget, and the answer goes on in the next reply.
   */
  private async postContinuation(): Promise<void> {
    const rendered: { full?: ReturnType<typeof takeChunk> } = {};
    const first = () => {
      const full = takeChunk(this.tail, this.h.bodyBudget, this.reopen);
      rendered.full = full;
      return full
        ? this.h.presenter.reply({ body: full.text, continued: true })
        : this.h.present(renderOpen(this.tail, this.reopen));
    };
    const ts = await this.h.writer.post(this.h.channel, first(), this.h.threadTs, {
      ...this.h.opts('critical'),
      latest: first,
    });
    this.h.posted(ts);
    this.needsNewMessage = false;
    if (rendered.full) this.freeze(rendered.full);
  }

  /** The final edit never landed: the last message still shows its live controls (Stop). */
  controlsLeft = false;

  /** The last edit: the complete text and the result footer. Never throws. */
  async final(result: NonNullable<ReplyView['result']>): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        // The final's calls compete with the other runs' edits by the age of the text they show
        // (never dropped): a burst of finals does not hold back runs still writing.
        const since = this.pendingSince() ?? this.h.now();
        // Full messages are finished first; a last message that would be new goes out complete.
        await this.rollOver(true, since);
        if (this.needsNewMessage) {
          // The last message is new: post it complete, with the result, in one call.
          const ts = await this.h.writer.post(
            this.h.channel,
            this.h.presenter.reply({ body: renderOpen(this.tail, this.reopen), result }),
            this.h.threadTs,
            this.h.opts('critical'),
          );
          this.h.posted(ts);
          this.needsNewMessage = false;
          return;
        }
        await this.h.writer.update(
          this.h.channel,
          this.h.currentTs(),
          this.h.presenter.reply({ body: renderOpen(this.tail, this.reopen), result }),
          { ...this.h.opts('critical'), pendingSince: () => since },
        );
        return;
      } catch (err) {
        this.h.log.warn({ err: describe(err), attempt }, 'final reply edit failed');
        if (err instanceof SlackWriteError && CONTENT_ERRORS.has(err.code)) break;
        await sleep(
          500 * attempt + (err instanceof SlackWriteError ? (err.retryAfterSeconds ?? 0) * 1000 : 0),
        );
      }
    }
    this.controlsLeft = true;
    await this.plainFallback(result);
  }

  /** Last resort: the remaining text as plain messages without blocks, so nothing is lost. */
  private async plainFallback(result: NonNullable<ReplyView['result']>): Promise<void> {
    const parts = splitMarkdown(renderOpen(this.tail, this.reopen), 3_500);
    const footer = this.h.presenter.reply({ body: '', result });
    try {
      for (const part of parts)
        await this.h.writer.post(
          this.h.channel,
          { text: part, blocks: [] },
          this.h.threadTs,
          this.h.opts('critical'),
        );
      await this.h.writer.post(this.h.channel, footer, this.h.threadTs, this.h.opts('critical'));
    } catch (err) {
      // Slack refused everything. The logger records the answer's size (the text itself only with LOG_CONTENT).
      this.h.log.error(
        { err: describe(err), channel: this.h.channel, threadTs: this.h.threadTs, undelivered: this.tail },
        'could not deliver the agent answer to Slack',
      );
    }
  }

  private get tail(): string {
    return this.h.text().slice(this.frozen);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
