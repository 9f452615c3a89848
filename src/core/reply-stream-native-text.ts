/**
 * Where native streaming may cut the answer: which text is ready to send (a word the agent is still
 * writing is held back), and how much of it fits in one call and in what is left of one streamed
 * message, ending a full message on a line or word boundary. Pure functions of the text and the
 * counts, kept apart from the stream's lifecycle (reply-stream-native.ts) so the cutting rules can be
 * read and tested on their own.
 */

/** Slack allows 12,000 characters of Markdown per call; stay under it. */
export const MAX_CHARS_PER_CALL = 11_000;
/**
 * A trailing word still being written is held back (so a stream Slack stops, or one that fills up,
 * never ends inside a word); a run of non-space characters this long is sent anyway.
 */
const MAX_HELD_WORD = 200;
/** Room kept free in a message for the fence that closes a code block cut at the end. */
const FENCE_ROOM = 16;

/**
 * Where the text that may be sent ends: all of it, less a last word the agent may still be writing.
 * A message that ends there (Slack stops the stream, it expires, the reply falls back to edits) ends
 * between words, so the next one never starts with the rest of a word ("Set CP" / "U and memory").
 * `settled`: the text will not grow before something else happens (a tool call, the end).
 */
export function readyEnd(text: string, streamed: number, settled: boolean): number {
  if (settled || streamed >= text.length || /\s$/.test(text)) return text.length;
  const space = lastSpace(text, streamed);
  if (space >= 0) return space + 1;
  return text.length - streamed >= MAX_HELD_WORD ? text.length : streamed;
}

/**
 * The next text to send after `streamed` characters, at most what fits in one call and in the
 * `room` UTF-8 bytes the message has left (less the room for a closing fence). When the message
 * fills up here, it ends on a line boundary when one is near, else between words.
 */
export function nextDelta(text: string, streamed: number, ready: number, room: number): string {
  const rest = text.slice(streamed, Math.min(ready, streamed + MAX_CHARS_PER_CALL));
  const delta = prefixWithinBytes(rest, Math.max(0, room - FENCE_ROOM));
  if (streamed + delta.length >= ready || delta.length === rest.length) return delta;
  const line = delta.lastIndexOf('\n');
  if (line > delta.length / 2) return delta.slice(0, line + 1);
  const space = lastSpace(delta);
  return space > delta.length / 2 ? delta.slice(0, space + 1) : delta;
}

/** The index of the last whitespace character of `s` at or after `from` (-1: none). */
export function lastSpace(s: string, from = 0): number {
  for (let i = s.length - 1; i >= from; i--) if (/\s/.test(s[i]!)) return i;
  return -1;
}

/** UTF-8 bytes of the Markdown in a list of chunks. */
export function markdownBytes(chunks: ReadonlyArray<{ type: string; text?: string }>): number {
  let n = 0;
  for (const c of chunks) if (c.type === 'markdown_text') n += Buffer.byteLength(c.text ?? '');
  return n;
}

/** The longest prefix of `s` whose UTF-8 encoding fits in `maxBytes` (never splitting a character). */
export function prefixWithinBytes(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let bytes = 0;
  let i = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (bytes + b > maxBytes) break;
    bytes += b;
    i += ch.length;
  }
  return s.slice(0, i);
}
