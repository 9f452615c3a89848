/**
 * What keeping a run's claim costs in DynamoDB (issue 21: heartbeats were most of a turn's
 * requests), counted at a dynalite that sees every request, and that cutting it keeps the reaper's
 * guarantees: a live owner's lease never lapses, a failed renewal is retried well before it
 * would, and a crashed owner's run is still reaped once its lease lapses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CountingDynamo, startCountingDynamo } from '../../bench/dynamo-counter.ts';
import { EMBEDDED_TABLE } from '../../src/adapters/embedded-dynamo.ts';
import { DynamoSessionStore } from '../../src/adapters/session-store.ts';
import { LeaseKeeper } from '../../src/core/lease.ts';
import type { SessionRecord, SessionStore } from '../../src/core/ports.ts';

const OWNER = 'replica-a';
const LEASE = 3_000;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lease renewals: cost and safety', () => {
  let dynamo: CountingDynamo;
  let store: DynamoSessionStore;
  beforeAll(async () => {
    dynamo = await startCountingDynamo('us-east-1');
    store = new DynamoSessionStore({
      table: EMBEDDED_TABLE,
      region: 'us-east-1',
      endpoint: dynamo.endpoint,
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      ttlDays: 30,
    });
  });
  afterAll(async () => {
    await dynamo.close();
  });

  const running = (thread: string): SessionRecord => ({
    teamId: 'T1',
    channel: 'C1',
    threadTs: thread,
    runtimeSessionId: `${thread}-session`.padEnd(40, '0'),
    routeId: 'assess',
    skill: 'assess',
    skillPaths: [],
    requester: 'U1',
    status: 'running',
    owner: OWNER,
    leaseExpiresAt: Date.now() + LEASE,
    turns: 0,
    createdAt: Date.now(),
    updatedAt: Date.now(),
  });

  it('renews a run lasting two leases in at most 4 requests, its lease never lapsing, and a crashed owner is reaped', async () => {
    const rec = running('2.0001');
    expect(await store.create(rec)).toBe(true);
    const aborted: unknown[] = [];
    const keeper = new LeaseKeeper(store, rec, OWNER, LEASE, (r) => aborted.push(r), silent);
    dynamo.reset();
    keeper.start();
    // Two leases long; a sweep every quarter lease finds nothing lapsed while the owner lives.
    const reaped: SessionRecord[] = [];
    for (let t = 0; t < 8; t++) {
      await sleep(LEASE / 4);
      reaped.push(...(await store.reapLapsed(Date.now())));
    }
    keeper.stop();
    expect(reaped).toEqual([]);
    expect(aborted).toEqual([]);
    // Renewing every third of the lease took 6 here; every half lease takes 4.
    expect(dynamo.counts().heartbeat ?? 0).toBeLessThanOrEqual(4);
    expect(dynamo.counts().heartbeat ?? 0).toBeGreaterThanOrEqual(2);
    // The owner is gone (no more renewals): once its lease lapses, the reaper takes the run.
    await sleep(LEASE + 200);
    const won = await store.reapLapsed(Date.now());
    expect(won.map((r) => r.threadTs)).toEqual([rec.threadTs]);
    expect((await store.get(rec))?.status).toBe('idle');
  });

  it('retries a failed renewal soon, not a whole interval later', async () => {
    const rec = running('2.0002');
    expect(await store.create(rec)).toBe(true);
    const attempts: number[] = [];
    let failures = 2;
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop !== 'heartbeat') return Reflect.get(target, prop, receiver);
        return (...args: Parameters<SessionStore['heartbeat']>) => {
          attempts.push(Date.now());
          if (failures-- > 0) return Promise.reject(new Error('ThrottlingException'));
          return target.heartbeat(...args);
        };
      },
    }) as SessionStore;
    const keeper = new LeaseKeeper(flaky, rec, OWNER, LEASE, () => undefined, silent);
    const started = Date.now();
    keeper.start();
    while (attempts.length < 3 && Date.now() - started < 5 * LEASE) await sleep(50);
    keeper.stop();
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    // The two retries came within the first renewal's interval, and the third attempt held the claim
    // before the lease granted at the start could lapse.
    expect(attempts[2]! - attempts[0]!).toBeLessThan(LEASE / 2);
    const after = await store.get(rec);
    expect(after?.leaseExpiresAt ?? 0).toBeGreaterThan(attempts[2]!);
  });
});
