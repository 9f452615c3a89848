/**
 * Who works on a thread: claims (idle → running), each replica's liveness record that keeps its
 * claims alive (session-leases-owner.ts), stop requests, and taking runs back from owners that stopped renewing (reaping) or
 * are shutting down. A claim carries its own lease, set when taken and never renewed (it covers a
 * claim until its replica's next heartbeat, and claims by an owner that never wrote a record); past
 * it, a claim is stale when its owner's record is stale or missing.
 * (Split out of session-store.ts: the lease and claim rules, which must stay consistent with each other.)
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionRecord, StopNotice, ThreadKey } from '../core/ports.ts';
import { keyId, readMany } from './session-batch-read.ts';
import { leaveStopNotice, ownerKey, renewOwner } from './session-leases-owner.ts';
import {
  RUNNING,
  RUNNING_PARTITIONS,
  RUNNING_RENEWED,
  type SessionTable,
  sortable,
  strip,
  threadKey,
} from './session-table.ts';

/** While the previous version's partition holds no claim, it is looked at once every this many leases. */
export const LEGACY_QUIET_SWEEP_LEASES = 2;

/** A replica's periodic sweep: who it is, and the lease its sweeps are timed by. */
export interface SweepOptions {
  self: string;
  leaseMs: number;
}

export class SessionLeases {
  /** The previous version's partition: when it was last looked at, and whether it held claims then. */
  private legacy = { lookedAt: Number.NEGATIVE_INFINITY, busy: true };

  constructor(private readonly t: SessionTable) {}

  /** The replica's heartbeat (session-leases-owner.ts). */
  renewOwner(owner: string, leaseMs: number, handled: string[] = []): Promise<StopNotice[]> {
    return renewOwner(this.t, owner, leaseMs, handled);
  }

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
   * The records of these threads (who owns each, a stop request), in one batched read. The heartbeat
   * reads a claim only to confirm it, and an eventually consistent answer (which may predate a write
   * by up to about a second) would be wrong at each of those moments, so it stays strongly
   * consistent: (1) just after the claim was taken (or taken back after an approval), a stale answer
   * is the record before it (idle, or the previous run's claim) and would abort a healthy run as
   * lost; (2) named by a Stop notice, the notice was written just after the Stop, and a stale answer
   * without the Stop would have the notice taken out with the Stop unseen; (3) after a renewal that
   * landed late, the reaper's takeover may have just landed, and a stale answer would keep the
   * run writing to the thread beside its new owner until the next confirmation. What cut the read
   * units is reading far less often (lease.ts), not reading more cheaply.
   */
  async readClaims(keys: ThreadKey[]): Promise<Array<SessionRecord | undefined | null>> {
    const got = await readMany(this.t, keys.map(threadKey), ['status', 'owner', 'stopRequestedBy']);
    return keys.map((k) => {
      const id = keyId(threadKey(k));
      if (!got.has(id)) return null;
      const item = got.get(id);
      return item ? ({ ...k, ...strip(item) } as SessionRecord) : undefined;
    });
  }

  /**
   * Records the Stop on the running session, then leaves a notice naming the thread in its owner's
   * liveness record, which the owner's next renewal hands back (renewOwner). The notice is a hint:
   * the owner reads the claim before acting on it. Should the notice not land, the Stop is still
   * recorded, and the run still stops once its agent session ends (the caller ends it), since the
   * owner's stream then reads the session.
   */
  async requestStop(key: ThreadKey, user: string): Promise<boolean> {
    let owner: unknown;
    try {
      const out = await this.t.doc.send(
        new UpdateCommand({
          TableName: this.t.name,
          Key: threadKey(key),
          UpdateExpression: 'SET stopRequestedBy = :u',
          ConditionExpression: '#s = :running AND attribute_not_exists(stopRequestedBy)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':u': user, ':running': 'running' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      owner = out.Attributes?.owner;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
    if (typeof owner === 'string') await leaveStopNotice(this.t, owner, key).catch(() => undefined);
    return true;
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

  /**
   * Takes the claims whose owner stopped renewing (ports.ts). With `sweep` (a replica's periodic
   * sweep): the replica's own claims are judged without reading its own liveness record (it knows it
   * is alive: `skip` and `orphaned` say which of its claims a run still keeps), and the previous
   * version's partition is looked at on every sweep only while it holds claims, otherwise once every
   * LEGACY_QUIET_SWEEP_LEASES leases (see legacyDue).
   */
  async reapLapsed(
    now: number,
    skip?: (rec: SessionRecord, ownerAliveUntil: number | undefined) => boolean,
    orphaned?: (rec: SessionRecord) => boolean,
    sweep?: SweepOptions,
  ): Promise<SessionRecord[]> {
    const won = await this.reapPartition(RUNNING, now, skip, orphaned, sweep?.self);
    if (!sweep || this.legacyDue(now, sweep.leaseMs)) {
      const legacy = await this.reapPartition(RUNNING_RENEWED, now, skip, orphaned, sweep?.self);
      won.push(...legacy);
    }
    return won;
  }

  /**
   * Whether this sweep looks at the previous version's partition. Only a replica of the previous
   * version writes claims there (it renews each one itself and reaps the others' lapsed ones), and nothing here can tell that such a replica is still running while it
   * holds no claim. So the partition is looked at on every sweep while it held a claim at the last
   * look (a rolling deploy is under way), and otherwise every LEGACY_QUIET_SWEEP_LEASES leases: a
   * claim written there afterwards is seen within that time even if every replica of the previous
   * version died at once; its own lease covers the first of those leases, so it is reaped at most
   * half a lease later than a claim seen lapsed at the first sweep after its lease.
   */
  private legacyDue(now: number, leaseMs: number): boolean {
    // A quarter lease of slack: sweeps come every half lease, and a late timer must not skip one.
    return (
      this.legacy.busy || now - this.legacy.lookedAt >= LEGACY_QUIET_SWEEP_LEASES * leaseMs - leaseMs / 4
    );
  }

  private async reapPartition(
    partition: string,
    now: number,
    skip?: (rec: SessionRecord, ownerAliveUntil: number | undefined) => boolean,
    orphaned?: (rec: SessionRecord) => boolean,
    self?: string,
  ): Promise<SessionRecord[]> {
    const won: SessionRecord[] = [];
    const legacy = partition === RUNNING_RENEWED;
    let held = false;
    let start: Record<string, unknown> | undefined;
    do {
      // Claims whose own lease lapsed: every claim older than a lease, whose owner then keeps it alive.
      // The previous version's partition is read whole, to learn whether it holds claims at all.
      const out = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          IndexName: 'gsi1',
          KeyConditionExpression: legacy ? 'gsi1pk = :r' : 'gsi1pk = :r AND gsi1sk < :now',
          ExpressionAttributeValues: legacy
            ? { ':r': partition }
            : { ':r': partition, ':now': sortable(now) },
          ExclusiveStartKey: start,
        }),
      );
      held ||= (out.Items ?? []).length > 0;
      const lapsed = (out.Items ?? [])
        .filter((i) => String(i.gsi1sk) < sortable(now))
        .map(strip)
        .filter((r) => r.owner !== undefined && r.leaseExpiresAt !== undefined);
      // This replica's own record is not read: it is alive, and `skip`/`orphaned` judge its claims.
      const others = [...new Set(lapsed.map((r) => r.owner!))].filter((o) => o !== self);
      const owners = others.length ? await readMany(this.t, others.map(ownerKey), ['aliveUntil']) : new Map();
      for (const rec of lapsed) {
        const mine = rec.owner === self;
        const id = keyId(ownerKey(rec.owner!));
        // An owner whose record could not be read this time is judged at the next sweep.
        if (!mine && !owners.has(id)) continue;
        const aliveUntil = mine ? undefined : (owners.get(id)?.aliveUntil as number | undefined);
        const ownerAlive = mine || (aliveUntil !== undefined && aliveUntil >= now);
        if ((ownerAlive && !orphaned?.(rec)) || skip?.(rec, aliveUntil)) continue;
        const taken = await this.reapOne(rec, now);
        if (taken) won.push(taken);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    if (legacy) this.legacy = { lookedAt: now, busy: held };
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
