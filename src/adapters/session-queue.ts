/**
 * Follow-ups queued behind a running turn, and the end of a turn: the owner either takes the next
 * queued follow-up (keeping its claim) or releases the thread (idle, or paused for an approval).
 * (Split out of session-store.ts: the queue and the release are one protocol on the same list.)
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EnqueueResult, QueuedTurn, SessionRecord, ThreadKey } from '../core/ports.ts';
import { StoreUnavailableError } from '../core/store-unavailable.ts';
import { type SessionTable, sortable, threadKey } from './session-table.ts';

/** How long a finished turn keeps trying to record that it finished while the table is unreachable. */
const FINISH_PERSIST_MS = 10 * 60_000;

export class FollowUpQueue {
  constructor(
    private readonly t: SessionTable,
    private readonly get: (key: ThreadKey) => Promise<SessionRecord | undefined>,
  ) {}

  async enqueue(key: ThreadKey, item: QueuedTurn, max: number): Promise<EnqueueResult> {
    const queued = await this.t.conditional(
      new UpdateCommand({
        TableName: this.t.name,
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
    const deadline = this.t.now() + FINISH_PERSIST_MS;
    for (let wait = 500; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        return await this.finishOnce(key, owner, leaseMs, awaitingApprovalId);
      } catch (err) {
        if (!(err instanceof StoreUnavailableError) || this.t.now() + wait > deadline) throw err;
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
    // Release first, on condition that no follow-up waits: that is almost every turn, and one write.
    // Only when the release is refused is the queue popped (a failed conditional write is billed
    // like any other, so trying the pop first cost a wasted write in almost every turn).
    for (let attempt = 0; attempt < 5; attempt++) {
      const released = await this.t.conditional(
        new UpdateCommand({
          TableName: this.t.name,
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
            ':now': this.t.now(),
            ':one': 1,
            ':me': owner,
            ...(awaitingApprovalId ? { ':ap': awaitingApprovalId } : { ':zero': 0 }),
          },
        }),
      );
      if (released) return undefined;
      if (!awaitingApprovalId) {
        const next = await this.popQueue(key, owner, leaseMs);
        if (next) return next;
      }
      const s = await this.get(key);
      if (s?.owner !== owner) return undefined; // the lease was lost; the reaper or another owner took over
    }
    return undefined;
  }

  private async popQueue(key: ThreadKey, owner: string, leaseMs: number): Promise<QueuedTurn | undefined> {
    const now = this.t.now();
    try {
      const out = await this.t.doc.send(
        new UpdateCommand({
          TableName: this.t.name,
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
}
