/**
 * The agent's answer text of one reply: exactly as written (turn log, file uploads) and as shown in
 * Slack (unsupported Markdown such as tables rewritten), the shown part capped at maxShownChars.
 * Kept apart from reply-stream.ts, which decides when Slack is written, because what is shown and
 * what is kept must stay consistent however the writing goes.
 */
import { GatheredText } from './gathered-text.ts';
import { SlackMarkdownRewriter } from './slack-markdown.ts';

export class AnswerText {
  /** The answer outgrew maxShownChars: only its beginning is shown. */
  capped = false;
  private readonly rewriter = new SlackMarkdownRewriter();
  private readonly rawText = new GatheredText();
  private readonly shownText = new GatheredText();

  constructor(private readonly maxShownChars = Number.POSITIVE_INFINITY) {}

  /** The text as shown in Slack. */
  get shown(): string {
    return this.shownText.value;
  }

  /** The text exactly as the agent wrote it. */
  get raw(): string {
    return this.rawText.value;
  }

  /** Adds what the agent wrote; returns true when this was the first text of the answer. */
  append(t: string): boolean {
    const first = this.rawText.length === 0;
    this.rawText.add(t);
    if (this.capped) return first;
    const shown = this.rewriter.push(t);
    const room = this.maxShownChars - this.shownText.length;
    if (shown.length > room) this.capped = true;
    this.shownText.add(shown.length > room ? shown.slice(0, Math.max(0, room)) : shown);
    return first;
  }

  /** The answer is complete: flushes what the rewriter held back, or says where the rest of a capped answer is. */
  end(): void {
    if (this.capped) {
      this.shownText.add(
        `\n\n_…the answer goes on: it is ${this.rawText.length.toLocaleString('en-US')} characters long, so only the first ${this.shownText.length.toLocaleString('en-US')} are posted here. The complete answer is attached below as \`answer.md\`._`,
      );
    } else this.shownText.add(this.rewriter.end());
  }
}
