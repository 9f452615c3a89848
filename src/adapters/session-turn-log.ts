/**
 * The compact turn log kept beside a thread's session (TURN#<time> items), read back to rebuild
 * the thread's context when its harness session expired.
 * (Split out of session-store.ts: append-only items with their own key scheme.)
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ThreadKey, TurnLogEntry } from '../core/ports.ts';
import { type SessionTable, sortable, threadKey } from './session-table.ts';

export class TurnLog {
  constructor(private readonly t: SessionTable) {}

  async append(key: ThreadKey, turn: TurnLogEntry): Promise<void> {
    await this.t.doc.send(
      new PutCommand({
        TableName: this.t.name,
        Item: { pk: threadKey(key).pk, sk: `TURN#${sortable(turn.at)}`, ...turn, ttl: this.t.expiry() },
      }),
    );
  }

  async recent(key: ThreadKey, limit: number): Promise<TurnLogEntry[]> {
    const out = await this.t.doc.send(
      new QueryCommand({
        TableName: this.t.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :t)',
        ExpressionAttributeValues: { ':pk': threadKey(key).pk, ':t': 'TURN#' },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).reverse().map(({ pk: _p, sk: _s, ttl: _t, ...rest }) => rest as TurnLogEntry);
  }
}
