/**
 * Where a message of an edited reply may end (reply-stream-spill.ts): pure functions of the run's text,
 * kept apart from the spill's timing and Slack calls so the boundary rules read (and test) on their own.
 * A spill freezes a message where it ends, so a bad boundary is shown for good: a code fence's opening
 * line cut in two (its language split off) or a word cut in two ("crashl" | "ooping").
 */

/** A trailing word longer than this is shown as it is written (a URL, a hash: no end to wait for). */
export const HELD_WORD_CHARS = 40;

/** The start of a line that may be a code fence being written. */
const FENCE_START = /^ {0,3}[`~]/;

/** Where the word that ends at `end` starts (after the last whitespace before it). */
function wordStart(text: string, end: number): number {
  // A backward scan: a regex anchored at the end would try every position of a 20 KB answer.
  let i = end;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

/**
 * Where a message's text ends for good at a spill: at `shown`, except that a code fence's line cut
 * in two would open the wrong block, so that line goes to the next reply whole. A word is not moved
 * back here: edits hold a word being written back (writtenEnd), so only a message that showed a word
 * the agent then went on writing (a run's first text goes at once; a settled word is shown) ends
 * inside one, and moving that cut (wordCut) needs an edit of the message it cuts.
 */
export function cutEnd(text: string, shown: number, frozen: number): number {
  const end = Math.max(shown, frozen);
  const line = text.lastIndexOf('\n', end - 1) + 1;
  return line > frozen && line < end && FENCE_START.test(text.slice(line, end)) ? line : end;
}

/**
 * Where the word a cut at `end` falls inside starts (`end` when it falls between words): the next
 * reply then has the word whole, and the message it cuts must be edited to drop the word's start,
 * or the thread shows it twice ("Crashl" | "Crashlooping"). Never before `frozen`.
 */
export function wordCut(text: string, end: number, frozen: number): number {
  if (end <= frozen || end >= text.length || /\s/.test(text[end]!) || /\s/.test(text[end - 1]!)) return end;
  return Math.max(frozen, wordStart(text, end));
}

/**
 * How far a message may show the text while the agent writes: not into a code fence's line still
 * being written (its language may be cut off). Not into a word still being written either when
 * `holdWord` (the run's edits are congested, so a spill may freeze what this shows) or `writing`
 * (text arrived moments ago), unless the word is longer than HELD_WORD_CHARS or is all the message
 * would show (a run's first text goes at once). A word ending in punctuation ("pods.", before a tool
 * call) is most likely whole: only a congested edit still holds it.
 */
export function writtenEnd(
  text: string,
  frozen: number,
  hold: { holdWord: boolean; writing: boolean },
): number {
  const line = text.lastIndexOf('\n') + 1;
  if (line < text.length && line >= frozen && FENCE_START.test(text.slice(line))) return line;
  if (!(hold.holdWord || hold.writing) || !/\S$/.test(text)) return text.length;
  if (!hold.holdWord && /[.,;:!?)]$/.test(text)) return text.length;
  const start = wordStart(text, text.length);
  return start > frozen && text.length - start <= HELD_WORD_CHARS ? start : text.length;
}
