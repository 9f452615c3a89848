/**
 * What the reaper's sweep costs (issue 21, cost per turn), counted at a dynalite that sees every
 * request, and that the cuts keep crash recovery:
 * - a replica does not read its own liveness record to judge its own claims (it knows it is alive:
 *   its live runs are skipped, its claims with no run behind them are judged by the claim alone);
 * - the previous version's index partition (SESSIONS#running) is swept on every tick only while it
 *   holds claims, and otherwise once every two leases; a claim that appears there (a replica of the
 *   previous version still running during a rolling deploy) is still reaped once its replica dies.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CREDENTIALS, EMBEDDED_TABLE } from '../../src/adapters/embedded-dynamo.ts';
import { sortable, threadKey } from '../../src/adapters/session-table.ts';
import { LapseWatch } from '../../src/core/lapse-watch.ts';
import { ReplicaHeartbeat } from '../../src/core/lease.ts';
import type { SessionRecord } from '../../src/core/ports.ts';
import { runningRecord, useCountingStore } from '../helpers/counting-store.ts';

const OWNER = 'replica-a';
const LEASE = 2_000;
const TICK = LEASE / 2;
/** How often, in leases, the previous version's partition is looked at while it holds no claim. */
const LEGACY_QUIET_SWEEP_LEASES = 2;
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent } as never;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OWNER_READ = 'reaper owner check (batch read)';
const LEGACY_SCAN = 'reaper scan, previous version (query)';

describe('the reaper’s sweep: cost and crash recovery', () => {
  const t = useCountingStore();
  let doc: DynamoDBDocumentClient;
  const raw = () => {
    doc ??= DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: t.dynamo.endpoint,
        region: 'us-east-1',
        credentials: EMBEDDED_CREDENTIALS,
      }),
    );
    return doc;
  };
  afterAll(() => doc?.destroy());

  /** One sweep as the runner makes it: its live runs skipped, lapses judged after a grace period. */
  const sweeper = (live: Set<string>) => {
    const lapses = new LapseWatch(LEASE, Date.now);
    return async () => {
      lapses.begin();
      const mine = (r: SessionRecord) => r.owner === OWNER;
      const orphaned = (r: SessionRecord) => mine(r) && !live.has(r.threadTs);
      const won = await t.store.reapLapsed(
        Date.now(),
        (r, aliveUntil) =>
          (mine(r) && live.has(r.threadTs)) || !lapses.due(r, orphaned(r) ? undefined : aliveUntil),
        orphaned,
        { self: OWNER, leaseMs: LEASE },
      );
      lapses.end();
      return won;
    };
  };

  it('a replica’s sweep reads no liveness record for its own claims, and still takes its own orphaned claim', async () => {
    const recs = [1, 2, 3, 4].map((i) => runningRecord(`5.000${i}`, OWNER, LEASE));
    for (const r of recs) expect(await t.store.create(r)).toBe(true);
    const [orphan, ...working] = recs;
    const beat = new ReplicaHeartbeat(t.store, OWNER, LEASE, silent);
    const leases = working.map((r) => beat.register(r, () => undefined));
    // Every claim's own lease has lapsed: the sweep's query returns all four.
    await sleep(LEASE + 200);
    const sweep = sweeper(new Set(working.map((r) => r.threadTs)));
    t.dynamo.reset();
    const won: SessionRecord[] = [];
    for (let i = 0; i < 4 && !won.length; i++) {
      won.push(...(await sweep()));
      if (!won.length) await sleep(TICK);
    }
    expect(t.dynamo.counts()[OWNER_READ] ?? 0).toBe(0);
    expect(won.map((r) => r.threadTs)).toEqual([orphan!.threadTs]);
    for (const r of working) expect((await t.store.get(r))?.status).toBe('running');
    for (const l of leases) l.stop();
  }, 20_000);

  it('sweeps the previous version’s empty partition once every two leases, not on every tick', async () => {
    const sweep = sweeper(new Set());
    // A replica that has swept it before (its first sweep always looks).
    await sweep();
    t.dynamo.reset();
    const ticks = 8;
    for (let i = 0; i < ticks; i++) {
      await sweep();
      await sleep(TICK);
    }
    const counts = t.dynamo.counts();
    expect(counts['reaper scan (query)']).toBe(ticks);
    // Eight ticks are four leases: at most three looks (one due at once, then one per two leases).
    expect(counts[LEGACY_SCAN] ?? 0).toBeLessThanOrEqual(3);
    expect(counts[LEGACY_SCAN] ?? 0).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('a claim of the previous version written into the quiet partition is reaped once its replica dies, and the partition is swept every tick meanwhile', async () => {
    const sweep = sweeper(new Set());
    await sweep();
    // A replica of the previous version claims a thread and dies at once (its last renewal is this claim).
    const claimedAt = Date.now();
    const rec = { ...runningRecord('5.0101', 'replica-old', LEASE), leaseExpiresAt: claimedAt + LEASE };
    await raw().send(
      new PutCommand({
        TableName: EMBEDDED_TABLE,
        Item: { ...threadKey(rec), ...rec, gsi1pk: 'SESSIONS#running', gsi1sk: sortable(rec.leaseExpiresAt) },
      }),
    );
    t.dynamo.reset();
    let reapedAt: number | undefined;
    let ticks = 0;
    while (!reapedAt && Date.now() - claimedAt < 10 * LEASE) {
      if ((await sweep()).some((r) => r.threadTs === rec.threadTs)) reapedAt = Date.now();
      ticks++;
      await sleep(TICK);
    }
    expect(reapedAt).toBeDefined();
    // The quiet partition is looked at within two leases of the claim (its own lease lapsed after
    // one), then the grace period, and a tick: half a lease more than a claim seen lapsed at once.
    expect(reapedAt! - claimedAt).toBeLessThanOrEqual(
      LEGACY_QUIET_SWEEP_LEASES * LEASE + LEASE + TICK + 1_000,
    );
    expect((await t.store.get(rec))?.status).toBe('idle');
    // Once it held a claim, every tick looked at it until the claim was taken.
    const counts = t.dynamo.counts();
    expect(counts[LEGACY_SCAN] ?? 0).toBeGreaterThanOrEqual(ticks - LEGACY_QUIET_SWEEP_LEASES * 2);
  }, 40_000);
});
