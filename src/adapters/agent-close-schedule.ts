/**
 * CloseSchedule over the bot's DynamoDB table: one item next to the thread's session record,
 *   THREAD#<team>#<channel>#<thread> / AGENTCLOSE → when the thread's agent session closes
 * listed in the sparse index gsi1 under AGENTS#closing (sorted by due time) until a replica takes it.
 * Taking removes it from the index, conditional on the due time it was read with, so one replica
 * closes each, and a schedule moved meanwhile (the thread was used again) is not taken.
 */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CloseSchedule } from '../core/agent-session-close.ts';
import type { ThreadKey } from '../core/ports.ts';
import { sortable, threadKey } from './session-table.ts';

const CLOSING = 'AGENTS#closing';
const KEEP_DAYS = 30;

export class DynamoCloseSchedule implements CloseSchedule {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private key(k: ThreadKey) {
    return { pk: threadKey(k).pk, sk: 'AGENTCLOSE' };
  }

  async put(k: ThreadKey, at: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...this.key(k),
          teamId: k.teamId,
          channel: k.channel,
          threadTs: k.threadTs,
          at,
          gsi1pk: CLOSING,
          gsi1sk: sortable(at),
          ttl: Math.floor(at / 1000) + KEEP_DAYS * 86_400,
        },
      }),
    );
  }

  async due(now: number, limit: number): Promise<Array<ThreadKey & { at: number }>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :c AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':c': CLOSING, ':now': sortable(now) },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      teamId: String(i.teamId),
      channel: String(i.channel),
      threadTs: String(i.threadTs),
      at: Number(i.at),
    }));
  }

  async take(k: ThreadKey, at: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(k),
          UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
          ConditionExpression: '#at = :at AND attribute_exists(gsi1pk)',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
