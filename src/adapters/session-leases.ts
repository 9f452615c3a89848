/**
 * Who works on a thread: claims (idle → running), the lease a running turn renews, stop requests,
 * and taking runs back from owners that stopped renewing (reaping) or are shutting down.
 * (Split out of session-store.ts: the lease and claim rules, which must stay consistent with each other.)
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionRecord, ThreadKey } from '../core/ports.ts';
import { RUNNING, type SessionTable, sortable, strip, threadKey } from './session-table.ts';

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

  async heartbeat(
    key: ThreadKey,
    owner: string,
    leaseMs: number,
  ): Promise<{ held: boolean; stopRequestedBy?: string }> {
    const now = this.t.now();
    try {
      const out = await this.t.doc.send(
        new UpdateCommand({
          TableName: this.t.name,
          Key: threadKey(key),
          UpdateExpression: 'SET leaseExpiresAt = :exp, gsi1sk = :sk',
          ConditionExpression: '#s = :running AND #owner = :me',
          ExpressionAttributeNames: { '#s': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':me': owner,
            ':exp': now + leaseMs,
            ':sk': sortable(now + leaseMs),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { held: true, stopRequestedBy: out.Attributes?.stopRequestedBy as string | undefined };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return { held: false };
      throw err;
    }
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

  async reapLapsed(now: number, skip?: (rec: SessionRecord) => boolean): Promise<SessionRecord[]> {
    const won: SessionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.t.doc.send(
        new QueryCommand({
          TableName: this.t.name,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :r AND gsi1sk < :now',
          ExpressionAttributeValues: { ':r': RUNNING, ':now': sortable(now) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const rec = strip(item);
        if (rec.owner === undefined || rec.leaseExpiresAt === undefined || skip?.(rec)) continue;
        try {
          const res = await this.t.doc.send(
            new UpdateCommand({
              TableName: this.t.name,
              Key: threadKey(rec),
              UpdateExpression:
                'SET #s = :idle, interruptedAt = :now, updatedAt = :now REMOVE #owner, leaseExpiresAt, gsi1pk, gsi1sk, stopRequestedBy',
              // Only the very lease that was seen lapsed: a renewal or a recorded completion by its
              // owner since then (even one that arrived after an outage) wins over the reaper.
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
          if (res.Attributes) won.push(strip(res.Attributes));
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return won;
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
