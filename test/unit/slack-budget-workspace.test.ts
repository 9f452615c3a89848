/**
 * Which budget a call draws on: Slack counts calls per method per workspace per app, charged to the
 * workspace whose installation (token) makes them. Each installation's writer is bound to its
 * workspace, so two workspaces have a budget each, and a run whose Slack event named another
 * workspace (a Slack Connect channel) still draws on the installation's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SlackWriter } from '../../src/core/ports.ts';
import { ScheduledSlackWriter } from '../../src/core/scheduled-writer.ts';
import { SlackScheduler } from '../../src/core/slack-scheduler.ts';

const counting = (log: number[]): SlackWriter => ({
  post: async () => '1.0',
  update: async () => {
    log.push(Date.now());
  },
  join: async () => undefined,
  react: async () => undefined,
  unreact: async () => undefined,
});

describe('Slack budgets are per installation workspace', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('two workspaces each get their own chat.update budget', async () => {
    const scheduler = new SlackScheduler();
    const a: number[] = [];
    const b: number[] = [];
    const wa = new ScheduledSlackWriter(counting(a), scheduler, 'T0AAAA');
    const wb = new ScheduledSlackWriter(counting(b), scheduler, 'T0BBBB');
    const done = [];
    for (let i = 0; i < 40; i++) {
      done.push(wa.update('C1', `1.${i}`, { text: 'x', blocks: [] }));
      done.push(wb.update('C2', `2.${i}`, { text: 'x', blocks: [] }));
    }
    await vi.advanceTimersByTimeAsync(60_000);
    await Promise.all(done);
    // Both reach the same count in the same minute: neither waited on the other's calls.
    expect(a).toHaveLength(40);
    expect(b).toHaveLength(40);
  });

  it('a run whose event named another workspace does not get a second budget', async () => {
    const scheduler = new SlackScheduler();
    const at: number[] = [];
    const w = new ScheduledSlackWriter(counting(at), scheduler, 'T0AAAA');
    const done = [];
    for (let i = 0; i < 60; i++)
      done.push(
        w.update('C1', `1.${i}`, { text: 'x', blocks: [] }, { team: i % 2 ? 'T0PARTNER' : 'T0AAAA' }),
      );
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    await Promise.all(done);
    expect(at).toHaveLength(60);
    // One budget for all 60: never 50 or more in any minute.
    for (const first of at)
      expect(at.filter((t) => t >= first && t < first + 60_000).length).toBeLessThan(50);
  });
});
