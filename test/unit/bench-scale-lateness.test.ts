import { describe, expect, it } from 'vitest';
import { workspaceLateness } from '../../bench/scale-lateness.ts';

// A run writing 20 characters every 100 ms from t = 0 to t = 10 s.
const writer = () => {
  const times: number[] = [];
  const lens: number[] = [];
  for (let t = 0; t <= 10_000; t += 100) {
    times.push(t);
    lens.push(20 * (t / 100 + 1));
  }
  return { times, lens };
};
const shown = (at: number, asOf: number) => ({ at, len: 20 * (asOf / 100 + 1) });

describe('workspaceLateness', () => {
  it('an update showing everything written has no lateness; equal gaps wait half a gap', () => {
    const vis = [2_000, 4_000, 6_000, 8_000].map((t) => shown(t, t));
    const r = workspaceLateness([{ ...writer(), vis }]);
    expect(r.lateMs).toEqual({ p50: 0, p95: 0, max: 0 });
    expect(r.windowMs).toBe(10_000);
    expect(r.updatesPerMin).toBe(24);
    // Gaps 2 s × 5 (the wait after the last update to the window's end counts): 1 s.
    expect(r.budgetWaitMs).toBe(1_000);
  });

  it('an update showing what was written 3 s before is late by the age of the oldest unshown text', () => {
    const vis = [5_000].map((t) => shown(t, t - 3_000));
    const r = workspaceLateness([{ ...writer(), vis }]);
    // It shows up to the delta of t = 2,000; the next one, written at 2,100, was 2.9 s old.
    expect(r.lateMs.max).toBe(2_900);
  });

  it('uneven gaps wait longer than even ones for the same number of updates', () => {
    const even = workspaceLateness([{ ...writer(), vis: [2_500, 5_000, 7_500].map((t) => shown(t, t)) }]);
    const uneven = workspaceLateness([{ ...writer(), vis: [500, 1_000, 1_500].map((t) => shown(t, t)) }]);
    expect(even.updatesPerMin).toBe(uneven.updatesPerMin);
    expect(uneven.budgetWaitMs).toBeGreaterThan(even.budgetWaitMs);
  });

  it('counts only the span in which the share of runs asked for was writing', () => {
    const late = { times: writer().times.map((t) => t + 4_000), lens: writer().lens, vis: [] };
    const r = workspaceLateness([{ ...writer(), vis: [1_000, 6_000].map((t) => shown(t, t)) }, late], 1);
    expect(r.windowMs).toBe(6_000);
    expect(r.updatesPerMin).toBe(10);
  });
});

describe('workspaceLateness: roll-overs', () => {
  it('a full message and its continuation posted at once are one update, measured at the continuation', () => {
    // At 5 s the first reply is finished with the text up to 3 s and the continuation shows the rest.
    const vis = [
      { at: 5_000, len: shown(0, 3_000).len, reply: 0 },
      { at: 5_010, len: shown(0, 5_000).len, reply: 1 },
    ];
    const r = workspaceLateness([{ ...writer(), vis }]);
    expect(r.lateMs.max).toBe(0);
    expect(r.updatesPerMin).toBe(6);
  });
});

describe('workspaceLateness: a continuation that waits for the channel', () => {
  it('the full message is not late for text it cannot hold; its continuation, 2 s later, is measured', () => {
    const vis = [
      { at: 5_000, len: shown(0, 3_000).len, reply: 0 },
      { at: 7_000, len: shown(0, 7_000).len, reply: 1 },
    ];
    const r = workspaceLateness([{ ...writer(), vis }]);
    expect(r.lateMs.max).toBe(0);
    // One update at 7 s: gaps 7 s and 3 s wait (49 + 9) / 20 s.
    expect(r.budgetWaitMs).toBe(2_900);
  });
});
