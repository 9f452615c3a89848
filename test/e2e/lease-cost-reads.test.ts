/**
 * What the heartbeat reads to keep its runs honest (issue 21: its claim read was most of a turn's
 * read units, one strongly consistent read of every running claim at every heartbeat). A claim can
 * only be lost while its owner's liveness record looked lapsed, which the replica knows from its own
 * renewals; and a Stop recorded by another replica leaves a notice in the owner's record, which the
 * renewal hands back. So a claim is read once after it is taken (or taken back after an approval),
 * after a renewal that landed too late, and when a Stop notice names it; not at every heartbeat.
 * Counted at a dynalite that sees every request.
 */
import { describe, expect, it } from 'vitest';
import { type AbortReason, ReplicaHeartbeat } from '../../src/core/lease.ts';
import type { SessionRecord, SessionStore } from '../../src/core/ports.ts';
import { runningRecord, useCountingStore } from '../helpers/counting-store.ts';

const LEASE = 4_000;
const CHECK = 'heartbeat claim check (batch read)';
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lease renewals: what the heartbeat reads', () => {
  const t = useCountingStore();
  let seq = 0;
  const claimed = async (n: number, owner: string): Promise<SessionRecord[]> => {
    const out: SessionRecord[] = [];
    for (let i = 0; i < n; i++) {
      const rec = runningRecord(`7.${String(++seq).padStart(4, '0')}`, owner, LEASE);
      expect(await t.store.create(rec)).toBe(true);
      out.push(rec);
    }
    return out;
  };
  const waitFor = async (ok: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!ok() && Date.now() < until) await sleep(25);
    return ok();
  };
  const rru = (cat: string) => t.dynamo.units()[cat]?.rru ?? 0;

  it('five runs lasting two leases read their claims once, not at every heartbeat, and none is taken for lost', async () => {
    const recs = await claimed(5, 'replica-r1');
    const beat = new ReplicaHeartbeat(t.store, 'replica-r1', LEASE, silent);
    const aborted: AbortReason[] = [];
    t.dynamo.reset();
    const leases = recs.map((r) => beat.register(r, (why) => aborted.push(why)));
    await sleep(2 * LEASE);
    for (const l of leases) l.stop();
    const beats = t.dynamo.counts().heartbeat ?? 0;
    expect(aborted).toEqual([]);
    expect(beats).toBeGreaterThanOrEqual(3);
    // Reading every claim at every heartbeat was 5 RRU per beat. Now: 5 once, after the first
    // renewal; a renewal that lands late under load may add a read, never one per beat.
    expect(rru(CHECK)).toBeGreaterThanOrEqual(5);
    expect(rru(CHECK)).toBeLessThanOrEqual(5 * (beats - 1));
  }, 20_000);

  it('a Stop recorded by another replica reaches its run through a notice in the owner’s record: only that claim is read, and the notice is cleared', async () => {
    const [a, b, c] = await claimed(3, 'replica-r2');
    const beat = new ReplicaHeartbeat(t.store, 'replica-r2', LEASE, silent);
    const reasons = new Map<string, AbortReason>();
    const leases = [a!, b!, c!].map((r) => beat.register(r, (why) => reasons.set(r.threadTs, why)));
    // Past the first renewal, which reads the three claims just taken.
    await sleep(LEASE / 2 + 500);
    t.dynamo.reset();
    expect(await t.store.requestStop(b!, 'U9')).toBe(true);
    expect(await waitFor(() => reasons.size > 0, LEASE)).toBe(true);
    expect([...reasons]).toEqual([[b!.threadTs, { kind: 'stop', by: 'U9' }]]);
    expect(rru(CHECK)).toBe(1);
    // The next renewal clears the handled notice: the record does not grow with every Stop.
    const before = t.dynamo.counts().heartbeat ?? 0;
    expect(await waitFor(() => (t.dynamo.counts().heartbeat ?? 0) >= before + 1, LEASE)).toBe(true);
    await sleep(200);
    expect(await t.store.renewOwner('replica-r2', LEASE)).toEqual([]);
    for (const l of leases) l.stop();
  }, 20_000);

  it('a Stop notice left for a run that has since ended does not stop the next run on that thread', async () => {
    const [rec] = await claimed(1, 'replica-r5');
    const beat = new ReplicaHeartbeat(t.store, 'replica-r5', LEASE, silent);
    const keep = await claimed(1, 'replica-r5');
    // Another run keeps the heartbeat going throughout.
    const other = beat.register(keep[0]!, () => undefined);
    const first = beat.register(rec!, () => undefined);
    // The Stop lands; the run ends (and releases the thread) before the owner's next renewal.
    expect(await t.store.requestStop(rec!, 'U5')).toBe(true);
    first.stop();
    await t.store.finish(rec!, 'replica-r5', LEASE);
    // The thread's next run, on the same replica.
    expect(await t.store.claim(rec!, 'replica-r5', LEASE)).toBe(true);
    const reasons: AbortReason[] = [];
    const second = beat.register(rec!, (why) => reasons.push(why));
    await sleep(LEASE + 500);
    expect(reasons).toEqual([]);
    // The notice was handled (read against the claim) and taken out.
    expect(await t.store.renewOwner('replica-r5', LEASE)).toEqual([]);
    second.stop();
    other.stop();
  }, 20_000);

  it('a claim lost while the replica could not renew for longer than a lease is noticed once its renewals land again', async () => {
    const [rec] = await claimed(1, 'replica-r3');
    let cutOff = false;
    const flaky = new Proxy(t.store, {
      get(target, prop, receiver) {
        if (prop !== 'renewOwner') return Reflect.get(target, prop, receiver);
        return (...args: Parameters<SessionStore['renewOwner']>) =>
          cutOff ? Promise.reject(new Error('TimeoutError')) : target.renewOwner(...args);
      },
    }) as SessionStore;
    const beat = new ReplicaHeartbeat(flaky, 'replica-r3', LEASE, silent);
    const reasons: AbortReason[] = [];
    const lease = beat.register(rec!, (why) => reasons.push(why));
    await sleep(LEASE / 2 + 500);
    cutOff = true;
    // The replica's record lapses; another replica reaps the run and takes the thread.
    await sleep(LEASE + 500);
    const won = await t.store.reapLapsed(Date.now());
    expect(won.map((r) => r.threadTs)).toContain(rec!.threadTs);
    expect(await t.store.claim(rec!, 'replica-r4', LEASE)).toBe(true);
    expect(reasons).toEqual([]);
    cutOff = false;
    expect(await waitFor(() => reasons.length > 0, LEASE)).toBe(true);
    expect(reasons).toEqual([{ kind: 'lost' }]);
    lease.stop();
  }, 20_000);
});
