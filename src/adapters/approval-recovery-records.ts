/**
 * The recovery phase of an approval in the bot's table: the watch after an experiment ended is stored on the
 * record (deadline, what is checked, the watching replica and its claim) and filed under its own index
 * partition by when the claim lapses, so any replica's sweep finds and takes over a watch whose replica went
 * away. Every step is one conditional update: begun once, renewed and settled only by the owner, so exactly
 * one verdict is stored.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApprovalRecord, RecoveryVerdict } from '../core/approval-types.ts';
import { key, sortable, strip } from './approval-store-keys.ts';

/** Ended experiments whose recovery is being watched, sorted by when the watching replica's claim lapses. */
export const RECOVERING = 'APPROVALS#recovering';

export class RecoveryRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async begin(id: string, verdict: RecoveryVerdict): Promise<boolean> {
    const watching = verdict.status === 'watching';
    return this.recoveryUpdate(
      id,
      `SET recovery = :r${watching ? ', gsi1pk = :p, gsi1sk = :isk' : ''}`,
      'attribute_exists(pk) AND attribute_not_exists(recovery)',
      {
        ':r': verdict,
        ...(watching ? { ':p': RECOVERING, ':isk': sortable(verdict.leaseUntil ?? 0) } : {}),
      },
    ).then((r) => r !== undefined);
  }

  async renew(id: string, owner: string, until: number): Promise<boolean> {
    return this.recoveryUpdate(
      id,
      'SET recovery.leaseUntil = :until, gsi1sk = :isk',
      'recovery.#st = :w AND recovery.#o = :owner',
      { ':until': until, ':isk': sortable(until), ':w': 'watching', ':owner': owner },
    ).then((r) => r !== undefined);
  }

  async claim(id: string, owner: string, now: number, until: number): Promise<ApprovalRecord | undefined> {
    return this.recoveryUpdate(
      id,
      'SET recovery.#o = :owner, recovery.leaseUntil = :until, gsi1sk = :isk',
      'recovery.#st = :w AND recovery.leaseUntil <= :now',
      { ':owner': owner, ':until': until, ':isk': sortable(until), ':w': 'watching', ':now': now },
    );
  }

  async settle(id: string, owner: string, verdict: RecoveryVerdict): Promise<boolean> {
    return this.recoveryUpdate(
      id,
      'SET recovery = :r REMOVE gsi1pk, gsi1sk',
      'recovery.#st = :w AND recovery.#o = :owner',
      { ':r': verdict, ':w': 'watching', ':owner': owner },
    ).then((r) => r !== undefined);
  }

  /** One conditional update of the recovery phase; undefined when the condition failed. */
  private async recoveryUpdate(
    id: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<ApprovalRecord | undefined> {
    const names: Record<string, string> = {};
    if (condition.includes('#st')) names['#st'] = 'status';
    if (`${update} ${condition}`.includes('#o')) names['#o'] = 'owner';
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: key(id), sk: 'APPROVAL' },
          UpdateExpression: update,
          ConditionExpression: condition,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
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
}
