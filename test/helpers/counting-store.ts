/**
 * A session store over a dynalite that counts every request by purpose (bench/dynamo-counter.ts),
 * for tests of what the store's paths cost; with a running session record to start from.
 * Call `useCountingStore()` inside a describe: it starts the table before the tests and closes it after.
 */
import { afterAll, beforeAll } from 'vitest';
import { type CountingDynamo, startCountingDynamo } from '../../bench/dynamo-counter.ts';
import { EMBEDDED_TABLE } from '../../src/adapters/embedded-dynamo.ts';
import { DynamoSessionStore } from '../../src/adapters/session-store.ts';
import type { SessionRecord } from '../../src/core/ports.ts';

export interface CountingStore {
  dynamo: CountingDynamo;
  store: DynamoSessionStore;
}

export function useCountingStore(): CountingStore {
  const out = {} as CountingStore;
  beforeAll(async () => {
    out.dynamo = await startCountingDynamo('us-east-1');
    out.store = new DynamoSessionStore({
      table: EMBEDDED_TABLE,
      region: 'us-east-1',
      endpoint: out.dynamo.endpoint,
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      ttlDays: 30,
    });
  });
  afterAll(async () => {
    await out.dynamo?.close();
  });
  return out;
}

/** A thread's session as a claim by `owner` just taken leaves it. */
export function runningRecord(thread: string, owner: string, leaseMs: number): SessionRecord {
  const now = Date.now();
  return {
    teamId: 'T1',
    channel: 'C1',
    threadTs: thread,
    runtimeSessionId: `${thread}-session`.padEnd(40, '0'),
    routeId: 'assess',
    skill: 'assess',
    skillPaths: [],
    requester: 'U1',
    status: 'running',
    owner,
    leaseExpiresAt: now + leaseMs,
    turns: 0,
    createdAt: now,
    updatedAt: now,
  };
}
