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

describe('AfterAcks after the process was held up (a loaded machine)', () => {
  it('does not release work ahead of commands that arrived meanwhile and are waiting to be read', async () => {
    // While the process handles one command it is held up (descheduled, on a loaded machine) for
    // longer than the quiet period; the next command's bytes reach its socket meanwhile. When the
    // handler returns, the release timer is due but the next command has not been read yet:
    // releasing then would put the held work ahead of that command's ack.
    const { createServer, connect } = await import('node:net');
    const gate = new AfterAcks({ quietMs: 10, maxWaitMs: 5_000 });
    const order: string[] = [];
    let client: import('node:net').Socket | undefined;
    let released: Promise<unknown> | undefined;
    let seen = 0;
    const server = createServer((s) =>
      s.on('data', () => {
        gate.arrived();
        order.push(`arrived ${++seen}`);
        if (seen > 1) return;
        released = gate.wait().then(() => order.push('released'));
        client?.write('the next command');
        const until = Date.now() + 40;
        while (Date.now() < until); // held up: the timer falls due, the next command waits in the socket
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    client = connect(port, '127.0.0.1');
    await new Promise<void>((r) => client?.once('connect', r));
    client.write('a command');
    await new Promise<void>((r) => {
      const poll = () => (released ? r() : setTimeout(poll, 5));
      poll();
    });
    await released;
    expect(order).toEqual(['arrived 1', 'arrived 2', 'released']);
    client.destroy();
    server.close();
  });
});
