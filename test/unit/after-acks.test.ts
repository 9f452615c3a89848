import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AfterAcks } from '../../src/slack/after-acks.ts';

describe('AfterAcks (work after a burst of commands is acknowledged)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets work start once no command has arrived for the quiet period', async () => {
    const gate = new AfterAcks({ quietMs: 10, maxWaitMs: 500 });
    gate.arrived();
    let started = false;
    void gate.wait().then(() => {
      started = true;
    });
    await vi.advanceTimersByTimeAsync(5);
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toBe(true);
  });

  it('holds work while commands keep arriving, so their acks go first', async () => {
    const gate = new AfterAcks({ quietMs: 10, maxWaitMs: 500 });
    gate.arrived();
    let started = false;
    void gate.wait().then(() => {
      started = true;
    });
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(6);
      gate.arrived();
    }
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(12);
    expect(started).toBe(true);
  });

  it('never holds work longer than the longest wait, however long the burst', async () => {
    const gate = new AfterAcks({ quietMs: 10, maxWaitMs: 100 });
    gate.arrived();
    let startedAt = -1;
    const t0 = Date.now();
    void gate.wait().then(() => {
      startedAt = Date.now() - t0;
    });
    for (let i = 0; i < 50; i++) {
      await vi.advanceTimersByTimeAsync(5);
      gate.arrived();
    }
    expect(startedAt).toBeGreaterThanOrEqual(100);
    expect(startedAt).toBeLessThanOrEqual(110);
  });
});
