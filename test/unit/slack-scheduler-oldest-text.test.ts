/**
 * The edit budget goes to the run whose unshown text is oldest (issue 21, staleness at N = 50 and 200).
 * A call says when the oldest agent text it would show was written (`pendingSince`); the scheduler
 * grants the oldest first, whether the call is an intermediate edit, a run's first text or its final
 * edit. Before, final edits went first as critical calls and a run's first text went before runs
 * already showing text: in a replay of the benchmark at N = 50 (test/helpers/edit-replay.ts) the
 * runs that finished first took the budget with their finals while runs still writing, some not yet
 * showing any text, waited up to 89 s.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryAfterOf } from '../../src/core/scheduled-writer.ts';
import { DEFAULT_BUDGETS, SlackScheduler } from '../../src/core/slack-scheduler.ts';

const W = 'T1';
const UPDATE = DEFAULT_BUDGETS['chat.update']!;

function setup() {
  const s = new SlackScheduler({ retryAfterOf, budgets: { 'chat.update': { ...UPDATE, burst: 1 } } });
  const order: string[] = [];
  const offer = (
    what: string,
    o: { run?: string; lane?: 'critical' | 'progress'; since?: number; news?: boolean },
  ) =>
    s.run({
      workspace: W,
      method: 'chat.update',
      lane: o.lane ?? 'progress',
      runKey: o.run ?? what,
      ...(o.news !== undefined ? { hasNews: () => o.news! } : {}),
      ...('since' in o ? { pendingSince: () => o.since } : {}),
      fn: async () => {
        order.push(what);
      },
    });
  return { s, order, offer };
}

describe('SlackScheduler: oldest unshown text first', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("a run's final edit waits behind runs whose unshown text is older", async () => {
    const { order, offer } = setup();
    const t = Date.now();
    await offer('busy', { since: t }); // uses the one token
    void offer('A progress', { run: 'A', since: t + 100 });
    void offer('B final', { run: 'B', lane: 'critical', since: t + 500 });
    void offer('C progress', { run: 'C', since: t + 900 });
    await vi.advanceTimersByTimeAsync(4 * UPDATE.refillMs);
    expect(order).toEqual(['busy', 'A progress', 'B final', 'C progress']);
  });

  it('the oldest text goes first whether or not its run showed text before (callers say how old)', async () => {
    const { order, offer } = setup();
    const t = Date.now();
    await offer('A text', { run: 'A', since: t });
    // A already shows text; its newest words have waited since t + 100. B's first words came later.
    void offer('A more', { run: 'A', since: t + 100 });
    void offer('B first text', { run: 'B', since: t + 800 });
    await vi.advanceTimersByTimeAsync(3 * UPDATE.refillMs);
    expect(order).toEqual(['A text', 'A more', 'B first text']);
  });

  it('a final with nothing new to show is not starved: it counts as waiting since it was offered', async () => {
    const { order, offer } = setup();
    const t = Date.now();
    await offer('busy', { since: t });
    void offer('A footer', { run: 'A', lane: 'critical', since: undefined });
    // Runs with text written after the footer was offered come after it.
    await vi.advanceTimersByTimeAsync(200);
    for (let r = 0; r < 3; r++) void offer(`R${r}`, { since: Date.now() + r });
    await vi.advanceTimersByTimeAsync(5 * UPDATE.refillMs);
    expect(order).toEqual(['busy', 'A footer', 'R0', 'R1', 'R2']);
  });

  it('critical calls that show no agent text of a run (approval cards, roll-overs) still go first', async () => {
    const { order, offer } = setup();
    const t = Date.now();
    await offer('busy', { since: t });
    void offer('A progress', { run: 'A', since: t - 10_000 });
    void offer('card', { run: 'X', lane: 'critical' });
    await vi.advanceTimersByTimeAsync(3 * UPDATE.refillMs);
    expect(order).toEqual(['busy', 'card', 'A progress']);
  });

  it('status-only edits still come after every call with text', async () => {
    const { order, offer } = setup();
    const t = Date.now();
    await offer('busy', { since: t });
    void offer('A status', { run: 'A', since: undefined, news: false });
    void offer('B text', { run: 'B', since: t + 50_000 });
    await vi.advanceTimersByTimeAsync(3 * UPDATE.refillMs);
    expect(order).toEqual(['busy', 'B text', 'A status']);
  });
});
