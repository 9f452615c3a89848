/**
 * Upgrading to per-replica liveness while older replicas still run (an ECS rolling deploy overlaps
 * them). A replica of the previous version renews each claim's own lease and reaps any running claim
 * whose lease has lapsed; a claim of this version is never renewed (its owner's liveness record is),
 * so if the old reaper could see it, it would interrupt every long run a new replica started.
 * Claims of this version live in their own index partition, which the old reaper does not query;
 * this version still reaps the old version's lapsed claims, and lists both.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CREDENTIALS, EMBEDDED_TABLE } from '../../src/adapters/embedded-dynamo.ts';
import { sortable, threadKey } from '../../src/adapters/session-table.ts';
import type { SessionRecord } from '../../src/core/ports.ts';
import { runningRecord, useCountingStore } from '../helpers/counting-store.ts';

const LEASE = 2_000;
/** The index partition the previous version writes its claims to and sweeps. */
const PREVIOUS_RUNNING = 'SESSIONS#running';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('claims while replicas of the previous version still run', () => {
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

  /** The previous version's sweep: every running claim in its partition whose own lease lapsed. */
  const previousVersionSees = async (now: number): Promise<string[]> => {
    const out = await raw().send(
      new QueryCommand({
        TableName: EMBEDDED_TABLE,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :r AND gsi1sk < :now',
        ExpressionAttributeValues: { ':r': PREVIOUS_RUNNING, ':now': sortable(now) },
      }),
    );
    return (out.Items ?? []).map((i) => i.threadTs as string);
  };

  /** A claim as the previous version writes it. */
  const previousClaim = async (thread: string, leaseExpiresAt: number): Promise<SessionRecord> => {
    const rec = { ...runningRecord(thread, 'replica-old', LEASE), leaseExpiresAt };
    await raw().send(
      new PutCommand({
        TableName: EMBEDDED_TABLE,
        Item: { ...threadKey(rec), ...rec, gsi1pk: PREVIOUS_RUNNING, gsi1sk: sortable(leaseExpiresAt) },
      }),
    );
    return rec;
  };

  it('a long run claimed by this version is invisible to the previous version’s reaper', async () => {
    const rec = runningRecord('4.0001', 'replica-new', LEASE);
    expect(await t.store.create(rec)).toBe(true);
    await t.store.renewOwner('replica-new', LEASE);
    const claimedAgain = runningRecord('4.0002', 'replica-new', LEASE);
    expect(
      await t.store.create({ ...claimedAgain, status: 'idle', owner: undefined, leaseExpiresAt: undefined }),
    ).toBe(true);
    expect(await t.store.claim(claimedAgain, 'replica-new', LEASE)).toBe(true);
    await sleep(LEASE + 200);
    await t.store.renewOwner('replica-new', LEASE);
    const seen = await previousVersionSees(Date.now());
    expect(seen).not.toContain(rec.threadTs);
    expect(seen).not.toContain(claimedAgain.threadTs);
    // And this version leaves them alone too: their owner is alive.
    const won = await t.store.reapLapsed(Date.now());
    expect(won.map((r) => r.threadTs)).not.toContain(rec.threadTs);
  }, 10_000);

  it('a claim of the previous version is kept while its owner renews it, reaped once it lapses, and listed', async () => {
    const rec = await previousClaim('4.0101', Date.now() + 60_000);
    expect((await t.store.listRunning(50)).map((r) => r.threadTs)).toContain(rec.threadTs);
    expect((await t.store.reapLapsed(Date.now())).map((r) => r.threadTs)).not.toContain(rec.threadTs);
    // Its replica stopped renewing (the old task was drained): the lease lapses.
    const lapsedAt = Date.now() - 1;
    await raw().send(
      new UpdateCommand({
        TableName: EMBEDDED_TABLE,
        Key: threadKey(rec),
        UpdateExpression: 'SET leaseExpiresAt = :e, gsi1sk = :s',
        ExpressionAttributeValues: { ':e': lapsedAt, ':s': sortable(lapsedAt) },
      }),
    );
    expect((await t.store.reapLapsed(Date.now())).map((r) => r.threadTs)).toContain(rec.threadTs);
    expect((await t.store.get(rec))?.status).toBe('idle');
  }, 10_000);
});
