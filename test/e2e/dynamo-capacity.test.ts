/**
 * The bench's capacity-unit estimate (bench/dynamo-capacity.ts), checked against the billing rules
 * AWS documents (Developer Guide, "DynamoDB read and write operations"; item sizes: "Item sizes and
 * formats"), through the counting stand-in the store talks to.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { itemSize } from '../../bench/dynamo-capacity.ts';
import { EMBEDDED_CREDENTIALS, EMBEDDED_TABLE } from '../../src/adapters/embedded-dynamo.ts';
import { runningRecord, useCountingStore } from '../helpers/counting-store.ts';

const total = (u: Record<string, { rru: number; wru: number }>) =>
  Object.values(u).reduce((a, x) => ({ rru: a.rru + x.rru, wru: a.wru + x.wru }), { rru: 0, wru: 0 });

describe('capacity units at the counting stand-in', () => {
  const t = useCountingStore();
  let doc: DynamoDBDocumentClient | undefined;
  afterAll(() => doc?.destroy());

  it('sizes items by attribute names and values (UTF-8 bytes; numbers by digits)', () => {
    expect(itemSize({ pk: { S: 'OWNER#a' }, sk: { S: 'ALIVE' } })).toBe(2 + 7 + 2 + 5);
    expect(itemSize({ é: { S: 'ü' } })).toBe(2 + 2);
    // 12345 has 5 significant digits: ceil(5 / 2) + 1 bytes.
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 4);
    expect(itemSize({ l: { L: [{ S: 'ab' }, { BOOL: true }] } })).toBe(1 + 3 + (1 + 2) + (1 + 1));
  });

  it('a heartbeat is 1 WRU; a claim puts an index entry too; a batched strongly consistent read is 1 RRU per item; an empty index query still costs half a unit', async () => {
    t.dynamo.reset();
    await t.store.renewOwner('replica-u', 30_000);
    expect(total(t.dynamo.units())).toEqual({ rru: 0, wru: 1 });

    const recs = [1, 2, 3].map((i) => runningRecord(`6.000${i}`, 'replica-u', 30_000));
    for (const r of recs)
      await t.store.create({ ...r, status: 'idle', owner: undefined, leaseExpiresAt: undefined });
    t.dynamo.reset();
    expect(await t.store.claim(recs[0]!, 'replica-u', 30_000)).toBe(true);
    // The session item (under 1 KB) and its new entry in the running index.
    expect(total(t.dynamo.units())).toEqual({ rru: 0, wru: 2 });
    // Refused by its condition (already running): still billed for the item.
    t.dynamo.reset();
    expect(await t.store.claim(recs[0]!, 'replica-v', 30_000)).toBe(false);
    expect(total(t.dynamo.units())).toEqual({ rru: 0, wru: 1 });

    t.dynamo.reset();
    await t.store.readClaims(recs);
    expect(total(t.dynamo.units())).toEqual({ rru: 3, wru: 0 });

    t.dynamo.reset();
    await t.store.reapLapsed(0);
    // Two partitions, nothing lapsed before 1970: an eventually consistent half unit each.
    expect(total(t.dynamo.units())).toEqual({ rru: 1, wru: 0 });
  });

  it('a Stop from another replica: its notice in the owner’s record is 1 WRU, and the renewal that hands it back costs no read', async () => {
    const rec = runningRecord('6.0100', 'replica-w', 30_000);
    await t.store.create(rec);
    await t.store.renewOwner('replica-w', 30_000);
    t.dynamo.reset();
    expect(await t.store.requestStop(rec, 'U1')).toBe(true);
    // The session's update (and its running-index entry), then the notice.
    expect(t.dynamo.units()['stop notice']).toEqual({ rru: 0, wru: 1 });
    t.dynamo.reset();
    const notices = await t.store.renewOwner('replica-w', 30_000);
    expect(notices.map((n) => n.key.threadTs)).toEqual(['6.0100']);
    expect(total(t.dynamo.units())).toEqual({ rru: 0, wru: 1 });
    expect(await t.store.renewOwner('replica-w', 30_000, [notices[0]!.id])).toEqual([]);
  });

  it('the new image the counter asks an update for is not handed to the client', async () => {
    doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: t.dynamo.endpoint,
        region: 'us-east-1',
        credentials: EMBEDDED_CREDENTIALS,
      }),
    );
    const out = await doc.send(
      new UpdateCommand({
        TableName: EMBEDDED_TABLE,
        Key: { pk: 'OWNER#x', sk: 'ALIVE' },
        UpdateExpression: 'SET aliveUntil = :u',
        ExpressionAttributeValues: { ':u': 1 },
      }),
    );
    expect(out.Attributes).toBeUndefined();
  });
});
