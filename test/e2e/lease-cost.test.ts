/**
 * What keeping runs' claims costs in DynamoDB (issue 21: heartbeats were most of a turn's
 * requests), counted at a dynalite that sees every request: one heartbeat per replica, not per run.
 * And that it keeps every job the per-run renewal did: a live owner's runs are never reaped, a
 * crashed owner's are (and can be retried), a failed renewal is retried well before the lease could
 * lapse, a claim lost to another replica and a Stop recorded by another replica reach the run, and a
 * run paused for an approval is not taken for lost.
 */
import { describe, expect, it } from 'vitest';
import { BATCH_GET_MAX_KEYS } from '../../src/adapters/session-batch-read.ts';
import { type AbortReason, ReplicaHeartbeat } from '../../src/core/lease.ts';
import type { SessionRecord, SessionStore, ThreadKey } from '../../src/core/ports.ts';
import { runningRecord, useCountingStore } from '../helpers/counting-store.ts';

const OWNER = 'replica-a';
const LEASE = 3_000;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lease renewals: cost and safety', () => {
  const t = useCountingStore();
  let seq = 0;
  /** Running records claimed by `owner`, stored. */
  const claimed = async (n: number, owner = OWNER): Promise<SessionRecord[]> => {
    const out: SessionRecord[] = [];
    for (let i = 0; i < n; i++) {
      const rec = runningRecord(`3.${String(++seq).padStart(4, '0')}`, owner, LEASE);
      expect(await t.store.create(rec)).toBe(true);
      out.push(rec);
    }
    return out;
  };
  /** Whether a sweep now takes this run (the table holds the other tests' runs too). */
  const reapedHere = async (rec: SessionRecord) =>
    (await t.store.reapLapsed(Date.now())).some((r) => r.threadTs === rec.threadTs);
  const waitFor = async (ok: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!ok() && Date.now() < until) await sleep(25);
    return ok();
  };

  it('five runs lasting two leases cost one heartbeat per half lease for the replica, none lapse, and a crashed replica’s runs are reaped and can be retried', async () => {
    const recs = await claimed(5);
    const beat = new ReplicaHeartbeat(t.store, OWNER, LEASE, silent);
    const aborted: AbortReason[] = [];
    t.dynamo.reset();
    const leases = recs.map((r) => beat.register(r, (why) => aborted.push(why)));
    // Two leases long; a sweep every quarter lease finds nothing to take while the owner lives,
    // although every claim's own lease lapsed after the first.
    const reaped: SessionRecord[] = [];
    for (let i = 0; i < 8; i++) {
      await sleep(LEASE / 4);
      reaped.push(...(await t.store.reapLapsed(Date.now())));
    }
    const counts = t.dynamo.counts();
    expect(reaped).toEqual([]);
    expect(aborted).toEqual([]);
    // Per run, every half lease, this was 5 × 4 = 20 renewals; per replica it is 4 (2 at the least
    // under load). The five claims are read together after the first renewal, not at every one
    // (what a heartbeat reads: lease-cost-reads.test.ts).
    expect(counts.heartbeat ?? 0).toBeLessThanOrEqual(4);
    expect(counts.heartbeat ?? 0).toBeGreaterThanOrEqual(2);
    expect(counts['heartbeat claim check (batch read)'] ?? 0).toBeGreaterThanOrEqual(1);
    expect(counts['heartbeat claim check (batch read)'] ?? 0).toBeLessThan(counts.heartbeat ?? 0);
    // The replica dies: its runs stop renewing without ending. Once its record lapses, they are taken.
    for (const l of leases) l.stop();
    await sleep(LEASE + 200);
    const won = await t.store.reapLapsed(Date.now());
    expect(won.map((r) => r.threadTs).sort()).toEqual(recs.map((r) => r.threadTs).sort());
    for (const rec of recs) {
      const after = await t.store.get(rec);
      expect(after).toMatchObject({ status: 'idle' });
      // Offered for retry: another replica can take each interruption back, once.
      expect(await t.store.claimRetry(rec, after!.interruptedAt!, 'replica-b', LEASE)).toBe(true);
    }
  }, 20_000);

  it('a claim whose owner never wrote a liveness record is reaped once its own lease lapses', async () => {
    const [rec] = await claimed(1, 'replica-gone');
    expect(await reapedHere(rec!)).toBe(false);
    await sleep(LEASE + 100);
    expect(await reapedHere(rec!)).toBe(true);
  }, 10_000);

  it('a claim of a live replica with no run behind it (its release failed) is taken when that replica says so', async () => {
    const [orphan, working] = await claimed(2);
    const beat = new ReplicaHeartbeat(t.store, OWNER, LEASE, silent);
    // Only `working` has a run keeping it; the replica's record is fresh throughout.
    const lease = beat.register(working!, () => undefined);
    await sleep(LEASE + 200);
    const orphaned = (r: SessionRecord) => r.threadTs === orphan!.threadTs;
    const won = await t.store.reapLapsed(Date.now(), undefined, orphaned);
    expect(won.map((r) => r.threadTs)).toContain(orphan!.threadTs);
    expect(won.map((r) => r.threadTs)).not.toContain(working!.threadTs);
    lease.stop();
  }, 10_000);

  it('a claim another replica took over and a Stop recorded by another replica reach their runs', async () => {
    const [lost, stopped, calm] = await claimed(3);
    const beat = new ReplicaHeartbeat(t.store, OWNER, LEASE, silent);
    const reasons = new Map<string, AbortReason>();
    const leases = [lost!, stopped!, calm!].map((r) =>
      beat.register(r, (why) => reasons.set(r.threadTs, why)),
    );
    // As after a partition: the run was reaped, then claimed by replica B; and a Stop was clicked on B.
    expect(await t.store.interrupt(lost!, OWNER)).toBe(true);
    expect(await t.store.claim(lost!, 'replica-b', LEASE)).toBe(true);
    expect(await t.store.requestStop(stopped!, 'U2')).toBe(true);
    expect(await waitFor(() => reasons.size >= 2, LEASE)).toBe(true);
    expect(reasons.get(lost!.threadTs)).toEqual({ kind: 'lost' });
    expect(reasons.get(stopped!.threadTs)).toEqual({ kind: 'stop', by: 'U2' });
    expect(reasons.has(calm!.threadTs)).toBe(false);
    for (const l of leases) l.stop();
  }, 10_000);

  it('a run paused for an approval is not taken for lost, and is watched again once resumed', async () => {
    const [rec] = await claimed(1);
    const beat = new ReplicaHeartbeat(t.store, OWNER, LEASE, silent);
    const reasons: AbortReason[] = [];
    const lease = beat.register(rec!, (why) => reasons.push(why));
    lease.pause();
    await t.store.finish(rec!, OWNER, LEASE, 'AP1');
    await sleep(LEASE);
    expect(reasons).toEqual([]);
    expect(await t.store.claimAwaiting(rec!, 'AP1', OWNER, LEASE)).toBe(true);
    lease.resume();
    expect(await t.store.requestStop(rec!, 'U3')).toBe(true);
    expect(await waitFor(() => reasons.length > 0, LEASE)).toBe(true);
    expect(reasons).toEqual([{ kind: 'stop', by: 'U3' }]);
    lease.stop();
  }, 10_000);

  it('retries a failed renewal soon, not a whole interval later', async () => {
    const [rec] = await claimed(1, 'replica-flaky');
    const attempts: number[] = [];
    let failures = 2;
    const flaky = new Proxy(t.store, {
      get(target, prop, receiver) {
        if (prop !== 'renewOwner') return Reflect.get(target, prop, receiver);
        return (...args: Parameters<SessionStore['renewOwner']>) => {
          attempts.push(Date.now());
          if (failures-- > 0) return Promise.reject(new Error('ThrottlingException'));
          return target.renewOwner(...args);
        };
      },
    }) as SessionStore;
    const beat = new ReplicaHeartbeat(flaky, 'replica-flaky', LEASE, silent);
    const lease = beat.register(rec!, () => undefined);
    const started = Date.now();
    while (attempts.length < 3 && Date.now() - started < 5 * LEASE) await sleep(50);
    lease.stop();
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    // The two retries came within the first renewal's interval, and the third attempt renewed the
    // replica before the lease its claim was granted at the start could lapse.
    expect(attempts[2]! - attempts[0]!).toBeLessThan(LEASE / 2);
    await sleep(rec!.leaseExpiresAt! - Date.now() + 50);
    expect(await reapedHere(rec!)).toBe(false);
  }, 20_000);

  it('reads more claims than one BatchGetItem takes in requests of at most 100 keys, each key once', async () => {
    const recs = await claimed(BATCH_GET_MAX_KEYS + 20);
    const keys: ThreadKey[] = [...recs, recs[0]!];
    t.dynamo.reset();
    const got = await t.store.readClaims(keys);
    expect(t.dynamo.counts()).toEqual({ 'heartbeat claim check (batch read)': 2 });
    expect(got.map((r) => r?.owner)).toEqual(keys.map(() => OWNER));
    const missing = await t.store.readClaims([{ teamId: 'T1', channel: 'C1', threadTs: '9.9999' }]);
    expect(missing).toEqual([undefined]);
  }, 20_000);
});
