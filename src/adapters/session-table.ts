/**
 * The session table itself (one DynamoDB table, single-table design): the client with its
 * outage detection, and the key and attribute conventions the session store's parts share.
 *   THREAD#<team>#<channel>#<thread_ts> / SESSION      → the thread's harness session and its lease
 *   THREAD#<team>#<channel>#<thread_ts> / TURN#<n>     → the compact turn log (for rehydration)
 *   SEEN#<idempotency key>              / SEEN         → idempotency records (events, messages, commands)
 *   OWNER#<replica>                     / ALIVE        → a replica's liveness (its heartbeat), which keeps its claims
 * Sessions being worked on sit in the sparse index `gsi1` under SESSIONS#running, sorted by the
 * claim's own lease expiry, so any replica can find runs whose owner died. Every state change is conditional.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type PutCommand, type UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SessionRecord, ThreadKey } from '../core/ports.ts';
import { StoreUnavailableError } from '../core/store-unavailable.ts';
import { keepAliveAgents } from './keep-alive-agents.ts';

export interface DynamoStoreOptions {
  table: string;
  region: string;
  /** Explicit endpoint (the embedded server); otherwise the SDK's standard resolution applies. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  ttlDays: number;
  now?: () => number;
}

/**
 * The sparse index partition of sessions being worked on, claimed by replicas that keep one liveness
 * record each (a claim's own lease is never renewed). The previous version's claims, each renewed on
 * its own, are in RUNNING_RENEWED: its reaper sweeps only that partition, so during a rolling deploy it
 * cannot mistake a long run of this version for an abandoned one. This version sweeps and lists both.
 */
export const RUNNING = 'SESSIONS#running-by-owner';
export const RUNNING_RENEWED = 'SESSIONS#running';
export const RUNNING_PARTITIONS = [RUNNING, RUNNING_RENEWED] as const;

export class SessionTable {
  readonly doc: DynamoDBDocumentClient;
  readonly client: DynamoDBClient;
  readonly name: string;
  readonly now: () => number;

  constructor(private readonly o: DynamoStoreOptions) {
    this.name = o.table;
    this.client = new DynamoDBClient({
      region: o.region,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
      maxAttempts: 4,
      // The SDK waits forever by default; an unreachable table must fail fast enough to tell the person.
      // The SDK counts connectionTimeout from a request's creation, not from its socket's: a request
      // queued behind its pool of 50 sockets, or whose connect event waited behind a busy event loop,
      // failed as "unreachable" after 1 s per attempt while the table answered every request it got
      // (test/e2e/store-burst.test.ts: 788 of 1,000 checks refused). So no cap on sockets (the bot's
      // own work bounds them: two duplicate checks per command, a few writes per run) and 3 s to
      // connect (a command whose checks get no answer is still refused at its 10 s deadline).
      requestHandler: new NodeHttpHandler({
        connectionTimeout: 3_000,
        requestTimeout: 3_000,
        ...keepAliveAgents(),
      }),
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

  /** Sends a conditional write; false when its condition did not hold. */
  async conditional(cmd: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.doc.send(cmd as never);
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** The TTL attribute's value for a record written now. */
  expiry(): number {
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

export function threadKey(k: ThreadKey): { pk: string; sk: string } {
  return { pk: `THREAD#${k.teamId}#${k.channel}#${k.threadTs}`, sk: 'SESSION' };
}

/** Milliseconds as a fixed-width string, so sort keys order like numbers. */
export function sortable(ms: number): string {
  return String(Math.floor(ms)).padStart(15, '0');
}

/** A stored item without the table's own attributes. */
export function strip(item: Record<string, unknown>): SessionRecord {
  const { pk: _pk, sk: _sk, ttl: _ttl, gsi1pk: _g, gsi1sk: _h, ...rest } = item;
  return rest as unknown as SessionRecord;
}
