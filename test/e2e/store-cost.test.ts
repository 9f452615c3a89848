/**
 * What the session store's end of a turn costs in DynamoDB requests, counted at a dynalite that
 * sees every request (each is billed, a failed conditional write included), and that the cheaper
 * path still hands a waiting follow-up to the turn that ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CountingDynamo, startCountingDynamo } from '../../bench/dynamo-counter.ts';
import { EMBEDDED_TABLE } from '../../src/adapters/embedded-dynamo.ts';
import { DynamoSessionStore } from '../../src/adapters/session-store.ts';
import type { SessionRecord } from '../../src/core/ports.ts';

const OWNER = 'replica-a';
const LEASE = 30_000;

describe('session store: the end of a turn', () => {
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

  it('with no follow-up waiting, releases the thread in one write (no failed conditional write)', async () => {
    const rec = running('1.0001');
    expect(await store.create(rec)).toBe(true);
    dynamo.reset();
    expect(await store.finish(rec, OWNER, LEASE)).toBeUndefined();
    expect(dynamo.counts()).toEqual({ finish: 1 });
    expect((await store.get(rec))?.status).toBe('idle');
  });

  it('with a follow-up waiting, hands it to the turn that ends and keeps the thread running', async () => {
    const rec = running('1.0002');
    expect(await store.create(rec)).toBe(true);
    expect(await store.enqueue(rec, { user: 'U2', text: 'and the node groups?', ts: '1.0003' }, 5)).toBe(
      'queued',
    );
    expect(await store.finish(rec, OWNER, LEASE)).toMatchObject({ text: 'and the node groups?' });
    const after = await store.get(rec);
    expect(after?.status).toBe('running');
    expect(after?.owner).toBe(OWNER);
    expect(after?.queue ?? []).toHaveLength(0);
  });
});
