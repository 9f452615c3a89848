/**
 * Alarm episodes in the bot's DynamoDB table: `ALERT#<episode id>` / `EPISODE`. Opening is one
 * conditional put (no item, or only an ended episode), so exactly one replica opens each episode;
 * a later notification updates the open one.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertEpisode, EpisodeStore } from '../alerts/episodes.ts';

/** Items stay readable this long after the episode ended (a late click is answered, not lost). */
const KEEP_SECONDS = 7 * 24 * 3600;

export class DynamoEpisodeStore implements EpisodeStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(
    candidate: AlertEpisode,
    windowMs: number,
    now: number,
  ): Promise<{ opened: boolean; episode: AlertEpisode }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key(candidate.id), ...candidate, ttl: ttl(candidate.expiresAt) },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return { opened: true, episode: candidate };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key(candidate.id),
        UpdateExpression:
          'SET lastAt = :now, expiresAt = :exp, #state = :state, rawState = :raw, #ttl = :ttl ADD changes :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#state': 'state', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':now': now,
          ':exp': now + windowMs,
          ':state': candidate.state,
          ':raw': candidate.rawState,
          ':ttl': ttl(now + windowMs),
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { opened: false, episode: strip(out.Attributes ?? {}) };
  }

  async get(id: string): Promise<AlertEpisode | undefined> {
    if (!/^[a-f0-9]{32}$/.test(id)) return undefined;
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key(id), ConsistentRead: true }),
    );
    return out.Item ? strip(out.Item) : undefined;
  }

  async setNote(id: string, alertTs: string, noteTs: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key(id),
        UpdateExpression: 'SET noteTs = :note',
        // Only the episode that note belongs to (a newer episode of the same alarm keeps its own).
        ConditionExpression: 'alertTs = :alert',
        ExpressionAttributeValues: { ':note': noteTs, ':alert': alertTs },
      }),
    );
  }
}

function key(id: string) {
  return { pk: `ALERT#${id}`, sk: 'EPISODE' };
}

function ttl(expiresAt: number): number {
  return Math.floor(expiresAt / 1000) + KEEP_SECONDS;
}

function strip(item: Record<string, unknown>): AlertEpisode {
  const { pk: _p, sk: _s, ttl: _t, ...rest } = item;
  return rest as unknown as AlertEpisode;
}
