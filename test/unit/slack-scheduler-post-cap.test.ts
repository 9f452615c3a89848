/**
 * chat.postMessage's workspace-wide cap in the scheduler (src/core/slack-scheduler.ts): every post
 * draws on its channel's 1/s budget and on one budget for the whole workspace (Slack: a few hundred
 * a minute; the fake: 300), whose tokens go to the best-ranked waiting post of any channel.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlackWriteError } from '../../src/core/ports.ts';
import { retryAfterOf } from '../../src/core/scheduled-writer.ts';
import { DEFAULT_BUDGETS, SlackScheduler } from '../../src/core/slack-scheduler.ts';
import { POST_WORKSPACE_PER_MINUTE } from '../../src/stand-ins/fake-slack-rate-limits.ts';

const W = 'T1';
const POST = DEFAULT_BUDGETS['chat.postMessage']!;

function recorder() {
  const calls: Array<{ what: string; channel: string; at: number }> = [];
  const call = (what: string, channel: string) => async () => {
    calls.push({ what, channel, at: Date.now() });
    return what;
  };
  return { calls, call };
}

const mostInWindow = (times: number[], windowMs: number) =>
  Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));

describe("the scheduler's workspace-wide post budget", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('never lets a burst of posts over many channels exceed the workspace cap, and uses it', async () => {
    const s = new SlackScheduler({ retryAfterOf });
    const { calls, call } = recorder();
    // 100 channels, each offering a post every 200 ms (critical roots and a run's progress posts)
    // for three minutes: 500 posts a second asked, Slack allows 300 a minute.
    for (let t = 0; t < 180_000; t += 200) {
      for (let c = 0; c < 100; c++) {
        const channel = `C${c}`;
        void s.run({
          workspace: W,
          method: 'chat.postMessage',
          channel,
          lane: 'critical',
          fn: call('root', channel),
        });
        void s.run({
          workspace: W,
          method: 'chat.postMessage',
          channel,
          lane: 'progress',
          runKey: `run-${c}`,
          pendingSince: () => t,
          fn: call('spill', channel),
        });
      }
      await vi.advanceTimersByTimeAsync(200);
    }
    const at = calls.map((c) => c.at);
    expect(mostInWindow(at, 60_000)).toBeLessThanOrEqual(POST.workspace!.maxInWindow);
    expect(POST.workspace!.maxInWindow).toBeLessThan(POST_WORKSPACE_PER_MINUTE);
    // Each channel still at most one a second.
    for (let c = 0; c < 100; c++)
      expect(
        mostInWindow(
          calls.filter((x) => x.channel === `C${c}`).map((x) => x.at),
          1_000,
        ),
      ).toBeLessThanOrEqual(1);
    // The budget is used: a burst, then the steady pace (not an idle scheduler).
    expect(calls.length).toBeGreaterThanOrEqual(Math.floor((180_000 / POST.workspace!.refillMs) * 0.95));
  });

  it('gives the workspace budget to critical posts first, then the oldest unshown text, whatever the channel', async () => {
    const s = new SlackScheduler({
      retryAfterOf,
      budgets: {
        'chat.postMessage': { ...POST, workspace: { ...POST.workspace!, burst: 1, refillMs: 1_000 } },
      },
    });
    const { calls, call } = recorder();
    const post = (channel: string, lane: 'critical' | 'progress', what: string, since?: number) =>
      s.run({
        workspace: W,
        method: 'chat.postMessage',
        channel,
        lane,
        ...(lane === 'progress' ? { runKey: what } : {}),
        // No age given: a status-only post (nothing new to show).
        ...(since !== undefined ? { pendingSince: () => since } : { hasNews: () => false }),
        fn: call(what, channel),
      });
    // The one token goes at once; the rest wait on the workspace budget, each in its own channel.
    void post('A', 'critical', 'first');
    await vi.advanceTimersByTimeAsync(0);
    void post('B', 'progress', 'b-newer', 500);
    void post('C', 'progress', 'c-older', 100);
    void post('D', 'progress', 'd-status');
    void post('E', 'critical', 'approval-card');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.map((c) => c.what)).toEqual(['first', 'approval-card', 'c-older', 'b-newer', 'd-status']);
    // One a second: the workspace budget's pace, not each channel's.
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(999);
  });

  it("says how long a post would wait, counting the workspace budget beside its channel's", async () => {
    const s = new SlackScheduler({
      retryAfterOf,
      budgets: {
        'chat.postMessage': { ...POST, workspace: { ...POST.workspace!, burst: 1, refillMs: 1_000 } },
      },
    });
    const key = (channel: string) => ({ workspace: W, method: 'chat.postMessage', channel });
    expect(s.waitMs(key('B'))).toBe(0);
    await s.run({ ...key('A'), lane: 'critical', fn: async () => 'root' });
    // Channel B has posted nothing, but the workspace's token is spent: about a second to the next.
    expect(s.waitMs(key('B'))).toBeGreaterThan(900);
    expect(s.waitMs(key('B'))).toBeLessThanOrEqual(1_000);
  });

  it('keeps one progress post per run waiting: the latest state wins', async () => {
    const s = new SlackScheduler({
      retryAfterOf,
      budgets: {
        'chat.postMessage': { ...POST, workspace: { ...POST.workspace!, burst: 1, refillMs: 1_000 } },
      },
    });
    const { calls, call } = recorder();
    void s.run({
      workspace: W,
      method: 'chat.postMessage',
      channel: 'A',
      lane: 'critical',
      fn: call('root', 'A'),
    });
    await vi.advanceTimersByTimeAsync(0);
    const offers = [1, 2, 3].map((i) =>
      s.run({
        workspace: W,
        method: 'chat.postMessage',
        channel: 'B',
        lane: 'progress',
        runKey: 'r1',
        hasNews: () => true,
        pendingSince: () => 0,
        fn: call(`spill-${i}`, 'B'),
      }),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await Promise.all(offers)).toEqual([undefined, undefined, 'spill-3']);
    expect(calls.map((c) => c.what)).toEqual(['root', 'spill-3']);
    expect(s.stats.replaced).toBe(2);
  });

  it("pauses every channel's posts when Slack says the workspace cap was hit (Retry-After beyond a second)", async () => {
    const s = new SlackScheduler({ retryAfterOf });
    const { calls, call } = recorder();
    let refused = false;
    const limited = async () => {
      if (!refused) {
        refused = true;
        throw new SlackWriteError('ratelimited', 'rate limited', 30);
      }
      return 'retried';
    };
    void s.run({ workspace: W, method: 'chat.postMessage', channel: 'A', lane: 'critical', fn: limited });
    await vi.advanceTimersByTimeAsync(0);
    const start = Date.now();
    void s.run({
      workspace: W,
      method: 'chat.postMessage',
      channel: 'B',
      lane: 'critical',
      fn: call('b', 'B'),
    });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls.map((c) => c.what)).toEqual(['b']);
    expect(calls[0]!.at - start).toBeGreaterThanOrEqual(29_000);
  });
});
