/**
 * The word an edited reply holds back while the agent writes it (the boundary rules are in
 * reply-spill-bounds.ts): a spill may freeze a message where its last edit ended, so an edit made while
 * text is still arriving ends before the word being written ("crashl" may go on as "crashlooping").
 * The hold ends when the word is taken as whole: the text has rested WORD_SETTLES_MS, or a tool call
 * (or the run's end) stopped it. If no more text comes, a held word would otherwise show only at the
 * run's next flush (a heartbeat, up to 10 s later): once it settles, the run is woken for one more
 * edit, which goes through the scheduler like any other (within the workspace's budget).
 */
import type { EditHost } from './reply-edit-host.ts';
import { writtenEnd } from './reply-spill-bounds.ts';

/**
 * Text that arrived within this long may end inside a word the agent is still writing: edits hold that
 * word back. Once the text has rested this long, the word is taken as whole and shown.
 */
export const WORD_SETTLES_MS = 2_000;

export class HeldWord {
  private lastTextAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly h: EditHost,
    /**
     * Where the current message's text starts, how much of the text a message shows, and whether an
     * edit is waiting for its turn (its render looks at the held word again).
     */
    private readonly at: { frozen(): number; shown(): number; waiting(): boolean },
  ) {}

  /** The agent wrote more text. */
  textArrived(): void {
    this.lastTextAt = this.h.now();
  }

  /** The word being written is whole: the text rested, or a tool call (or the run's end) stopped it. */
  get settled(): boolean {
    return !!this.h.paused?.() || this.h.now() - this.lastTextAt >= WORD_SETTLES_MS;
  }

  /**
   * How far an edit may show the text. A word still being written is held on edits through the
   * scheduler (where spills may freeze a message; with spills off too, so turning them off changes
   * nothing else; a plain writer shows each delta as it comes), even one ending in punctuation when
   * the edit is `congested` (it waited, or the run has spilled); a settled word is shown.
   */
  editEnd(congested: boolean): number {
    const settled = this.settled;
    return writtenEnd(this.h.text(), this.at.frozen(), {
      holdWord: congested && !settled,
      writing: !!this.h.writer.budgetWaitMs && !settled,
    });
  }

  /**
   * How far a spill post may show the text: never into a word, settled or not (a post of a lone held
   * word would add a message to the thread for it; the new reply's next edit shows it).
   */
  spillEnd(): number {
    return writtenEnd(this.h.text(), this.at.frozen(), { holdWord: true, writing: false });
  }

  /** A message now shows the text up to `upTo`: if a word was held back, an edit follows once it settles. */
  shown(upTo: number): void {
    if (upTo < this.h.text().length && !this.closed) this.arm();
  }

  private arm(): void {
    if (!this.h.wake) return;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.max(0, this.lastTextAt + WORD_SETTLES_MS - this.h.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed || this.at.shown() >= this.h.text().length) return;
      // More text came meanwhile: look again when it rests, unless an edit waits (its render will;
      // under load text streams for the 20 s an edit may wait, and this would wake every 2 s).
      if (!this.settled) {
        if (!this.at.waiting()) this.arm();
        return;
      }
      // Only when the edit would show more (a fence line still being written is not a word).
      if (this.editEnd(false) > this.at.shown()) this.h.wake?.();
    }, wait);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** The run ends: its final shows the whole text. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
