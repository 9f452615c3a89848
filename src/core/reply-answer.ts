/**
 * The agent's answer text of one reply: exactly as written (turn log, file uploads) and as shown in
 * Slack (unsupported Markdown such as tables rewritten), the shown part capped at maxShownChars.
 * Kept apart from reply-stream.ts, which decides when Slack is written, because what is shown and
 * what is kept must stay consistent however the writing goes.
 */
import { SlackMarkdownRewriter } from './slack-markdown.ts';

/**
 * Text built from many small deltas. `a += b` for each ~20-character delta makes V8 keep a rope of
 * one node and one small string per delta until something reads the whole text: about 3.5 times the
 * text's size, twice per run (raw and shown), which was most of the bot's memory with 1,000 runs in
 * flight. Deltas are gathered and joined in blocks instead, so the rope has one node per block.
 */
class GatheredText {
  private joined = '';
  private recent: string[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  add(t: string): void {
    if (!t) return;
    this.recent.push(t);
    this.size += t.length;
    if (this.recent.length >= GATHER) this.fold();
  }

  get value(): string {
    if (this.recent.length > 0) this.fold();
    return this.joined;
  }

  private fold(): void {
    this.joined += this.recent.join('');
    this.recent = [];
  }
}

/** Deltas joined per block: ~1.3 KB at the harness's usual ~20 characters per delta. */
const GATHER = 64;

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
