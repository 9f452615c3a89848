/**
 * What one run's answer costs in memory while it streams (issue 21's scale case: 1,000 runs in one
 * process under 400 MB). The harness writes ~20 characters per delta; the answer is kept twice (as
 * written and as shown), and must cost about its size, not a rope of one node per delta.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AnswerText } from '../../src/core/reply-answer.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const RUNS = 200;
const CHARS = 20_000;
const DELTA = 20;

describe('AnswerText memory', () => {
  it('holds an answer streamed in 20-character deltas, which needs no rewrite, in about its size', () => {
    // Fresh strings per delta, as JSON-decoded stream events are.
    const words = 'the node group runs pods without resource requests so the scheduler waits ';
    const delta = (run: number, i: number) =>
      JSON.parse(JSON.stringify(`${run}${words.repeat(2)}`.slice(i % 40, (i % 40) + DELTA))) as string;
    gc();
    const before = process.memoryUsage().heapUsed;
    const answers = Array.from({ length: RUNS }, () => new AnswerText());
    for (let i = 0; i < CHARS / DELTA; i++) for (let r = 0; r < RUNS; r++) answers[r]!.append(delta(r, i));
    gc();
    const heldBytes = process.memoryUsage().heapUsed - before;
    const textBytes = RUNS * CHARS; // one byte per character
    expect(answers[7]!.raw).toHaveLength(CHARS);
    expect(answers[7]!.shown).toHaveLength(CHARS);
    // A rope of one node per delta is ~3.5 × the text; gathered, the text plus a little.
    expect(heldBytes / textBytes).toBeLessThan(1.5);
  });
});
