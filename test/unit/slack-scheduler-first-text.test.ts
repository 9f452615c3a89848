/**
 * A run's first text goes out at once while Slack's per-minute window has room (issue 21: "first text
 * visible within 300 ms of the first delta whenever the budget allows it"). Slack counts chat.update
 * per workspace per minute; the scheduler's token bucket paces calls one per refill interval after a
 * burst of 4, so before this change a run whose first words arrived when the bucket was empty waited
 * up to 1.33 s although the minute had room: in the benchmark, 1 of 10 runs at N = 10 met the target.
 * Now a first text may take the bucket up to `firstTextCredit` below zero (the calls after it repay
 * the credit at the same pace) as long as the window has room; other calls keep the pace.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryAfterOf } from '../../src/core/scheduled-writer.ts';
import { EDIT_ONLY_FIRST_TEXT_CREDIT } from '../../src/core/slack-budgets.ts';
import { DEFAULT_BUDGETS, SlackScheduler } from '../../src/core/slack-scheduler.ts';

const W = 'T1';
const UPDATE = DEFAULT_BUDGETS['chat.update']!;
const FIRST = Number.NEGATIVE_INFINITY;

function setup(budget = UPDATE) {
  const s = new SlackScheduler({ retryAfterOf, budgets: { 'chat.update': budget } });
  const sent: Array<{ what: string; at: number }> = [];
  const t0 = Date.now();
  const offer = (what: string, run: string, since: () => number | undefined) =>
    s.run({
      workspace: W,
      method: 'chat.update',
      lane: 'progress',
      runKey: run,
      pendingSince: since,
      fn: async () => {
        sent.push({ what, at: Date.now() - t0 });
      },
    });
  return { s, sent, offer };
}

describe('SlackScheduler: first text ahead of the pace while the window has room', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('grants first texts at once on a bounded credit; more text waits for the pace', async () => {
    // The bounded credit of replies kept to edited messages (SPILL_REPLIES=false, slack-budgets.ts).
    const { sent, offer } = setup({ ...UPDATE, firstTextCredit: EDIT_ONLY_FIRST_TEXT_CREDIT });
    const t = Date.now();
    // The burst goes to runs already showing text: the bucket is empty.
    for (const r of ['A', 'B', 'C', 'D']) void offer(`${r} more`, r, () => t);
    await vi.advanceTimersByTimeAsync(0);
    void offer('E more', 'E', () => t);
    void offer('F first', 'F', () => FIRST);
    void offer('G first', 'G', () => FIRST);
    void offer('H first', 'H', () => FIRST);
    await vi.advanceTimersByTimeAsync(0);
    // F and G at once on credit; H is past the credit and E keeps the pace.
    expect(sent.map((c) => c.what)).toEqual(['A more', 'B more', 'C more', 'D more', 'F first', 'G first']);
    // The credit is repaid at the steady pace before anything else goes: H (first text ranks first) then E.
    await vi.advanceTimersByTimeAsync(3 * UPDATE.refillMs + 10);
    expect(sent.slice(6).map((c) => c.what)).toEqual(['H first']);
    expect(sent[6]!.at).toBeGreaterThanOrEqual(3 * UPDATE.refillMs - 1);
    await vi.advanceTimersByTimeAsync(UPDATE.refillMs);
    expect(sent.slice(7).map((c) => c.what)).toEqual(['E more']);
  });

  it('an edit already waiting for the pace goes at once when it comes to carry the first text', async () => {
    const { s, sent, offer } = setup();
    const t = Date.now();
    for (const r of ['A', 'B', 'C', 'D']) void offer(`${r} more`, r, () => t);
    await vi.advanceTimersByTimeAsync(0);
    // F's status line (no text yet) waits for a token; then F's first words arrive.
    let text = false;
    void offer('F edit', 'F', () => (text ? FIRST : undefined));
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toHaveLength(4);
    text = true;
    s.reconsider('F');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((c) => c.what).at(-1)).toBe('F edit');
    expect(sent.at(-1)!.at).toBe(100);
  });

  it("a first text may take the window's last slot under Slack's limit; nothing goes past it", async () => {
    // Slack allows 6 a window here, the bot's cap keeps a margin of one (maxInWindow 5). In the
    // benchmark at N = 50 the 50th run's first words came with 49 edits in the minute: Slack had room
    // for one more, the cap held it and it showed 9.4 s later in a spilled post (one miss per N).
    const { sent, offer } = setup({ ...UPDATE, limit: 6, maxInWindow: 5 });
    const t = Date.now();
    for (const r of ['A', 'B', 'C', 'D', 'E']) void offer(`${r} more`, r, () => t);
    await vi.advanceTimersByTimeAsync(2 * UPDATE.refillMs);
    expect(sent).toHaveLength(5);
    void offer('F first', 'F', () => FIRST);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.at(-1)!.what).toBe('F first');
    // The window now holds Slack's limit: neither another first text nor more text goes until it frees.
    void offer('G first', 'G', () => FIRST);
    void offer('A more', 'A', () => Date.now());
    await vi.advanceTimersByTimeAsync(UPDATE.windowMs - 3 * UPDATE.refillMs);
    expect(sent).toHaveLength(6);
    await vi.advanceTimersByTimeAsync(2 * UPDATE.refillMs);
    expect(sent.at(6)!.what).toBe('G first');
    expect(sent.at(6)!.at).toBeGreaterThan(UPDATE.windowMs);
  });

  it('more text stops at the cap: the margin under Slack is spent on first texts only', async () => {
    const { sent, offer } = setup({ ...UPDATE, limit: 6, maxInWindow: 5 });
    const t = Date.now();
    for (const r of ['A', 'B', 'C', 'D', 'E']) void offer(`${r} more`, r, () => t);
    await vi.advanceTimersByTimeAsync(2 * UPDATE.refillMs);
    void offer('F more', 'F', () => t);
    await vi.advanceTimersByTimeAsync(UPDATE.windowMs - 3 * UPDATE.refillMs);
    expect(sent).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(2 * UPDATE.refillMs);
    expect(sent.at(-1)!.what).toBe('F more');
    expect(sent.at(-1)!.at).toBeGreaterThan(UPDATE.windowMs);
  });
});
