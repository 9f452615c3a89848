/**
 * The edited replies of one run (the `edit` mode of ReplyStream, and where native mode falls back to):
 * the current message is edited as the agent writes; when the text outgrows one message, the message
 * is finished ("continued in the next message") and the answer goes on in a new reply, never cutting
 * a code block without closing and reopening it (reply-stream-rollover.ts). The final edit carries
 * the result footer; if Slack refuses the content, the text goes out as plain messages so nothing is
 * lost. A word still being written is held back from edits until it settles (reply-held-word.ts).
 *
 * Under load the run's edits come rarely (chat.update's budget is the workspace's), so text whose
 * edit has waited too long spills into a new plain reply (chat.postMessage, its own budget; the rules
 * are in reply-spill.ts, the spilling in reply-stream-spill.ts). Whichever renders first, the edit or
 * the spill post, shows the text and withdraws the other, so no text is shown twice or lost.
 */
import { type SlackMessage, SlackWriteError, writeMayHaveLanded } from './ports.ts';
import type { EditHost } from './reply-edit-host.ts';
import { HeldWord } from './reply-held-word.ts';
import { CONTENT_ERRORS, describe, postPlain, sleep } from './reply-stream-plain.ts';
import { type RollTarget, rollOver } from './reply-stream-rollover.ts';
import { Spill } from './reply-stream-spill.ts';
import type { ReplyView } from './reply-view.ts';
import { type Chunk, renderOpen, takeChunk } from './split.ts';

/** An edit granted this long after it was offered is congested (a spill may follow; reply-held-word.ts). */
const HOLD_WORD_AFTER_MS = 2_000;

export type { EditHost } from './reply-edit-host.ts';

export class EditedReplies implements RollTarget {
  /** Characters of the text already placed in finished messages. */
  frozen = 0;
  reopen: string | undefined;
  needsNewMessage = false;
  /** How much of the text the last rendered edit held (new text is served before status). */
  shownChars = 0;
  /** Where the text the current message shows ends (as last rendered). */
  shownEnd = 0;
  /** When the oldest text not yet in an edit was written (the scheduler serves the oldest first). */
  unshownSince: number | undefined;
  /** An edit of the current message is waiting for its turn (offered, not rendered yet). */
  editWaiting = false;
  /** Finishing full messages / opening continuations: no spill may cut in. */
  rolling = false;
  private readonly spill: Spill;
  /** The word being written, which edits hold back until it settles (reply-held-word.ts). */
  private readonly held: HeldWord;

  constructor(readonly h: EditHost) {
    this.held = new HeldWord(h, {
      frozen: () => this.frozen,
      shown: () => this.shownChars,
      waiting: () => this.editWaiting,
    });
    this.spill = new Spill(this, h, this.held);
  }

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
    this.held.textArrived();
    this.spill.textArrived();
  }

  /** The status line or activity changed (after a spill, the first reply shows them alone). */
  statusChanged(): void {
    this.spill.statusChanged();
  }

  /** The reply's messages are spilled: the text goes on in replies below the first (which has the status). */
  get spilled(): boolean {
    return this.spill.spilled;
  }

  /**
   * When the oldest text no edit has shown yet was written; undefined when everything is shown. A
   * run's first text counts as older than anything (the scheduler serves the oldest first): its
   * person is waiting for any sign of an answer, and it costs the others one edit's wait.
   */
  pendingSince(): number | undefined {
    if (!this.hasNews) return undefined;
    if (this.shownChars === 0 && this.frozen === 0) return Number.NEGATIVE_INFINITY;
    return this.unshownSince ?? this.h.now();
  }

  /** The current message's body while the answer is being written (the first reply keeps the status). */
  view(body: string): SlackMessage {
    return this.spill.spilled ? this.h.presenter.reply({ body }) : this.h.present(body);
  }

  /** Everything written so far is in a message now (an edit or a spill rendered it). */
  markShown(end: number, upTo = this.h.text().length): void {
    this.shownEnd = end;
    this.shownChars = upTo;
    this.unshownSince = upTo < this.h.text().length ? this.h.now() : undefined;
    this.held.shown(upTo);
  }

  /**
   * An intermediate edit (progress lane); `rendered` runs when the scheduler actually renders it.
   * When the text has outgrown the message by then, this edit finishes the message ("continued")
   * and the rest goes out in a new reply (chat.postMessage, a per-channel budget): a full message
   * costs none of the workspace's scarce chat.update budget beyond the run's own turn.
   */
  async progress(rendered: () => void): Promise<void> {
    await this.spill.settled();
    this.spill.offerStatus();
    if (this.needsNewMessage) await rollOver(this);
    // After a spill the current message holds text only: nothing new, nothing to edit.
    if (this.spill.spilled && !this.hasNews) return;
    const ts = this.h.currentTs();
    // The message may stop being the current one while the edit waits (a spill took the text).
    const current = () => ts === this.h.currentTs() && !this.spill.inFlight;
    // What the last render put in the message: a finished chunk, if the text overflowed it.
    let finishing: Chunk | undefined;
    let applied = false;
    const offeredAt = this.h.now();
    const build = () => {
      // A congested edit (it waited, or the run has spilled) holds back a word still being written,
      // so a spill freezing this message never splits a word between two messages.
      const congested = this.spill.spilled || this.h.now() - offeredAt >= HOLD_WORD_AFTER_MS;
      const upTo = this.held.editEnd(congested);
      const part = this.h.text().slice(this.frozen, upTo);
      const chunk = takeChunk(part, this.h.bodyBudget, this.reopen) ?? undefined;
      const message = chunk
        ? this.h.presenter.reply({ body: chunk.text, continued: true })
        : this.view(renderOpen(part, this.reopen));
      return { chunk, message, end: chunk ? this.frozen + chunk.consumed : upTo, upTo };
    };
    // What the message showed before this edit: if Slack refuses the edit, the text is still unshown.
    let before: { end: number; upTo: number; since: number | undefined } | undefined;
    const apply = (b: ReturnType<typeof build>) => {
      applied = true;
      before = { end: this.shownEnd, upTo: this.shownChars, since: this.unshownSince };
      this.editWaiting = false;
      finishing = b.chunk;
      rendered();
      this.markShown(b.end, b.upTo);
      // The edit shows the text (a roll-over follows for the rest): a waiting spill is not needed.
      this.spill.withdraw();
      return b.message;
    };
    const first = build();
    this.editWaiting = true;
    this.spill.check();
    let sent: unknown;
    try {
      sent = await this.h.writer.update(this.h.channel, ts, first.message, {
        ...this.h.opts('progress'),
        // Rendered when the call is made: everything written by then, clipped to one message.
        latest: () => (current() ? apply(build()) : this.spill.frozenView(ts)),
        hasNews: () => current() && this.hasNews,
        pendingSince: () => (current() ? this.pendingSince() : undefined),
      });
    } catch (err) {
      // The edit rendered text Slack never showed: mark it unshown again, or a spill would freeze
      // this message where the refused edit ended and that text would be in no message. A later
      // edit shows it (latest state wins); a spill cuts where the message really ends.
      if (applied && before && current() && this.shownEnd > before.end) {
        this.shownEnd = before.end;
        this.shownChars = before.upTo;
        this.unshownSince = before.since ?? this.h.now();
        // Or Slack applied it and only the answer was lost: a spill must not show that text twice.
        if (writeMayHaveLanded(err)) this.spill.editUnsure(ts);
      }
      throw err;
    } finally {
      this.editWaiting = false;
    }
    // A writer that does not schedule sent what it was given.
    if (!applied && sent !== false && current()) apply(first);
    if (sent !== false) this.spill.editUnsure(ts, true);
    if (sent === false || !finishing) return;
    this.freeze(finishing);
    // The continuation, with the text that did not fit, at once.
    await rollOver(this);
  }

  /** How far a continuation posted now may show the text (a word being written is held back). */
  continuationEnd(): number {
    return this.held.editEnd(this.spill.spilled);
  }

  /** The message now holds `chunk` for good; the answer continues in a new reply. */
  freeze(chunk: Chunk): void {
    this.frozen += chunk.consumed;
    this.reopen = chunk.reopen;
    if (!this.reopen) this.frozen += /^\s*/.exec(this.tail)![0].length;
    this.needsNewMessage = true;
  }

  /** The final edit never landed: the last message still shows its live controls (Stop). */
  controlsLeft = false;

  /**
   * The last edit: the complete text and the result footer. Never throws. After a spill the rest of
   * the text and the footer go out as a new reply (a post), and one edit takes the first reply's
   * live controls away: no more chat.update than a final edit of a reply that did not spill.
   */
  async final(result: NonNullable<ReplyView['result']>): Promise<void> {
    this.held.close();
    await this.spill.close();
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        // The final's calls compete with the other runs' edits by the age of the text they show
        // (never dropped): a burst of finals does not hold back runs still writing.
        const since = this.pendingSince() ?? this.h.now();
        // Full messages are finished first; a last message that would be new goes out complete.
        await rollOver(this, true, since);
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
        } else {
          await this.h.writer.update(
            this.h.channel,
            this.h.currentTs(),
            this.h.presenter.reply({ body: renderOpen(this.tail, this.reopen), result }),
            { ...this.h.opts('critical'), pendingSince: () => since },
          );
        }
        await this.spill.retireHead();
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
    await postPlain(this.h, renderOpen(this.tail, this.reopen), result);
  }

  get tail(): string {
    return this.h.text().slice(this.frozen);
  }
}
