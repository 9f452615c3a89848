/**
 * Who works on a thread: claims (idle → running), each replica's liveness record that keeps its
 * claims alive, stop requests, and taking runs back from owners that stopped renewing (reaping) or
 * are shutting down. A claim carries its own lease, set when taken and never renewed (it covers a
 * claim until its replica's next heartbeat, and claims by an owner that never wrote a record); past
 * it, a claim is stale when its owner's record is stale or missing.
 * (Split out of session-store.ts: the lease and claim rules, which must stay consistent with each other.)
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionRecord, ThreadKey } from '../core/ports.ts';
import { keyId, readMany } from './session-batch-read.ts';
import {
  RUNNING,
  RUNNING_PARTITIONS,
  type SessionTable,
  sortable,
  strip,
  threadKey,
} from './session-table.ts';

/** Liveness records outlive a replica by a day, then TTL tidies them (staleness is read from `aliveUntil`). */
const OWNER_TTL_S = 86_400;

/** A replica's liveness record. */
export function ownerKey(owner: string): { pk: string; sk: string } {
  return { pk: `OWNER#${owner}`, sk: 'ALIVE' };
}

export class SessionLeases {
  constructor(private readonly t: SessionTable) {}

  claim(key: ThreadKey, owner: string, leaseMs: number, interruptedAt?: number): Promise<boolean> {
    const now = this.t.now();
    return this.t.conditional(
      new UpdateCommand({
        TableName: this.t.name,
        Key: threadKey(key),
        UpdateExpression:
          'SET #s = :running, #owner = :me, leaseExpiresAt = :exp, updatedAt = :now, gsi1pk = :r, gsi1sk = :sk, #ttl = :ttl REMOVE stopRequestedBy, interruptedAt',
        // Only an idle session: a running one belongs to a live owner, or to the reaper once its lease lapses.
        ConditionExpression: `attribute_exists(pk) AND #s = :idle${interruptedAt === undefined ? '' : ' AND interruptedAt = :at'}`,
        ExpressionAttributeNames: { '#s': 'status', '#owner': 'owner', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':running': 'running',
          ':idle': 'idle',
          ':me': owner,
          ':exp': now + leaseMs,
          ':now': now,
          ':r': RUNNING,
          ':sk': sortable(now + leaseMs),
          ':ttl': this.t.expiry(),
          ...(interruptedAt === undefined ? {} : { ':at': interruptedAt }),
        },
      }),
    );
  }

  claimAwaiting(key: ThreadKey, approvalId: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = this.t.now();
    return this.t.conditional(
      new UpdateCommand({
        TableName: this.t.name,
        Key: threadKey(key),
        UpdateExpression:
          'SET #s = :running, #owner = :me, leaseExpiresAt = :exp, updatedAt = :now, gsi1pk = :r, gsi1sk = :sk REMOVE pendingApprovalId, stopRequestedBy',
        ConditionExpression: '#s = :awaiting AND pendingApprovalId = :ap',
        ExpressionAttributeNames: { '#s': 'status', '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':running': 'running',
          ':awaiting': 'awaiting_approval',
          ':ap': approvalId,
          ':me': owner,
          ':exp': now + leaseMs,
          ':now': now,
          ':r': RUNNING,
          ':sk': sortable(now + leaseMs),
        },
      }),
    );
  }

  /**
   * The replica's liveness record, which keeps all its claims alive: one unconditional write per
   * heartbeat (its TTL only tidies records of replicas long gone; staleness is `aliveUntil`).
   */
  async renewOwner(owner: string, leaseMs: number): Promise<void> {
    const now = this.t.now();
    await this.t.doc.send(
      new UpdateCommand({
        TableName: this.t.name,
        Key: ownerKey(owner),
        UpdateExpression: 'SET aliveUntil = :until, #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':until': now + leaseMs, ':ttl': Math.floor(now / 1000) + OWNER_TTL_S },
      }),
    );
  }

  /** What a heartbeat needs of its claims (who owns each, a stop request), in one batched read. */
  async readClaims(keys: ThreadKey[]): Promise<Array<SessionRecord | undefined | null>> {
    const got = await readMany(this.t, keys.map(threadKey), ['status', 'owner', 'stopRequestedBy']);
    return keys.map((k) => {
      const id = keyId(threadKey(k));
      if (!got.has(id)) return null;
      const item = got.get(id);
      return item ? ({ ...k, ...strip(item) } as SessionRecord) : undefined;
    });
  }

  requestStop(key: ThreadKey, user: string): Promise<boolean> {
    return this.t.conditional(
      new UpdateCommand({
        TableName: this.t.name,
        Key: threadKey(key),
        UpdateExpression: 'SET stopRequestedBy = :u',
        ConditionExpression: '#s = :running AND attribute_not_exists(stopRequestedBy)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':u': user, ':running': 'running' },
      }),
    );
  }

  /** The sparse running index, latest claimed first: one query, however many threads the table holds. */
  async listRunning(limit: number): Promise<SessionRecord[]> {
    const parts = await Promise.all(
      RUNNING_PARTITIONS.map((r) =>
        this.t.doc.send(
          new QueryCommand({
            TableName: this.t.name,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :r',
            ExpressionAttributeValues: { ':r': r },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    return parts
      .flatMap((out) => out.Items ?? [])
      .sort((a, b) => String(b.gsi1sk).localeCompare(String(a.gsi1sk)))
      .slice(0, limit)
      .map(strip)
      .filter((r) => r.status === 'running');
  }

  async reapLapsed(
    now: number,
    skip?: (rec: SessionRecord, ownerAliveUntil: number | undefined) => boolean,
    orphaned?: (rec: SessionRecord) => boolean,
  ): Promise<SessionRecord[]> {
    const won: SessionRecord[] = [];
    for (const partition of RUNNING_PARTITIONS)
      won.push(...(await this.reapPartition(partition, now, skip, orphaned)));
    return won;
  }

  private async reapPartition(
    partition: string,
    now: number,
    skip?: (rec: SessionRecord, ownerAliveUntil: number | undefined) => boolean,
    orphaned?: (rec: SessionRecord) => boolean,
  ): Promise<SessionRecord[]> {
    const won: SessionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      // Claims whose own lease lapsed: every claim older than a lease, whose owner then keeps it alive.
      const out = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :r AND gsi1sk < :now',
          ExpressionAttributeValues: { ':r': partition, ':now': sortable(now) },
          ExclusiveStartKey: start,
        }),
      );
      const lapsed = (out.Items ?? [])
        .map(strip)
        .filter((r) => r.owner !== undefined && r.leaseExpiresAt !== undefined);
      const owners = lapsed.length
        ? await readMany(this.t, [...new Set(lapsed.map((r) => r.owner!))].map(ownerKey), ['aliveUntil'])
        : new Map();
      for (const rec of lapsed) {
        const id = keyId(ownerKey(rec.owner!));
        // An owner whose record could not be read this time is judged at the next sweep.
        if (!owners.has(id)) continue;
        const aliveUntil = owners.get(id)?.aliveUntil as number | undefined;
        const ownerAlive = aliveUntil !== undefined && aliveUntil >= now;
        if ((ownerAlive && !orphaned?.(rec)) || skip?.(rec, aliveUntil)) continue;
        const taken = await this.reapOne(rec, now);
        if (taken) won.push(taken);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return won;
  }

  /** Takes one lapsed claim, only while it is the very claim that was seen lapsed. */
  private async reapOne(rec: SessionRecord, now: number): Promise<SessionRecord | undefined> {
    try {
      const res = await this.t.doc.send(
        new UpdateCommand({
          TableName: this.t.name,
          Key: threadKey(rec),
          UpdateExpression:
            'SET #s = :idle, interruptedAt = :now, updatedAt = :now REMOVE #owner, leaseExpiresAt, gsi1pk, gsi1sk, stopRequestedBy',
          // A recorded completion by its owner since then (even one that arrived after an outage),
          // or a new claim, wins over the reaper.
          ConditionExpression:
            '#s = :running AND leaseExpiresAt < :now AND leaseExpiresAt = :seen AND #owner = :owner',
          ExpressionAttributeNames: { '#s': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':idle': 'idle',
            ':running': 'running',
            ':now': now,
            ':seen': rec.leaseExpiresAt,
            ':owner': rec.owner,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return res.Attributes ? strip(res.Attributes) : undefined;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  interrupt(key: ThreadKey, owner: string): Promise<boolean> {
    const now = this.t.now();
    return this.t.conditional(
      new UpdateCommand({
        TableName: this.t.name,
        Key: threadKey(key),
        UpdateExpression:
          'SET #s = :idle, interruptedAt = :now, updatedAt = :now REMOVE #owner, leaseExpiresAt, gsi1pk, gsi1sk, stopRequestedBy',
        ConditionExpression: '#s = :running AND #owner = :me',
        ExpressionAttributeNames: { '#s': 'status', '#owner': 'owner' },
        ExpressionAttributeValues: { ':idle': 'idle', ':running': 'running', ':now': now, ':me': owner },
      }),
    );
  }
}
