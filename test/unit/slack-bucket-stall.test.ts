/**
 * Issue 21's hypothesis: does the token bucket (capped at `burst` tokens) forfeit its refill while the
 * event loop stalls, so that a stalled bot sends fewer chat.update calls than the budget allows and
 * its replies run late? The bucket refills from the clock when asked (refill(now)), not per timer
 * tick, so a stall loses nothing until the tokens it earned would pass `burst`.
 */
import { describe, expect, it } from 'vitest';
import { Bucket } from '../../src/core/slack-bucket.ts';
import { DEFAULT_BUDGETS } from '../../src/core/slack-budgets.ts';

const budget = DEFAULT_BUDGETS['chat.update']!;

/** Grants over `untilMs` for a bucket always wanted, asked every `tickMs` except during [stallAt, stallAt + stallMs). */
function grants(untilMs: number, stallAt: number, stallMs: number, tickMs = 10): number {
  const b = new Bucket(budget, 0);
  b.tokens = 0;
  let n = 0;
  for (let now = 0; now < untilMs; now += tickMs) {
    if (now >= stallAt && now < stallAt + stallMs) continue;
    b.refill(now);
    while (b.tokens >= 1) {
      b.tokens -= 1;
      n++;
    }
  }
  return n;
}

describe('the Slack token bucket across event-loop stalls', () => {
  it('loses no refill over a stall shorter than burst × refillMs (chat.update: ~5.3 s)', () => {
    const steady = grants(60_000, 0, 0);
    for (const stallMs of [500, 2_000, 3_000, 5_000])
      expect(grants(60_000, 20_000, stallMs), `stall ${stallMs} ms`).toBe(steady);
  });

  it('forfeits what a longer stall earns beyond burst tokens', () => {
    const steady = grants(60_000, 0, 0);
    // 10 s earns ~7.5 tokens; the bucket keeps 4 of them (and none of the fraction it had).
    const lost = steady - grants(60_000, 20_000, 10_000);
    const earned = 10_000 / budget.refillMs;
    expect(lost).toBeGreaterThanOrEqual(Math.floor(earned - budget.burst));
    expect(lost).toBeLessThanOrEqual(Math.ceil(earned - budget.burst));
  });
});
