/**
 * FeedbackStore over the bot's DynamoDB table:
 *   FEEDBACK#<channel>#<answer ts> / USER#<user> → that person's verdict on that answer
 * One item per person per answer, so a second click replaces the first (deduplicated per user). The
 * sparse index `gsi1` holds every verdict under one key sorted by time, so an export reads only the
 * period it asks for.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Feedback, FeedbackStore } from '../core/feedback.ts';

const GSI = 'gsi1';
const ALL = 'FEEDBACK';
const KEEP_DAYS = 400;

export class DynamoFeedbackStore implements FeedbackStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(f: Feedback): Promise<'new' | 'changed' | 'same'> {
    const pk = `FEEDBACK#${f.channel}#${f.turnTs}`;
    const out = await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk,
          sk: `USER#${f.user}`,
          ...f,
          gsi1pk: ALL,
          gsi1sk: `${String(Math.floor(f.at)).padStart(15, '0')}#${pk}#${f.user}`,
          ttl: Math.floor(f.at / 1000) + KEEP_DAYS * 86_400,
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const old = out.Attributes as Partial<Feedback> | undefined;
    return !old ? 'new' : old.verdict === f.verdict ? 'same' : 'changed';
  }

  async since(sinceMs: number): Promise<Feedback[]> {
    const items: Feedback[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI,
          KeyConditionExpression: 'gsi1pk = :p AND gsi1sk >= :s',
          ExpressionAttributeValues: { ':p': ALL, ':s': String(Math.floor(sinceMs)).padStart(15, '0') },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of out.Items ?? []) {
        const { pk: _p, sk: _s, ttl: _t, gsi1pk: _g, gsi1sk: _h, ...rest } = i;
        items.push(rest as Feedback);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
