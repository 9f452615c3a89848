/**
 * The benchmark's workload as one run plays it into a ReplyStream on a fake clock: a tool call, then
 * the report in deltas with a tool call every so often, recording what was written when (for the
 * staleness measure). Shared by the edit-mode and native-mode replays.
 */
import { norm, type Produced } from '../../bench/measure.ts';
import { CHARS_PER_DELTA, DELTA_EVERY_MS, report, TOOL_EVERY_CHARS, TOOL_MS } from '../../bench/workload.ts';
import type { ReplyStream } from '../../src/core/reply-stream.ts';

/** Agent text a message shows (its markdown blocks, whitespace ignored as the benchmark does). */
export const shownChars = (blocks: unknown[]) =>
  norm(
    (blocks as Array<{ type: string; text?: string }>)
      .filter((b) => b.type === 'markdown')
      .map((b) => b.text ?? '')
      .join(''),
  ).length;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Plays run `i`'s report of `chars` characters into `s`; `onDelta` sees each delta before it is appended. */
export async function playWorkload(
  s: ReplyStream,
  i: number,
  chars: number,
  p: Produced,
  onDelta?: () => void,
): Promise<void> {
  const text = report(i, chars);
  const tool = async (id: string) => {
    s.toolStarted(id, 'shell');
    await sleep(TOOL_MS);
    s.toolFinished(id, true);
  };
  await tool('t0');
  for (let c = 0; c < text.length; c += CHARS_PER_DELTA) {
    if (c > 0 && c % TOOL_EVERY_CHARS === 0) await tool(`t${c}`);
    await sleep(DELTA_EVERY_MS);
    const delta = text.slice(c, c + CHARS_PER_DELTA);
    onDelta?.();
    s.appendText(delta);
    p.text += norm(delta);
    p.times.push(Date.now());
    p.lens.push(p.text.length);
  }
}
