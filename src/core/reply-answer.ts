/**
 * The agent's answer text of one reply: exactly as written (turn log, file uploads) and as shown in
 * Slack (unsupported Markdown such as tables rewritten), the shown part capped at maxShownChars.
 * Kept apart from reply-stream.ts, which decides when Slack is written, because what is shown and
 * what is kept must stay consistent however the writing goes.
 */
import { SlackMarkdownRewriter } from './slack-markdown.ts';

export class AnswerText {
  /** The text as shown in Slack. */
  shown = '';
  /** The text exactly as the agent wrote it. */
  raw = '';
  /** The answer outgrew maxShownChars: only its beginning is shown. */
  capped = false;
  private readonly rewriter = new SlackMarkdownRewriter();

  constructor(private readonly maxShownChars = Number.POSITIVE_INFINITY) {}

  /** Adds what the agent wrote; returns true when this was the first text of the answer. */
  append(t: string): boolean {
    const first = this.raw === '';
    this.raw += t;
    if (this.capped) return first;
    const shown = this.rewriter.push(t);
    const room = this.maxShownChars - this.shown.length;
    if (shown.length > room) this.capped = true;
    this.shown += shown.length > room ? shown.slice(0, Math.max(0, room)) : shown;
    return first;
  }

  /** The answer is complete: flushes what the rewriter held back, or says where the rest of a capped answer is. */
  end(): void {
    if (this.capped) {
      this.shown += `\n\n_…the answer goes on: it is ${this.raw.length.toLocaleString('en-US')} characters long, so only the first ${this.shown.length.toLocaleString('en-US')} are posted here. The complete answer is attached below as \`answer.md\`._`;
    } else this.shown += this.rewriter.end();
  }
}
