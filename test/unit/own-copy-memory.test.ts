/**
 * A spilled reply's body is kept for the run's life (reply-stream-spill.ts). Cut from the answer with
 * `slice`, it kept the whole answer as it was then alive (V8's sliced strings point into their parent);
 * ownCopy gives it characters of its own.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ownCopy } from '../../src/core/gathered-text.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap kept by 20 parts of 1,000 characters, each cut from its own 200,000-character answer. */
function heldBy(keep: (part: string) => string): { bytes: number; parts: string[] } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const parts: string[] = [];
  for (let i = 0; i < 20; i++) {
    // A flat answer, as the answer is once something has read it whole.
    const answer = JSON.parse(JSON.stringify(`${i}`.padEnd(200_000, 'the scheduler waits ')));
    parts.push(keep(answer.slice(100_000, 101_000)));
  }
  gc();
  return { bytes: process.memoryUsage().heapUsed - before, parts };
}

describe('ownCopy', () => {
  it('keeps only the part, not the text it was cut from', () => {
    const sliced = heldBy((p) => p);
    const copied = heldBy(ownCopy);
    // The slices keep 20 answers (~4 MB); the copies ~20 KB.
    expect(sliced.bytes).toBeGreaterThan(2_000_000);
    expect(copied.bytes).toBeLessThan(500_000);
    expect(copied.parts).toEqual(sliced.parts);
    expect(ownCopy('short')).toBe('short');
  });
});
