/**
 * SessionStore over DynamoDB (one table, single-table design): key `pk`/`sk`, TTL attribute `ttl`.
 *   THREAD#<team>#<channel>#<thread_ts> / SESSION      → the thread's harness session and its lease
 *   THREAD#<team>#<channel>#<thread_ts> / TURN#<n>     → the compact turn log (for rehydration)
 *   SEEN#<idempotency key>              / SEEN         → idempotency records (events, messages, commands)
 * Sessions being worked on sit in the sparse index `gsi1` under SESSIONS#running, sorted by lease
 * expiry, so any replica can find runs whose owner died. Every state change is conditional.
 */
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type {
  EnqueueResult,
  QueuedTurn,
  SessionRecord,
  SessionStore,
  ThreadKey,
  TurnLogEntry,
} from '../core/ports.ts';
import { StoreUnavailableError } from '../core/store-unavailable.ts';

export interface DynamoStoreOptions {
  table: string;
  region: string;
  /** Explicit endpoint (the embedded server); otherwise the SDK's standard resolution applies. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  ttlDays: number;
  now?: () => number;
}

const RUNNING = 'SESSIONS#running';
/** How long a finished turn keeps trying to record that it finished while the table is unreachable. */
const FINISH_PERSIST_MS = 10 * 60_000;

export class DynamoSessionStore implements SessionStore {
  readonly doc: DynamoDBDocumentClient;
  private readonly client: DynamoDBClient;
  private readonly now: () => number;

  constructor(private readonly o: DynamoStoreOptions) {
    this.client = new DynamoDBClient({
      region: o.region,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
      maxAttempts: 4,
      // The SDK waits forever by default; an unreachable table must fail fast enough to tell the person.
      requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 3_000 }),
    });
    // Outermost step, so it sees the error after the SDK's retries: unreachable is told apart from
    // the table's own answers (a lost condition, a missing table), which keep their types.
    this.client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          throw unavailable(err) ?? err;
        }
      },
      { step: 'initialize', name: 'storeUnavailable' },
    );
    this.doc = DynamoDBDocumentClient.from(this.client, { marshallOptions: { removeUndefinedValues: true } });
    this.now = o.now ?? Date.now;
  }

  /** The table exists and takes writes (a full disk under the embedded store fails here, not on a person's request). */
  async ping(): Promise<void> {
    await this.client.send(new DescribeTableCommand({ TableName: this.o.table }));
    await this.doc.send(
      new PutCommand({
        TableName: this.o.table,
        Item: { pk: 'HEALTH#probe', sk: 'HEALTH', at: this.now(), ttl: Math.floor(this.now() / 1000) + 3600 },
      }),
    );
  }

  async create(record: SessionRecord): Promise<boolean> {
    const running = record.status === 'running' && record.leaseExpiresAt;
    return this.conditional(
      new PutCommand({
        TableName: this.o.table,
        Item: {
          ...threadKey(record),
          ...record,
          ...(running ? { gsi1pk: RUNNING, gsi1sk: sortable(record.leaseExpiresAt!) } : {}),
          ttl: this.expiry(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(key: ThreadKey): Promise<SessionRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.o.table, Key: threadKey(key), ConsistentRead: true }),
    );
    return out.Item ? strip(out.Item) : undefined;
  }

  async claim(key: ThreadKey, owner: string, leaseMs: number): Promise<boolean> {
    return this.claimIdle(key, owner, leaseMs);
  }

  async claimRetry(key: ThreadKey, interruptedAt: number, owner: string, leaseMs: number): Promise<boolean> {
    return this.claimIdle(key, owner, leaseMs, interruptedAt);
  }

  private async claimIdle(key: ThreadKey, owner: string, leaseMs: number, interruptedAt?: number) {
    const now = this.now();
    return this.conditional(
      new UpdateCommand({
        TableName: this.o.table,
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
          ':ttl': this.expiry(),
          ...(interruptedAt === undefined ? {} : { ':at': interruptedAt }),
        },
      }),
    );
  }

  async claimAwaiting(key: ThreadKey, approvalId: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    return this.conditional(
      new UpdateCommand({
        TableName: this.o.table,
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
    const now = this.now();
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.o.table,
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

  async noteTurn(
    key: ThreadKey,
    owner: string,
    fields: { replyTs?: string; lastPrompt?: string; lastUser?: string; rehydrate?: boolean },
  ): Promise<void> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    await this.conditional(
      new UpdateCommand({
        TableName: this.o.table,
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

  async enqueue(key: ThreadKey, item: QueuedTurn, max: number): Promise<EnqueueResult> {
    const queued = await this.conditional(
      new UpdateCommand({
        TableName: this.o.table,
        Key: threadKey(key),
        UpdateExpression: 'SET #q = list_append(if_not_exists(#q, :empty), :item)',
        ConditionExpression: '#s = :running AND (attribute_not_exists(#q) OR size(#q) < :max)',
        ExpressionAttributeNames: { '#q': 'queue', '#s': 'status' },
        ExpressionAttributeValues: { ':empty': [], ':item': [item], ':running': 'running', ':max': max },
      }),
    );
    if (queued) return 'queued';
    const s = await this.get(key);
    if (!s) return 'missing';
    if (s.status === 'idle') return 'idle';
    if (s.status === 'awaiting_approval') return 'awaiting';
    return 'full';
  }

  /**
   * Releases the thread after a turn. A turn that completed while the table was unreachable keeps
   * trying (the caller still renews the lease meanwhile), so the run is recorded as finished when the
   * table is back instead of being reaped and reported as interrupted.
   */
  async finish(
    key: ThreadKey,
    owner: string,
    leaseMs: number,
    awaitingApprovalId?: string,
  ): Promise<QueuedTurn | undefined> {
    const deadline = this.now() + FINISH_PERSIST_MS;
    for (let wait = 500; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        return await this.finishOnce(key, owner, leaseMs, awaitingApprovalId);
      } catch (err) {
        if (!(err instanceof StoreUnavailableError) || this.now() + wait > deadline) throw err;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private async finishOnce(
    key: ThreadKey,
    owner: string,
    leaseMs: number,
    awaitingApprovalId?: string,
  ): Promise<QueuedTurn | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (!awaitingApprovalId) {
        const next = await this.popQueue(key, owner, leaseMs);
        if (next) return next;
      }
      const released = await this.conditional(
        new UpdateCommand({
          TableName: this.o.table,
          Key: threadKey(key),
          UpdateExpression: `SET #s = :st, updatedAt = :now${awaitingApprovalId ? ', pendingApprovalId = :ap' : ''} ADD turns :one REMOVE #owner, leaseExpiresAt, gsi1pk, gsi1sk, stopRequestedBy${awaitingApprovalId ? '' : ', pendingApprovalId'}`,
          ConditionExpression: awaitingApprovalId
            ? '#owner = :me'
            : '#owner = :me AND (attribute_not_exists(#q) OR size(#q) = :zero)',
          ExpressionAttributeNames: {
            '#s': 'status',
            '#owner': 'owner',
            ...(awaitingApprovalId ? {} : { '#q': 'queue' }),
          },
          ExpressionAttributeValues: {
            ':st': awaitingApprovalId ? 'awaiting_approval' : 'idle',
            ':now': this.now(),
            ':one': 1,
            ':me': owner,
            ...(awaitingApprovalId ? { ':ap': awaitingApprovalId } : { ':zero': 0 }),
          },
        }),
      );
      if (released) return undefined;
      const s = await this.get(key);
      if (s?.owner !== owner) return undefined; // the lease was lost; the reaper or another owner took over
    }
    return undefined;
  }

  private async popQueue(key: ThreadKey, owner: string, leaseMs: number): Promise<QueuedTurn | undefined> {
    const now = this.now();
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.o.table,
          Key: threadKey(key),
          UpdateExpression:
            'REMOVE #q[0] SET leaseExpiresAt = :exp, gsi1sk = :sk, updatedAt = :now ADD turns :one',
          ConditionExpression: '#owner = :me AND size(#q) > :zero',
          ExpressionAttributeNames: { '#q': 'queue', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':me': owner,
            ':zero': 0,
            ':exp': now + leaseMs,
            ':sk': sortable(now + leaseMs),
            ':now': now,
            ':one': 1,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return (out.Attributes?.queue as QueuedTurn[] | undefined)?.[0];
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async requestStop(key: ThreadKey, user: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.o.table,
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
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.o.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :r AND gsi1sk < :now',
          ExpressionAttributeValues: { ':r': RUNNING, ':now': sortable(now) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const rec = strip(item);
        if (skip?.(rec)) continue;
        try {
          const res = await this.doc.send(
            new UpdateCommand({
              TableName: this.o.table,
              Key: threadKey(rec),
              UpdateExpression:
                'SET #s = :idle, interruptedAt = :now, updatedAt = :now REMOVE #owner, leaseExpiresAt, gsi1pk, gsi1sk, stopRequestedBy',
              ConditionExpression: '#s = :running AND leaseExpiresAt < :now',
              ExpressionAttributeNames: { '#s': 'status', '#owner': 'owner' },
              ExpressionAttributeValues: { ':idle': 'idle', ':running': 'running', ':now': now },
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

  async interrupt(key: ThreadKey, owner: string): Promise<boolean> {
    const now = this.now();
    return this.conditional(
      new UpdateCommand({
        TableName: this.o.table,
        Key: threadKey(key),
        UpdateExpression:
          'SET #s = :idle, interruptedAt = :now, updatedAt = :now REMOVE #owner, leaseExpiresAt, gsi1pk, gsi1sk, stopRequestedBy',
        ConditionExpression: '#s = :running AND #owner = :me',
        ExpressionAttributeNames: { '#s': 'status', '#owner': 'owner' },
        ExpressionAttributeValues: { ':idle': 'idle', ':running': 'running', ':now': now, ':me': owner },
      }),
    );
  }

  async rotate(key: ThreadKey, owner: string, runtimeSessionId: string): Promise<void> {
    await this.conditional(
      new UpdateCommand({
        TableName: this.o.table,
        Key: threadKey(key),
        UpdateExpression: 'SET runtimeSessionId = :id, rehydrate = :t, updatedAt = :now ADD generation :one',
        ConditionExpression: '#owner = :me',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: {
          ':id': runtimeSessionId,
          ':t': true,
          ':now': this.now(),
          ':one': 1,
          ':me': owner,
        },
      }),
    );
  }

  async appendTurn(key: ThreadKey, turn: TurnLogEntry): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.o.table,
        Item: { pk: threadKey(key).pk, sk: `TURN#${sortable(turn.at)}`, ...turn, ttl: this.expiry() },
      }),
    );
  }

  async recentTurns(key: ThreadKey, limit: number): Promise<TurnLogEntry[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.o.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
        ExpressionAttributeValues: { ':pk': threadKey(key).pk, ':t': 'TURN#' },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).reverse().map(({ pk: _p, sk: _s, ttl: _t, ...rest }) => rest as TurnLogEntry);
  }

  async remember(key: string, ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    // TTL deletion is lazy (hours late), so the window is enforced by the condition, not by deletion.
    return this.conditional(
      new PutCommand({
        TableName: this.o.table,
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

  private async conditional(cmd: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.doc.send(cmd as never);
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

const THROTTLED = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TimeoutError',
]);

/** A StoreUnavailableError for network failures, timeouts, throttling and 5xx; undefined otherwise. */
function unavailable(err: unknown): StoreUnavailableError | undefined {
  if (!(err instanceof Error)) return new StoreUnavailableError('error', { cause: err });
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status < 500 && !THROTTLED.has(err.name)) return undefined;
  const code = (err as { code?: string }).code;
  return new StoreUnavailableError(code ?? err.name, { cause: err });
}

function threadKey(k: ThreadKey): { pk: string; sk: string } {
  return { pk: `THREAD#${k.teamId}#${k.channel}#${k.threadTs}`, sk: 'SESSION' };
}

function sortable(ms: number): string {
  return String(Math.floor(ms)).padStart(15, '0');
}

function strip(item: Record<string, unknown>): SessionRecord {
  const { pk: _pk, sk: _sk, ttl: _ttl, gsi1pk: _g, gsi1sk: _h, ...rest } = item;
  return rest as unknown as SessionRecord;
}
