/**
 * Text built from many small deltas. `a += b` for each ~20-character delta makes V8 keep a rope of
 * one node and one small string per delta until something reads the whole text: about 3.5 times the
 * text's size. A run keeps its answer while it streams (as written in reply-answer.ts, which shares
 * it with the shown text unless the Markdown rewriter changed something, and the assistant message the
 * harness adapter keeps when a resume after inline calls may need it), which with 1,000 runs in flight
 * was most of the bot's memory. Deltas are gathered and joined in blocks instead, so the rope has one
 * node per block.
 */
export class GatheredText {
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

/**
 * A string of its own with the text of `part`. In V8 a substring of a long string (`slice`) points into
 * it and keeps all of it alive: a spilled reply's body kept for the run's life, cut from the answer as
 * it was then, kept that whole answer version (in the 5 x 50 scale case ~5 KB per run at 60 s, more
 * with every spill). Concatenating and reading the result makes V8 copy the characters once.
 */
export function ownCopy(part: string): string {
  return part.length < 13 ? part : ` ${part}`.slice(1);
}
