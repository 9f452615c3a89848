/**
 * The benchmark's judge of "first text within 300 ms whenever the budget allows it"
 * (bench/first-text-budget.ts) counts what the fake Slack's limits allow (chat.update 50 a minute per
 * workspace, counted on arrival, refused calls not counted) given the runs already waiting for
 * their first text. Before, every run with any text waiting counted as ahead, so a first text Slack
 * allowed was excused while runs already showing text waited for their next edit.
 */
import { describe, expect, it } from 'vitest';
import { firstTextAllowed, type RunTimeline, type SlackBudgetLog } from '../../bench/first-text-budget.ts';
import { budgetLog } from '../../bench/scenario.ts';

const log = (updates: number[]): SlackBudgetLog => ({
  updates,
  posts: new Map(),
  updateLimit: 50,
  updateWindowMs: 60_000,
  postEveryMs: 1_000,
});

/** A run with its reply open at 0 whose text is waiting from `firstDelta` until `shownAt`. */
const run = (
  firstDelta: number,
  firstShownAt: number | undefined,
  waitingFrom = firstDelta,
): RunTimeline => ({
  channel: 'C1',
  firstDelta,
  replyOpenAt: 0,
  firstShownAt,
  pendingAt: (t) => t >= waitingFrom,
});

describe('bench: whether Slack allowed a first text within 300 ms', () => {
  const d = 30_000;
  // 40 edits in the minute before: room for 10 more.
  const sent = Array.from({ length: 40 }, (_, i) => 1_000 + i * 500);

  it('runs waiting only to show more text are not ahead of a first text', () => {
    // 20 runs show text since before d and have more waiting; the new run's first delta is at d.
    const showing = Array.from({ length: 20 }, () => run(5_000, 6_000, d - 1_000));
    const runs = [...showing, run(d, undefined)];
    expect(firstTextAllowed(runs, runs.length - 1, log(sent), 300)).toBe(true);
  });

  it('runs still waiting for their own first text are ahead', () => {
    const firstWaiting = Array.from({ length: 9 }, (_, i) => run(d - 100 - i, undefined));
    const runs = [...firstWaiting, run(d, undefined)];
    expect(firstTextAllowed(runs, runs.length - 1, log(sent), 300)).toBe(true);
    const more = [run(d - 50, undefined), ...runs];
    expect(firstTextAllowed(more, more.length - 1, log(sent), 300)).toBe(false);
  });

  it('runs whose first delta came at the same moment are ahead of each other, in order: no more than the window has room for', () => {
    // 47 edits in the minute before: room for 3. Five runs' first words at the same millisecond
    // (the replay's fake clock; a busy loop can deliver them so too): Slack can show three of them.
    const busy = Array.from({ length: 47 }, (_, i) => 1_000 + i * 500);
    const runs = Array.from({ length: 5 }, () => run(d, undefined));
    const allowed = runs.map((_, i) => firstTextAllowed(runs, i, log(busy), 300));
    expect(allowed).toEqual([true, true, true, false, false]);
    // The same when the first two were shown at that very millisecond (their edits not before d).
    const shown = [run(d, d), run(d, d), ...runs.slice(2)];
    expect(shown.map((_, i) => firstTextAllowed(shown, i, log(busy), 300))).toEqual(allowed);
  });

  it('a full window is not allowed; the window as of d + 300 ms counts', () => {
    const full = Array.from({ length: 50 }, (_, i) => d - 59_000 + i * 100);
    expect(firstTextAllowed([run(d, undefined)], 0, log(full), 300)).toBe(false);
    // The oldest call leaves the window by d + 300 ms: one slot.
    const leaving = [d - 59_800, ...full.slice(1)];
    expect(firstTextAllowed([run(d, undefined)], 0, log(leaving), 300)).toBe(true);
  });
});

describe('bench: the log the judge reads', () => {
  it('leaves out calls the fake refused with 429 (they do not count against the limit)', () => {
    const calls = [
      { method: 'chat.update', at: 1, params: {}, status: 200 },
      { method: 'chat.update', at: 2, params: {}, status: 429 },
      { method: 'chat.postMessage', at: 3, params: { channel: 'C1' }, status: 429 },
      { method: 'chat.postMessage', at: 4, params: { channel: 'C1' }, status: 200 },
    ];
    const l = budgetLog(calls);
    expect(l.updates).toEqual([1]);
    expect(l.posts.get('C1')).toEqual([4]);
  });
});
