/**
 * ApprovalStore over the bot's DynamoDB table:
 *   APPROVAL#<id> / APPROVAL        → the approval (sparse index `gsi1` holds pending, in-flight, running and
 *                                     not-started ones)
 *   APPROVAL#<id> / AUDIT#<time>#n  → its audit trail
 * Every state change is one conditional update on `status`, so double clicks and concurrent
 * approvers produce exactly one decision.
 */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ApprovalRecord,
  type ApprovalStatus,
  type ApprovalStore,
  type AuditEntry,
  IN_FLIGHT,
  type RecoveryVerdict,
} from '../core/approval-types.ts';
import { RECOVERING, RecoveryRecords } from './approval-recovery-records.ts';
import { key, sortable, strip } from './approval-store-keys.ts';

export const GSI = 'gsi1';
const PENDING = 'APPROVALS#pending';
const RUNNING = 'APPROVALS#running';
/** Approved or starting, sorted by when the working replica's claim lapses. */
const INFLIGHT = 'APPROVALS#inflight';
/** Concluded start_failed, sorted by when: the late-start sweep reads only a recent window of them. */
const NOT_STARTED = 'APPROVALS#notstarted';
const AUDIT_DAYS = 400;

export class DynamoApprovalStore implements ApprovalStore {
  private readonly recovery: RecoveryRecords;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.recovery = new RecoveryRecords(doc, table);
  }

  async createApproval(rec: ApprovalRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: key(rec.id),
          sk: 'APPROVAL',
          ...rec,
          ...(rec.status === 'pending' ? { gsi1pk: PENDING, gsi1sk: sortable(rec.expiresAt) } : {}),
          ttl: ttl(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) return undefined;
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: key(id), sk: 'APPROVAL' }, ConsistentRead: true }),
    );
    return out.Item ? strip(out.Item) : undefined;
  }

  async patchApproval(id: string, fields: Partial<ApprovalRecord>): Promise<void> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: key(id), sk: 'APPROVAL' },
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
      }),
    );
  }

  async transition(
    id: string,
    from: ApprovalStatus | readonly ApprovalStatus[],
    to: ApprovalStatus,
    fields: Partial<ApprovalRecord>,
    notExpiredAt?: number,
  ): Promise<ApprovalRecord | undefined> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    const sets = ['#s = :to', ...entries.map((_, i) => `#f${i} = :v${i}`)];
    const names: Record<string, string> = {
      '#s': 'status',
      ...Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
    };
    const froms = typeof from === 'string' ? [from] : [...from];
    const values: Record<string, unknown> = {
      ':to': to,
      ...Object.fromEntries(froms.map((f, i) => [`:from${i}`, f])),
      ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
    };
    // Where the record is indexed in its new state: running, in flight (until its claim lapses), or nowhere.
    const index =
      to === 'started'
        ? { pk: RUNNING, sk: id }
        : IN_FLIGHT.includes(to)
          ? { pk: INFLIGHT, sk: sortable(fields.leaseUntil ?? 0) }
          : to === 'start_failed'
            ? { pk: NOT_STARTED, sk: `${sortable(Date.now())}#${id}` }
            : undefined;
    if (index) {
      sets.push('gsi1pk = :ipk', 'gsi1sk = :isk');
      Object.assign(values, { ':ipk': index.pk, ':isk': index.sk });
    }
    let condition = `#s IN (${froms.map((_, i) => `:from${i}`).join(', ')})`;
    if (notExpiredAt !== undefined) {
      condition += ' AND expiresAt > :now';
      values[':now'] = notExpiredAt;
    }
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key(id), sk: 'APPROVAL' },
          UpdateExpression: `SET ${sets.join(', ')}${index ? '' : ' REMOVE gsi1pk, gsi1sk'}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? strip(out.Attributes) : undefined;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  async renewLease(id: string, owner: string, until: number): Promise<boolean> {
    return (await this.lease(id, owner, until, '#o = :owner')) !== undefined;
  }

  async claimLapsed(
    id: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<ApprovalRecord | undefined> {
    return this.lease(id, owner, until, '(attribute_not_exists(leaseUntil) OR leaseUntil <= :now)', now);
  }

  async listLapsed(now: number): Promise<ApprovalRecord[]> {
    return this.query(INFLIGHT, sortable(now));
  }

  /** Sets the in-flight claim (owner, until) if the approval is still in flight and `condition` holds. */
  private async lease(
    id: string,
    owner: string,
    until: number,
    condition: string,
    now?: number,
  ): Promise<ApprovalRecord | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key(id), sk: 'APPROVAL' },
          UpdateExpression: 'SET #o = :owner, leaseUntil = :until, gsi1sk = :isk',
          ConditionExpression: `#s IN (:a, :b) AND ${condition}`,
          ExpressionAttributeNames: { '#s': 'status', '#o': 'startOwner' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': until,
            ':isk': sortable(until),
            ':a': IN_FLIGHT[0],
            ':b': IN_FLIGHT[1],
            ...(now === undefined ? {} : { ':now': now }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? strip(out.Attributes) : undefined;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  /** Leaves the running index once the experiment has ended (never the recovery index a replica already filed it under). */
  async markEnded(id: string, experimentStatus: string): Promise<void> {
    const update = (expression: string, condition?: string) =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key(id), sk: 'APPROVAL' },
          UpdateExpression: expression,
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeValues: { ':s': experimentStatus },
        }),
      );
    try {
      await update('SET experimentStatus = :s REMOVE gsi1pk, gsi1sk', 'attribute_not_exists(recovery)');
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      await update('SET experimentStatus = :s');
    }
  }

  beginRecovery(id: string, verdict: RecoveryVerdict): Promise<boolean> {
    return this.recovery.begin(id, verdict);
  }

  renewRecovery(id: string, owner: string, until: number): Promise<boolean> {
    return this.recovery.renew(id, owner, until);
  }

  claimRecovery(id: string, owner: string, now: number, until: number): Promise<ApprovalRecord | undefined> {
    return this.recovery.claim(id, owner, now, until);
  }

  settleRecovery(id: string, owner: string, verdict: RecoveryVerdict): Promise<boolean> {
    return this.recovery.settle(id, owner, verdict);
  }

  listRecoveryLapsed(now: number): Promise<ApprovalRecord[]> {
    return this.query(RECOVERING, sortable(now));
  }

  async listNotStarted(since: number): Promise<ApprovalRecord[]> {
    return this.query(NOT_STARTED, undefined, sortable(since));
  }

  async listExpired(now: number): Promise<ApprovalRecord[]> {
    return this.query(PENDING, sortable(now));
  }

  async listRunning(): Promise<ApprovalRecord[]> {
    return this.query(RUNNING);
  }

  async audit(id: string, entry: AuditEntry): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: key(id),
          sk: `AUDIT#${sortable(entry.at)}#${randomBytes(4).toString('hex')}`,
          ...entry,
          ttl: ttl(),
        },
      }),
    );
  }

  async auditLog(id: string): Promise<AuditEntry[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':pk': key(id), ':a': 'AUDIT#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(({ pk: _p, sk: _s, ttl: _t, ...rest }) => rest as AuditEntry);
  }

  private async query(partition: string, before?: string, from?: string): Promise<ApprovalRecord[]> {
    const items: ApprovalRecord[] = [];
    let start: Record<string, unknown> | undefined;
    const range = before ? ' AND gsi1sk <= :b' : from ? ' AND gsi1sk >= :f' : '';
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI,
          KeyConditionExpression: `gsi1pk = :p${range}`,
          ExpressionAttributeValues: {
            ':p': partition,
            ...(before ? { ':b': before } : {}),
            ...(from && !before ? { ':f': from } : {}),
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const it of out.Items ?? []) items.push(strip(it));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

function ttl(): number {
  return Math.floor(Date.now() / 1000) + AUDIT_DAYS * 86_400;
}
