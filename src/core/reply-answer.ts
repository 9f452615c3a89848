/**
 * The agent's answer text of one reply: exactly as written (turn log, file uploads) and as shown in
 * Slack (unsupported Markdown such as tables rewritten), the shown part capped at maxShownChars.
 * Kept apart from reply-stream.ts, which decides when Slack is written, because what is shown and
 * what is kept must stay consistent however the writing goes.
 *
 * Memory (issue 21's scale case, 1,000 runs streaming in one process): most answers need no rewrite,
 * and then what is shown is the beginning of what was written. The shown text is kept as a length
 * into the written text until the rewriter changes something; only then does it get its own copy.
 */
import { GatheredText } from './gathered-text.ts';
import { SlackMarkdownRewriter } from './slack-markdown.ts';

export class AnswerText {
  /** The answer outgrew maxShownChars: only its beginning is shown. */
  capped = false;
  private readonly rewriter = new SlackMarkdownRewriter();
  private readonly rawText = new GatheredText();
  /** The shown text once it differs from the written text (undefined while it is a prefix of it). */
  private shownText: GatheredText | undefined;
  /** While shared: how much of the written text is shown, and what the rewriter has not passed on yet. */
  private sharedLength = 0;
  private notPassed = '';
  /** Added after the shared prefix at the end (the note of a capped answer). */
  private tail = '';

  constructor(private readonly maxShownChars = Number.POSITIVE_INFINITY) {}

  /** The text as shown in Slack. */
  get shown(): string {
    if (this.shownText) return this.shownText.value;
    const raw = this.rawText.value;
    return (this.sharedLength === raw.length ? raw : raw.slice(0, this.sharedLength)) + this.tail;
  }

  /** The text exactly as the agent wrote it. */
  get raw(): string {
    return this.rawText.value;
  }

  /** Whether the shown text has its own copy (it differs from the beginning of the written text). */
  get shownCopied(): boolean {
    return this.shownText !== undefined;
  }

  /** Adds what the agent wrote; returns true when this was the first text of the answer. */
  append(t: string): boolean {
    const first = this.rawText.length === 0;
    this.rawText.add(t);
    if (this.capped) return first;
    if (!this.shownText) this.notPassed += t;
    const shown = this.rewriter.push(t);
    const room = this.maxShownChars - this.shownLength;
    this.show(shown.length > room ? shown.slice(0, Math.max(0, room)) : shown);
    if (shown.length > room) {
      this.capped = true;
      this.notPassed = '';
    }
    return first;
  }

  /** The answer is complete: flushes what the rewriter held back, or says where the rest of a capped answer is. */
  end(): void {
    if (this.capped) {
      const note = `\n\n_…the answer goes on: it is ${this.rawText.length.toLocaleString('en-US')} characters long, so only the first ${this.shownLength.toLocaleString('en-US')} are posted here. The complete answer is attached below as \`answer.md\`._`;
      if (this.shownText) this.shownText.add(note);
      else this.tail = note;
    } else this.show(this.rewriter.end());
    this.notPassed = '';
  }

  private get shownLength(): number {
    return this.shownText ? this.shownText.length : this.sharedLength;
  }

  /** Text the rewriter passed on: still the next part of what was written, or the shown text's own copy begins. */
  private show(piece: string): void {
    if (!piece) return;
    if (!this.shownText && this.notPassed.startsWith(piece)) {
      this.sharedLength += piece.length;
      this.notPassed = this.notPassed.slice(piece.length);
      return;
    }
    if (!this.shownText) {
      this.shownText = new GatheredText();
      this.shownText.add(this.rawText.value.slice(0, this.sharedLength));
      this.notPassed = '';
    }
    this.shownText.add(piece);
  }
}
