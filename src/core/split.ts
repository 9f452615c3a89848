/**
 * Splitting the agent's Markdown into Slack-sized messages without losing a character: cuts fall on
 * paragraph boundaries where possible, then on line boundaries, and never silently inside a code block
 * (a code block that must be split is closed and reopened with the same fence and language).
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

interface FenceState {
  marker: string;
  opener: string;
}

export interface Chunk {
  /** What to show in this message (with a reopened fence before it or a closing fence after it, if needed). */
  text: string;
  /** How many characters of the source this chunk consumed. */
  consumed: number;
  /** When the cut fell inside a code block: the fence line that reopens it in the next chunk. */
  reopen?: string;
}

/**
 * Takes the longest well-placed prefix of `text` that fits in `budget` characters.
 * `reopen` is the fence line to prepend when `text` starts inside a code block.
 * Returns undefined when everything fits.
 */
export function takeChunk(text: string, budget: number, reopen?: string): Chunk | undefined {
  const prefix = reopen ? `${reopen}\n` : '';
  const whole = renderOpen(text, reopen);
  if (whole.length <= budget) return undefined;

  let fence: FenceState | undefined = reopen ? { marker: fenceMarker(reopen), opener: reopen } : undefined;
  let paragraphCut = 0; // end of a blank line outside any code block
  let lineCut = 0; // end of the last line that fits
  let lineCutFence: FenceState | undefined;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl + 1;
    const line = text.slice(pos, nl === -1 ? text.length : nl);
    const nextFence = advanceFence(fence, line);
    const closing = nextFence ? `\n${nextFence.marker}` : '';
    if (prefix.length + end + closing.length > budget) break;
    const closed = fence !== undefined && nextFence === undefined;
    fence = nextFence;
    const blank = line.trim() === '';
    if (!fence && (blank || closed)) paragraphCut = end;
    lineCut = end;
    lineCutFence = fence;
    pos = end;
  }

  // Prefer a paragraph boundary unless it would leave the message less than half full.
  if (paragraphCut > 0 && paragraphCut >= lineCut / 2) {
    return { text: prefix + text.slice(0, paragraphCut).trimEnd(), consumed: paragraphCut };
  }
  if (lineCut > 0) {
    const body = prefix + text.slice(0, lineCut).replace(/\n$/, '');
    if (lineCutFence) {
      return { text: `${body}\n${lineCutFence.marker}`, consumed: lineCut, reopen: lineCutFence.opener };
    }
    return { text: body, consumed: lineCut };
  }
  // A single line longer than the budget: cut at the last space that fits, else hard.
  const inFence = fence !== undefined;
  const room = budget - prefix.length - (inFence ? fence!.marker.length + 1 : 0);
  const slice = text.slice(0, Math.max(1, room));
  const space = slice.lastIndexOf(' ');
  const cut = space > room / 2 ? space + 1 : slice.length;
  const head = prefix + text.slice(0, cut).trimEnd();
  return inFence
    ? { text: `${head}\n${fence!.marker}`, consumed: cut, reopen: fence!.opener }
    : { text: head, consumed: cut };
}

/** Splits all of `text` into chunks of at most `budget` characters. */
export function splitMarkdown(text: string, budget: number): string[] {
  const out: string[] = [];
  let rest = text;
  let reopen: string | undefined;
  for (;;) {
    const chunk = takeChunk(rest, budget, reopen);
    if (!chunk) {
      const last = renderOpen(rest, reopen);
      if (last.trim() !== '') out.push(last);
      return out;
    }
    out.push(chunk.text);
    rest = rest.slice(chunk.consumed);
    reopen = chunk.reopen;
    if (!reopen) rest = rest.replace(/^\s*\n/, '');
  }
}

/**
 * The text as it should display while still being written: a reopened fence in front, and a
 * closing fence after it if the text currently ends inside a code block.
 */
export function renderOpen(text: string, reopen?: string): string {
  const prefix = reopen ? `${reopen}\n` : '';
  let fence: FenceState | undefined = reopen ? { marker: fenceMarker(reopen), opener: reopen } : undefined;
  for (const line of text.split('\n')) fence = advanceFence(fence, line);
  if (!fence) return prefix + text;
  return `${prefix}${text.replace(/\n$/, '')}\n${fence.marker}`;
}

function advanceFence(fence: FenceState | undefined, line: string): FenceState | undefined {
  const m = FENCE.exec(line);
  if (!m) return fence;
  if (!fence) return { marker: m[1]!, opener: line.trim() };
  return isFenceClose(line, fence) ? undefined : fence;
}

function isFenceClose(line: string, fence: FenceState | undefined): boolean {
  if (!fence) return false;
  const m = FENCE.exec(line);
  return !!m && m[1]![0] === fence.marker[0] && m[1]!.length >= fence.marker.length && m[2]!.trim() === '';
}

function fenceMarker(opener: string): string {
  return FENCE.exec(opener)?.[1] ?? '```';
}

/** The code block `text` ends inside (when it does): its opening fence line and closing marker. */
export function openFence(text: string, reopen?: string): { opener: string; marker: string } | undefined {
  let fence: FenceState | undefined = reopen ? { marker: fenceMarker(reopen), opener: reopen } : undefined;
  for (const line of text.split('\n')) fence = advanceFence(fence, line);
  return fence ? { opener: fence.opener, marker: fence.marker } : undefined;
}
