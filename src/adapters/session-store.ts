/**
 * SessionStore over DynamoDB (one table, single-table design): key `pk`/`sk`, TTL attribute `ttl`.
 *   THREAD#<team>#<channel>#<thread_ts> / SESSION  → the thread's harness session
 *   SEEN#<idempotency key>              / SEEN     → idempotency records (events, messages)
 * Conditional writes wherever two writers can race (replicas, Slack retries).
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionRecord, SessionStore, ThreadKey } from '../core/ports.ts';

export interface DynamoStoreOptions {
  table: string;
  region: string;
  /** Explicit endpoint (the embedded server); otherwise the SDK's standard resolution applies. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  ttlDays: number;
  now?: () => number;
}

export class DynamoSessionStore implements SessionStore {
  readonly doc: DynamoDBDocumentClient;
  private readonly now: () => number;

  constructor(private readonly o: DynamoStoreOptions) {
    const client = new DynamoDBClient({
      region: o.region,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
      maxAttempts: 4,
    });
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.now = o.now ?? Date.now;
  }

  async create(record: SessionRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.o.table,
          Item: { ...threadKey(record), ...record, ttl: this.expiry() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async get(key: ThreadKey): Promise<SessionRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.o.table, Key: threadKey(key), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, ttl: _ttl, ...rest } = out.Item;
    return rest as SessionRecord;
  }

  async claim(key: ThreadKey, leaseMs: number): Promise<boolean> {
    const now = this.now();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.o.table,
          Key: threadKey(key),
          UpdateExpression: 'SET #s = :running, leaseExpiresAt = :exp, updatedAt = :now, #ttl = :ttl',
          // Idle, or running under a lease that lapsed (its owner died). Never a session paused for approval.
          ConditionExpression:
            'attribute_exists(pk) AND (#s = :idle OR (#s = :running AND leaseExpiresAt < :now))',
          ExpressionAttributeNames: { '#s': 'status', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':idle': 'idle',
            ':exp': now + leaseMs,
            ':now': now,
            ':ttl': this.expiry(),
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async release(key: ThreadKey, awaitingApprovalId?: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.o.table,
        Key: threadKey(key),
        UpdateExpression: awaitingApprovalId
          ? 'SET #s = :st, pendingApprovalId = :ap, updatedAt = :now ADD turns :one REMOVE leaseExpiresAt'
          : 'SET #s = :st, updatedAt = :now ADD turns :one REMOVE leaseExpiresAt, pendingApprovalId',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':st': awaitingApprovalId ? 'awaiting_approval' : 'idle',
          ':now': this.now(),
          ':one': 1,
          ...(awaitingApprovalId ? { ':ap': awaitingApprovalId } : {}),
        },
      }),
    );
  }

  async claimAwaiting(key: ThreadKey, approvalId: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.o.table,
          Key: threadKey(key),
          UpdateExpression:
            'SET #s = :running, leaseExpiresAt = :exp, updatedAt = :now REMOVE pendingApprovalId',
          ConditionExpression: '#s = :awaiting AND pendingApprovalId = :ap',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':awaiting': 'awaiting_approval',
            ':ap': approvalId,
            ':exp': now + leaseMs,
            ':now': now,
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async remember(key: string, ttlSeconds: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.o.table,
          Item: { pk: `SEEN#${key}`, sk: 'SEEN', ttl: Math.floor(this.now() / 1000) + ttlSeconds },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  private expiry(): number {
    return Math.floor(this.now() / 1000) + this.o.ttlDays * 86_400;
  }
}

function threadKey(k: ThreadKey): { pk: string; sk: string } {
  return { pk: `THREAD#${k.teamId}#${k.channel}#${k.threadTs}`, sk: 'SESSION' };
}
