/**
 * AnswerText keeps the shown text as a length into the written text while the Markdown rewriter passes
 * the text on unchanged (issue 21's scale case: one copy of each answer in flight, not two), and gets
 * its own copy only once the rewriter changes something. What is shown must be exactly what the
 * rewriter makes of the text, however it was split and wherever the cap falls.
 */
import { describe, expect, it } from 'vitest';
import { AnswerText } from '../../src/core/reply-answer.ts';
import { SlackMarkdownRewriter } from '../../src/core/slack-markdown.ts';

/** What is shown, computed the plain way: every piece the rewriter passes on, capped. */
function reference(deltas: string[], max = Number.POSITIVE_INFINITY, end = true): string {
  const r = new SlackMarkdownRewriter();
  let shown = '';
  let raw = '';
  let capped = false;
  for (const d of deltas) {
    raw += d;
    if (capped) continue;
    const s = r.push(d);
    const room = max - shown.length;
    if (s.length > room) capped = true;
    shown += s.length > room ? s.slice(0, Math.max(0, room)) : s;
  }
  if (!end) return shown;
  if (capped)
    return `${shown}\n\n_…the answer goes on: it is ${raw.length.toLocaleString('en-US')} characters long, so only the first ${shown.length.toLocaleString('en-US')} are posted here. The complete answer is attached below as \`answer.md\`._`;
  return shown + r.end();
}

function split(text: string, seed: number): string[] {
  const out: string[] = [];
  let x = seed;
  for (let i = 0; i < text.length; ) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (x % 23);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

const PLAIN =
  '## Findings\n\nThe node group runs pods without requests, so the scheduler waits.\n- one\n- two\n\nDone';
const TEXTS = [
  PLAIN,
  `${PLAIN}\n\n| a | b |\n|---|--:|\n| 1 | 22 |\n\nafter the table\n`,
  `intro\n\n---\n\n- [ ] task\n- [x] done\n\`\`\`\n| not a table |\n---\n\`\`\`\nend`,
  'text ending in a table\n| a | b |\n|---|---|\n| 1 | 2 |',
  'ends with a blank line\n\n',
];

describe('AnswerText shown text', () => {
  it('is what the rewriter makes of the text, for any split, cap and end', () => {
    for (const text of TEXTS)
      for (const seed of [1, 2, 3, 4, 5])
        for (const max of [Number.POSITIVE_INFINITY, 10, 40, 75, 120]) {
          const deltas = split(text, seed);
          const a = new AnswerText(max);
          deltas.forEach((d, i) => {
            a.append(d);
            if (i % 3 === 0) expect(a.shown).toBe(reference(deltas.slice(0, i + 1), max, false));
          });
          a.end();
          expect(a.shown).toBe(reference(deltas, max));
          expect(a.raw).toBe(text);
        }
  });

  it('has no copy of its own while the rewriter changes nothing, and one once it does', () => {
    const a = new AnswerText();
    for (const d of split(PLAIN.repeat(50), 7)) a.append(d);
    a.end();
    expect(a.shown).toBe(a.raw);
    expect(a.shownCopied).toBe(false);

    const capped = new AnswerText(100);
    for (const d of split(PLAIN.repeat(5), 7)) capped.append(d);
    capped.end();
    expect(capped.shown.startsWith(PLAIN.slice(0, 100))).toBe(true);
    expect(capped.shownCopied).toBe(false);

    const table = new AnswerText();
    for (const d of split(TEXTS[1]!, 7)) table.append(d);
    expect(table.shownCopied).toBe(true);
  });
});
