import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlackWriteError, type SlackWriter } from '../../src/core/ports.ts';
import { ScheduledSlackWriter } from '../../src/core/scheduled-writer.ts';

/** Slack's published tiers for the reactions the bot uses to mark queued follow-ups. */
const PER_MINUTE = { 'reactions.add': 50, 'reactions.remove': 20 } as const;

describe('the bot’s Slack calls respect Slack’s published rate tiers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const [method, limit] of Object.entries(PER_MINUTE)) {
    it(`${method} (${limit}/min): a burst of follow-ups never goes over the tier in any minute`, async () => {
      const at: number[] = [];
      const inner: SlackWriter = {
        post: async () => '1.0',
        update: async () => undefined,
        join: async () => undefined,
        react: async () => {
          if (method === 'reactions.add') at.push(Date.now());
        },
        unreact: async () => {
          if (method === 'reactions.remove') at.push(Date.now());
        },
      };
      const w = new ScheduledSlackWriter(inner, undefined, 'T1');
      const done: Array<Promise<void>> = [];
      for (let i = 0; i < 3 * limit; i++)
        done.push(method === 'reactions.add' ? w.react('C1', `1.${i}`, 'x') : w.unreact('C1', `1.${i}`, 'x'));
      await vi.advanceTimersByTimeAsync(4 * 60_000);
      await Promise.all(done);
      expect(at).toHaveLength(3 * limit);
      for (const first of at)
        expect(at.filter((t) => t >= first && t < first + 60_000).length).toBeLessThan(limit);
    });
  }

  it('a 429 on a reaction is waited out, not dropped (the hourglass must not stay on a message)', async () => {
    let fails = 1;
    const removed: string[] = [];
    const inner: SlackWriter = {
      post: async () => '1.0',
      update: async () => undefined,
      join: async () => undefined,
      react: async () => undefined,
      unreact: async (_c, ts) => {
        if (fails-- > 0) throw new SlackWriteError('ratelimited', 'rate limited', 2);
        removed.push(ts);
      },
    };
    const w = new ScheduledSlackWriter(inner, undefined, 'T1');
    const p = w.unreact('C1', '1.5', 'hourglass_flowing_sand');
    await vi.advanceTimersByTimeAsync(5_000);
    await p;
    expect(removed).toEqual(['1.5']);
  });
});
