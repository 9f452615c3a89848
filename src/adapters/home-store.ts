/**
 * HomeStore over the bot's DynamoDB table:
 *   HOME#<user> / RUN#<created, sortable>#<channel>#<thread> → a run the person started
 *   HOME#<user> / OPENED                                     → the person has used the Home tab
 * Runs are read newest first with one query; the thread's live state comes from its session record.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { HomeRun, HomeStore } from '../core/home.ts';

const KEEP_DAYS = 30;

export class DynamoHomeStore implements HomeStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async noteRun(run: HomeRun): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `HOME#${run.requester}`,
          sk: `RUN#${String(Math.floor(run.createdAt)).padStart(15, '0')}#${run.channel}#${run.threadTs}`,
          ...run,
          ttl: expiry(),
        },
      }),
    );
  }

  async recentRuns(user: string, limit: number): Promise<HomeRun[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
        ExpressionAttributeValues: { ':p': `HOME#${user}`, ':r': 'RUN#' },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => {
      const { pk: _p, sk: _s, ttl: _t, ...run } = i;
      return run as HomeRun;
    });
  }

  async markOpened(user: string): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: `HOME#${user}`, sk: 'OPENED', ttl: expiry() } }),
    );
  }

  async hasOpened(user: string): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: `HOME#${user}`, sk: 'OPENED' } }),
    );
    return out.Item !== undefined;
  }
}

function expiry(): number {
  return Math.floor(Date.now() / 1000) + KEEP_DAYS * 86_400;
}
