/**
 * SessionStore over DynamoDB: the thread's session record (create, read, notes on the current turn,
 * harness session rotation) and idempotency records, with its other concerns in their own files:
 * claims, replica liveness and reaping (session-leases.ts), the follow-up queue and release (session-queue.ts), the turn
 * log (session-turn-log.ts), and the table's client and key scheme (session-table.ts).
 * The session record is written whole on create, so a new field on SessionRecord is stored as is.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  EnqueueResult,
  QueuedTurn,
  SessionRecord,
  SessionStore,
  StopNotice,
  ThreadKey,
  TurnLogEntry,
} from '../core/ports.ts';
import { SessionLeases } from './session-leases.ts';
import { FollowUpQueue } from './session-queue.ts';
import {
  type DynamoStoreOptions,
  RUNNING,
  SessionTable,
  sortable,
  strip,
  threadKey,
} from './session-table.ts';
import { TurnLog } from './session-turn-log.ts';

export type { DynamoStoreOptions } from './session-table.ts';

export class DynamoSessionStore implements SessionStore {
  readonly doc: DynamoDBDocumentClient;
  private readonly t: SessionTable;
  private readonly leases: SessionLeases;
  private readonly queue: FollowUpQueue;
  private readonly turnLog: TurnLog;

  constructor(o: DynamoStoreOptions) {
    this.t = new SessionTable(o);
    this.doc = this.t.doc;
    this.leases = new SessionLeases(this.t);
    this.queue = new FollowUpQueue(this.t, (key) => this.get(key));
    this.turnLog = new TurnLog(this.t);
  }

  /** The table exists and takes writes (a full disk under the embedded store fails here, not on a person's request). */
  async ping(): Promise<void> {
    const now = this.t.now();
    await this.t.client.send(new DescribeTableCommand({ TableName: this.t.name }));
    await this.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: { pk: 'HEALTH#probe', sk: 'HEALTH', at: now, ttl: Math.floor(now / 1000) + 3600 },
      }),
    );
  }

  async create(record: SessionRecord): Promise<boolean> {
    const running = record.status === 'running' && record.leaseExpiresAt;
    return this.t.conditional(
      new PutCommand({
        TableName: this.t.name,
        Item: {
          ...threadKey(record),
          ...record,
          ...(running ? { gsi1pk: RUNNING, gsi1sk: sortable(record.leaseExpiresAt!) } : {}),
          ttl: this.t.expiry(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(key: ThreadKey): Promise<SessionRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.t.name, Key: threadKey(key), ConsistentRead: true }),
    );
    return out.Item ? strip(out.Item) : undefined;
  }

  claim(key: ThreadKey, owner: string, leaseMs: number): Promise<boolean> {
    return this.leases.claim(key, owner, leaseMs);
  }

  claimRetry(key: ThreadKey, interruptedAt: number, owner: string, leaseMs: number): Promise<boolean> {
    return this.leases.claim(key, owner, leaseMs, interruptedAt);
  }

  claimAwaiting(key: ThreadKey, approvalId: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.leases.claimAwaiting(key, approvalId, owner, leaseMs);
  }

  renewOwner(owner: string, leaseMs: number, handled?: string[]): Promise<StopNotice[]> {
    return this.leases.renewOwner(owner, leaseMs, handled);
  }

  readClaims(keys: ThreadKey[]): Promise<Array<SessionRecord | undefined | null>> {
    return this.leases.readClaims(keys);
  }

  requestStop(key: ThreadKey, user: string): Promise<boolean> {
    return this.leases.requestStop(key, user);
  }

  listRunning(limit: number): Promise<SessionRecord[]> {
    return this.leases.listRunning(limit);
  }

  reapLapsed(
    now: number,
    skip?: (rec: SessionRecord, ownerAliveUntil: number | undefined) => boolean,
    orphaned?: (rec: SessionRecord) => boolean,
    sweep?: { self: string; leaseMs: number },
  ): Promise<SessionRecord[]> {
    return this.leases.reapLapsed(now, skip, orphaned, sweep);
  }

  interrupt(key: ThreadKey, owner: string): Promise<boolean> {
    return this.leases.interrupt(key, owner);
  }

  enqueue(key: ThreadKey, item: QueuedTurn, max: number): Promise<EnqueueResult> {
    return this.queue.enqueue(key, item, max);
  }

  finish(
    key: ThreadKey,
    owner: string,
    leaseMs: number,
    awaitingApprovalId?: string,
  ): Promise<QueuedTurn | undefined> {
    return this.queue.finish(key, owner, leaseMs, awaitingApprovalId);
  }

  appendTurn(key: ThreadKey, turn: TurnLogEntry): Promise<void> {
    return this.turnLog.append(key, turn);
  }

  recentTurns(key: ThreadKey, limit: number): Promise<TurnLogEntry[]> {
    return this.turnLog.recent(key, limit);
  }

  /** Records what the owner's current turn is (its reply, its question), for Retry and rehydration. */
  async noteTurn(
    key: ThreadKey,
    owner: string,
    fields: { replyTs?: string; lastPrompt?: string; lastUser?: string; rehydrate?: boolean },
  ): Promise<void> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    await this.t.conditional(
      new UpdateCommand({
        TableName: this.t.name,
        Key: threadKey(key),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: '#owner = :me',
        ExpressionAttributeNames: {
          '#owner': 'owner',
          ...Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
        },
        ExpressionAttributeValues: {
          ':me': owner,
          ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
        },
      }),
    );
  }

  async rotate(key: ThreadKey, owner: string, runtimeSessionId: string): Promise<void> {
    await this.t.conditional(
      new UpdateCommand({
        TableName: this.t.name,
        Key: threadKey(key),
        UpdateExpression: 'SET runtimeSessionId = :id, rehydrate = :t, updatedAt = :now ADD generation :one',
        ConditionExpression: '#owner = :me',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':id': runtimeSessionId,
          ':t': true,
          ':now': this.t.now(),
          ':one': 1,
          ':me': owner,
        },
      }),
    );
  }

  async remember(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.t.now();
    // TTL deletion is lazy (hours late), so the window is enforced by the condition, not by deletion.
    return this.t.conditional(
      new PutCommand({
        TableName: this.t.name,
        Item: {
          pk: `SEEN#${key}`,
          sk: 'SEEN',
          seenUntil: now + ttlSeconds * 1000,
          ttl: Math.floor(now / 1000) + ttlSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR seenUntil < :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
  }
}
