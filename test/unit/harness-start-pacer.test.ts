/**
 * The start pacer: one queue per harness (AgentCore counts InvokeHarness against the harness, not the
 * endpoint a call names), the stricter of two configured rates, and a stopped waiter giving its turn
 * to the runs behind it. The first case drives the real adapter and SDK against the harness emulator,
 * which throttles per harness like the service.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentCoreHarness } from '../../src/adapters/harness.ts';
import { pacerFor, StartPacer, waitInQueue } from '../../src/adapters/harness-start-pacer.ts';
import type { AgentEvent } from '../../src/core/events.ts';
import { createLogger } from '../../src/log.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/pacer-AbCdEf1234';

afterEach(() => {
  vi.useRealTimers();
});

describe('pacing per harness', () => {
  it('two endpoints of one harness share its admission rate', async () => {
    const emulator = new HarnessEmulator({ harnessArn: ARN, maxInvocationsPerSecond: 2 });
    const url = await emulator.start();
    try {
      const adapter = (qualifier: string) =>
        new AgentCoreHarness({
          harnessArn: ARN,
          qualifier,
          region: 'us-east-1',
          idleTimeoutMs: 10_000,
          maxRunMs: 20_000,
          throttleRetries: 0,
          startsPerSecond: 2,
          log: createLogger('silent'),
          endpoint: url,
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        });
      const endpoints = [adapter('DEFAULT'), adapter('canary')];
      const run = async (h: AgentCoreHarness, i: number) => {
        const events: AgentEvent[] = [];
        for await (const e of h.invoke({
          runtimeSessionId: `pacer-test-session-${i}-0123456789abcdef0123456789`,
          userId: 'U1',
          prompt: 'hello',
          skillPaths: [],
        }))
          events.push(e);
        return events.at(-1)?.type;
      };
      // One run on each endpoint first, out of the way, so that no client's first call (credentials,
      // connection: 100+ ms on a loaded machine) arrives late; then three runs on each at once: six
      // starts, two a second for the harness as a whole.
      await Promise.all([run(endpoints[0]!, 10), run(endpoints[1]!, 11)]);
      await new Promise((r) => setTimeout(r, 1200));
      const ends = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => run(endpoints[i % 2]!, i)));
      expect(emulator.invocations.filter((i) => i.status === 429)).toHaveLength(0);
      expect(ends).toEqual(Array(6).fill('completed'));
      expect(emulator.invocations).toHaveLength(8);
    } finally {
      await emulator.stop();
    }
  }, 30_000);

  it('keeps the stricter rate when two bot instances configure the same harness differently', () => {
    const strict = pacerFor(`${ARN}-rates`, 3);
    expect(pacerFor(`${ARN}-rates`, 10)).toBe(strict);
    expect(strict.rate).toBe(3);
    pacerFor(`${ARN}-rates`, 1);
    expect(strict.rate).toBe(1);
  });
});

describe('StartPacer', () => {
  it('admits perSecond starts at once and queues the rest, telling each how many are ahead', async () => {
    vi.useFakeTimers();
    const pacer = new StartPacer(2);
    const ahead: number[][] = [[], [], [], []];
    const waits = [0, 1, 2, 3].map((i) => pacer.wait(undefined, (n) => ahead[i]!.push(n)));
    expect(await Promise.all(waits.slice(0, 2))).toEqual([0, 0]);
    expect(ahead.slice(2)).toEqual([[0], [1]]);
    await vi.advanceTimersByTimeAsync(1100);
    expect(await Promise.all(waits.slice(2))).toEqual([1100, 1100]);
  });

  it('a waiter that is stopped gives up its turn and the runs behind move up', async () => {
    vi.useFakeTimers();
    const pacer = new StartPacer(1);
    await pacer.wait();
    const stop = new AbortController();
    const ahead: number[] = [];
    let started = -1;
    const stopped = pacer.wait(stop.signal);
    void pacer.wait(undefined, (n) => ahead.push(n)).then((ms) => (started = ms));
    expect(ahead).toEqual([1]);
    await vi.advanceTimersByTimeAsync(300);
    stop.abort();
    expect(await stopped).toBe(300);
    expect(ahead).toEqual([1, 0]);
    // Without the release, the stopped run's start (at 1.1 s) would go unused and this one wait to 2.2 s.
    await vi.advanceTimersByTimeAsync(800);
    expect(started).toBe(1100);
    expect(pacer.waiting).toBe(0);
  });

  it('tightening the rate slows the queue that is already waiting', async () => {
    vi.useFakeTimers();
    const pacer = new StartPacer(3);
    await Promise.all([pacer.wait(), pacer.wait()]);
    pacer.tighten(1);
    let waited = -1;
    void pacer.wait().then((ms) => (waited = ms));
    await vi.advanceTimersByTimeAsync(0);
    expect(waited).toBe(-1);
    await vi.advanceTimersByTimeAsync(1100);
    expect(waited).toBe(1100);
  });
});

describe('waitInQueue', () => {
  async function collect(q: AsyncGenerator<number, number>, log: number[]): Promise<number> {
    for (;;) {
      const r = await q.next();
      if (r.done) return r.value;
      log.push(r.value);
    }
  }

  it('says nothing about a wait shorter than the threshold', async () => {
    vi.useFakeTimers();
    const pacer = new StartPacer(1);
    await pacer.wait();
    const shown: number[] = [];
    const done = collect(waitInQueue(pacer, new AbortController().signal, 2000), shown);
    await vi.advanceTimersByTimeAsync(1100);
    expect(await done).toBe(1100);
    expect(shown).toEqual([]);
  });

  it('after the threshold, tells the place in the queue and each move up', async () => {
    vi.useFakeTimers();
    const pacer = new StartPacer(1);
    await pacer.wait();
    void pacer.wait();
    const shown: number[] = [];
    const done = collect(waitInQueue(pacer, new AbortController().signal, 1000), shown);
    await vi.advanceTimersByTimeAsync(999);
    expect(shown).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(shown).toEqual([1]);
    await vi.advanceTimersByTimeAsync(100);
    expect(shown).toEqual([1, 0]);
    await vi.advanceTimersByTimeAsync(1100);
    expect(await done).toBe(2200);
    expect(shown).toEqual([1, 0]);
  });
});
