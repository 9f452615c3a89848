/**
 * What the session store's end of a turn costs in DynamoDB requests, counted at a dynalite that
 * sees every request (each is billed, a failed conditional write included), and that the cheaper
 * path still hands a waiting follow-up to the turn that ends.
 */
import { describe, expect, it } from 'vitest';
import { runningRecord, useCountingStore } from '../helpers/counting-store.ts';

const OWNER = 'replica-a';
const LEASE = 30_000;

describe('session store: the end of a turn', () => {
  const t = useCountingStore();
  const running = (thread: string) => runningRecord(thread, OWNER, LEASE);

  it('with no follow-up waiting, releases the thread in one write (no failed conditional write)', async () => {
    const rec = running('1.0001');
    expect(await t.store.create(rec)).toBe(true);
    t.dynamo.reset();
    expect(await t.store.finish(rec, OWNER, LEASE)).toBeUndefined();
    expect(t.dynamo.counts()).toEqual({ finish: 1 });
    expect((await t.store.get(rec))?.status).toBe('idle');
  });

  it('with a follow-up waiting, hands it to the turn that ends and keeps the thread running', async () => {
    const rec = running('1.0002');
    expect(await t.store.create(rec)).toBe(true);
    expect(await t.store.enqueue(rec, { user: 'U2', text: 'and the node groups?', ts: '1.0003' }, 5)).toBe(
      'queued',
    );
    expect(await t.store.finish(rec, OWNER, LEASE)).toMatchObject({ text: 'and the node groups?' });
    const after = await t.store.get(rec);
    expect(after?.status).toBe('running');
    expect(after?.owner).toBe(OWNER);
    expect(after?.queue ?? []).toHaveLength(0);
  });
});
