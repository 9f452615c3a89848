/**
 * The harness emulator plays a script on the agent's clock: a model writes at its own rate whether
 * or not the emulator's event loop was late, so a late timer is caught up at the next step instead
 * of pushing every later step back. Without that, a bench process under load stretched a 109 s
 * stream to 161 s (bench/results-scale2: 5 × 50 at load 6–12), and the scale case's cap, derived
 * from the workload's stream time, expired before the runs could finish.
 */
import { getEventListeners } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { playScript } from '../../src/stand-ins/harness-script.ts';
import type { RuntimeSession } from '../../src/stand-ins/harness-sessions.ts';
import type { Step } from '../../src/stand-ins/harness-types.ts';

const session = (): RuntimeSession => ({
  id: 's-1',
  microVm: 1,
  conversation: [],
  files: new Map(),
  lastActiveAt: 0,
  running: new Set(),
});

function play(steps: Step[], signal = new AbortController().signal, onNth?: (n: number) => void) {
  const at: number[] = [];
  const res = { write: () => true, writableEnded: false } as unknown as ServerResponse;
  const done = playScript(steps, res, () => false, session(), signal, {
    onEvent: (_sid, _step, t) => {
      at.push(t);
      onNth?.(at.length);
    },
  });
  return { at, done };
}

const delta = (text: string): Step => ({
  event: 'contentBlockDelta',
  data: { contentBlockIndex: 0, delta: { text } },
});

describe('harness script clock', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps each step at its scheduled time after a late timer instead of shifting the rest', async () => {
    vi.useFakeTimers({ now: 0 });
    const steps: Step[] = [{ event: 'messageStart', data: { role: 'assistant' } }];
    for (let i = 0; i < 5; i++) steps.push({ delayMs: 100 }, delta(`t${i}`));
    // Right after t0 (at 100) the event loop is busy for 250 ms, until 350.
    const signal = new AbortController().signal;
    const { at, done } = play(steps, signal, (n) => {
      if (n === 2) vi.setSystemTime(Date.now() + 250);
    });
    await vi.advanceTimersByTimeAsync(2_000);
    await done;
    // t1 and t2 (due at 200 and 300) are caught up at once; t3 and t4 keep their times (400, 500).
    // Delays taken from each step's own start gave 0, 100, 450, 550, 650, 750: every later step late.
    expect(at).toEqual([0, 100, 350, 350, 400, 500]);
    // Each wait took its abort listener away with it (they piled up, one per delta, before).
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('stops at once when the session is stopped during a wait', async () => {
    vi.useFakeTimers({ now: 0 });
    const stop = new AbortController();
    const { at, done } = play([{ delayMs: 100 }, delta('a'), { delayMs: 100 }, delta('b')], stop.signal);
    await vi.advanceTimersByTimeAsync(150);
    stop.abort();
    await done;
    expect(at).toEqual([100]);
  });
});
