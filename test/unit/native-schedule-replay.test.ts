import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nativeFloor } from '../../bench/floor.ts';
import { streamSeconds } from '../../bench/workload.ts';
import { DEFAULT_BUDGETS } from '../../src/core/slack-budgets.ts';
import { STREAMED_MESSAGE_BYTES } from '../../src/stand-ins/fake-slack-streams.ts';
import { replayNativeMode } from '../helpers/native-replay.ts';

const floorOf = (n: number, chars: number) =>
  nativeFloor(
    n,
    {
      append: DEFAULT_BUDGETS['chat.appendStream']!,
      update: DEFAULT_BUDGETS['chat.update']!,
      start: DEFAULT_BUDGETS['chat.startStream']!,
    },
    { chars, writeSeconds: streamSeconds(chars), streamBytes: STREAMED_MESSAGE_BYTES },
  );

describe('probe', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  for (const n of [1, 10, 50])
    it(`n=${n}`, async () => {
      const r = await replayNativeMode({ n, chars: 20_000 });
      const f = floorOf(n, 20_000);
      const by: Record<string, number> = {};
      for (const c of r.calls) by[c.method] = (by[c.method] ?? 0) + 1;
      console.log(n, 'p95', r.stalenessP95, 'floor', f, 'ratio', (r.stalenessP95 / f.p95).toFixed(2), 'lost', r.lost, 'unf', r.unfinished, 'refused', r.refused.length, JSON.stringify(by), 'end', r.endMs);
      expect(true).toBe(true);
    }, 300_000);
});
