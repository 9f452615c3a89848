/**
 * Spilling an edited reply under load (the rules are in reply-spill.ts): the text a run's waiting edit
 * has not shown in time goes out as a new plain reply through the scheduler's progress lane on
 * chat.postMessage (never ahead of roots, roll-overs or approval cards; the oldest unshown text
 * first). The post renders when granted, like an edit: whichever of the two renders first shows the
 * text and withdraws the other, so nothing is shown twice.
 *
 * After the first spill the run's first reply (the "head") keeps its text as it was, the status line
 * and Stop, and gets status-only edits (the lowest priority); the text goes on in the latest spilled
 * reply, edited as budget allows, and spills again when its edits fall behind. The final posts the
 * rest of the text with the footer and takes the head's controls away with one edit (the head's own
 * edits are in reply-spill-head.ts, where an edit may end while a word is written in reply-held-word.ts).
 */
import { ownCopy } from './gathered-text.ts';
import type { SlackMessage } from './ports.ts';
import type { EditHost } from './reply-edit-host.ts';
import type { HeldWord } from './reply-held-word.ts';
import { SPILL_AFTER_MS, SPILL_GAP_MS, spillDecision } from './reply-spill.ts';
import { cutEnd, wordCut } from './reply-spill-bounds.ts';
import { SpillHead } from './reply-spill-head.ts';
import { type Chunk, openFence, renderOpen, takeChunk } from './split.ts';

/** The state of the edited replies a spill reads and moves on (EditedReplies, reply-stream-edit.ts). */
export interface SpillTarget {
  frozen: number;
  reopen: string | undefined;
  needsNewMessage: boolean;
  shownEnd: number;
  unshownSince: number | undefined;
  editWaiting: boolean;
  rolling: boolean;
  controlsLeft: boolean;
  readonly hasNews: boolean;
  readonly tail: string;
  markShown(end: number, upTo?: number): void;
  freeze(chunk: Chunk): void;
}

export class Spill {
  /** The text has spilled out of the head: later text goes to the latest spilled reply. */
  spilled = false;
  /** A spill post rendered its text and Slack has not answered yet (its ts is not known). */
  inFlight: Promise<void> | undefined;
  private offered = false;
  private lastSpillAt: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private closed = false;
  /** The head: the message with the status line and Stop, and the text it kept. */
  private readonly head: SpillHead;
  /** Text of spilled replies that later spills left behind, by ts (a waiting edit renders it again). */
  private readonly frozenBodies = new Map<string, string>();
  /** Spilled replies an edit may have changed past what the run counts as shown (its answer was lost). */
  private readonly unsure = new Set<string>();

  constructor(
    private readonly e: SpillTarget,
    private readonly h: EditHost,
    private readonly held: HeldWord,
  ) {
    this.head = new SpillHead(h);
  }

  /** Spills need a scheduling writer: only it renders a post when granted and says when edits wait. */
  private get enabled(): boolean {
    return this.h.spill !== false && !!this.h.writer.budgetWaitMs && !!this.h.writer.cancelProgress;
  }

  private get key(): string {
    return `${this.h.opts('progress').runKey ?? this.h.threadTs}#spill`;
  }

  /** The agent wrote more text. */
  textArrived(): void {
    this.check();
  }

  /** Spills now if the rules say so, else looks again when they might. */
  check(): void {
    if (!this.enabled || this.closed || this.offered || this.inFlight) return;
    if (this.e.needsNewMessage || this.e.rolling) return;
    const spill = this.h.spill || {};
    const d = spillDecision({
      now: this.h.now(),
      unshownSince: this.e.unshownSince,
      editWaiting: this.e.editWaiting,
      lastSpillAt: this.lastSpillAt,
      spillAfterMs: spill.afterMs ?? SPILL_AFTER_MS,
      spillGapMs: spill.gapMs ?? SPILL_GAP_MS,
    });
    // Nothing to spill but a fence line still being written: the next text looks again.
    if (d.now && this.held.spillEnd() > this.cutAt()) this.offer();
    else if (d.at !== undefined && (!this.timer || d.at < this.timerAt)) this.arm(d.at);
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.check();
      },
      Math.max(0, at - this.h.now()),
    );
    (this.timer as { unref?: () => void }).unref?.();
  }

  private offer(): void {
    this.offered = true;
    let rendered = false;
    let chunk: ReturnType<typeof takeChunk> | undefined;
    let settle: () => void = () => {};
    let part = '';
    const render = (): SlackMessage => {
      // A post Slack answered 429 (the workspace's post cap, which other replicas share) renders
      // again when re-offered: the message was cut once, and this post carries the text after the cut.
      if (!rendered) {
        rendered = true;
        this.offered = false;
        this.cut();
        this.spilled = true;
        this.inFlight = new Promise<void>((r) => {
          settle = r;
        });
        // The run's edit waiting for the message this text left is not needed any more.
        const runKey = this.h.opts('progress').runKey;
        if (runKey) this.h.writer.cancelProgress?.(runKey);
      }
      this.lastSpillAt = this.h.now();
      let until = this.held.spillEnd();
      if (until <= this.e.frozen) until = this.h.text().length;
      part = this.h.text().slice(this.e.frozen, until);
      chunk = takeChunk(part, this.h.bodyBudget, this.e.reopen) ?? undefined;
      this.e.markShown(chunk ? this.e.frozen + chunk.consumed : until, until);
      return chunk
        ? this.h.presenter.reply({ body: chunk.text, continued: true })
        : this.h.presenter.reply({ body: renderOpen(part, this.e.reopen) });
    };
    this.h.writer
      .post(this.h.channel, this.h.presenter.reply({ body: '' }), this.h.threadTs, {
        ...this.h.opts('progress'),
        runKey: this.key,
        latest: render,
        hasNews: () => this.e.hasNews,
        pendingSince: () => this.e.unshownSince,
      })
      .then(
        (ts) => {
          if (!rendered) return;
          this.h.posted(ts);
          if (chunk) this.e.freeze(chunk);
        },
        (err: unknown) => {
          if (!rendered) return;
          // The text it carried is in no message: the next flush opens a continuation with it.
          this.e.needsNewMessage = true;
          this.h.log.warn({ err: String(err), channel: this.h.channel }, 'spilled reply post failed');
        },
      )
      .finally(() => {
        this.offered = false;
        this.inFlight = undefined;
        settle();
        this.check();
      });
  }

  /**
   * The current message keeps the text it shows for good; the text after it goes to a new reply. A cut
   * inside a word moves back to its start and the message is edited at once to drop it, so the word
   * goes whole to the next reply (the thread shows the word's start twice only until that edit).
   */
  private cut(): void {
    const e = this.e;
    const text = this.h.text();
    const shownEnd = this.cutAt();
    const start = wordCut(text, shownEnd, e.frozen);
    // A spilled reply whose only text is that word keeps it (an empty reply would be left behind).
    const moved = start < shownEnd && (!this.spilled || start > e.frozen);
    const end = moved ? start : shownEnd;
    const shown = text.slice(e.frozen, end);
    // Kept for the run's life: a string of its own, not a slice that keeps the whole answer as it is now.
    const body = ownCopy(renderOpen(shown, e.reopen));
    const ts = this.h.currentTs();
    if (this.spilled) {
      this.frozenBodies.set(ts, body);
      if (this.unsure.delete(ts) || moved) this.correct(ts);
    } else this.head.keep(ts, body, moved);
    e.reopen = openFence(shown, e.reopen)?.opener;
    e.frozen = end;
    if (!e.reopen) e.frozen += /^\s*/.exec(e.tail)![0].length;
  }

  /**
   * An edit of `ts` failed without Slack's answer (it may have landed): until a later edit of it
   * lands, a cut there re-edits the message to what it keeps.
   */
  editUnsure(ts: string, sure = false): void {
    if (sure) this.unsure.delete(ts);
    else this.unsure.add(ts);
  }

  /**
   * The edit whose answer was lost may have shown text past the cut, which the next reply shows
   * again (the scale benchmark, with event-loop stalls timing out calls Slack had applied, counted
   * thousands of characters twice): the message is set to exactly what it keeps. One chat.update,
   * only after such a loss. The first reply needs none: its retirement at the run's end sets it.
   */
  private correct(ts: string): void {
    this.h.writer
      .update(this.h.channel, ts, this.frozenView(ts), this.h.opts('critical'))
      .catch((err) =>
        this.h.log.warn({ err: String(err) }, 'could not set a spilled reply to what it keeps'),
      );
  }

  /** Where the current message's text ends for good at a spill (reply-spill-bounds.ts). */
  private cutAt(): number {
    return cutEnd(this.h.text(), this.e.shownEnd, this.e.frozen);
  }

  /** An edit the run offered for the current message rendered it: a waiting spill is not needed. */
  withdraw(): void {
    if (this.offered) this.h.writer.cancelProgress?.(this.key);
  }

  /** Waits for a spill post Slack has not answered yet (the next edit needs its ts). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** What a message a spill left behind shows when an edit offered before the spill renders. */
  frozenView(ts: string): SlackMessage {
    if (ts === this.head.ts) return this.head.view();
    return this.h.presenter.reply({ body: this.frozenBodies.get(ts) ?? '' });
  }

  statusChanged(): void {
    this.head.statusChanged();
  }

  /** After a spill the head shows the status alone (reply-spill-head.ts). */
  offerStatus(): void {
    if (this.spilled && !this.closed) this.head.offerStatus();
  }

  /**
   * The run ends: no more spills or status edits. After a spill, the rest of the text goes into the
   * final's new reply (a post) with the footer, so the final costs no edit of the spilled reply.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.withdraw();
    if (this.spilled) this.head.close();
    await this.settled();
    if (!this.spilled || this.e.needsNewMessage) return;
    this.cut();
    this.e.needsNewMessage = true;
  }

  /** The final's one edit after a spill: the head keeps its text, loses the status and Stop. */
  async retireHead(): Promise<void> {
    if (this.spilled && !(await this.head.retire())) this.e.controlsLeft = true;
  }
}
