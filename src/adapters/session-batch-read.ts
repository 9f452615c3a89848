/**
 * Reading many items of the session table at once (BatchGetItem), within what DynamoDB accepts: at
 * most 100 keys per request, no key twice in one request, and a response cut at 16 MB (or by
 * throttling) hands back the rest as UnprocessedKeys, which are asked again a few times and are
 * otherwise reported as not read, for the caller to read next time.
 * Reads are strongly consistent: a heartbeat that read a claim just taken by its own replica as the
 * idle record before it would abort a healthy run.
 */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionTable } from './session-table.ts';

/** DynamoDB's limit on keys per BatchGetItem request. */
export const BATCH_GET_MAX_KEYS = 100;
const ATTEMPTS = 3;

type Key = { pk: string; sk: string };
const id = (k: Key) => `${k.pk}\u0000${k.sk}`;

/**
 * The items at these keys, by key: an item, `undefined` when there is none, absent from the map when
 * it could not be read this time.
 */
export async function readMany(
  t: SessionTable,
  keys: Key[],
  projection?: string[],
): Promise<Map<string, Record<string, unknown> | undefined>> {
  const unique = [...new Map(keys.map((k) => [id(k), k])).values()];
  const out = new Map<string, Record<string, unknown> | undefined>();
  const names = projection && Object.fromEntries(projection.map((a, i) => [`#p${i}`, a]));
  for (let i = 0; i < unique.length; i += BATCH_GET_MAX_KEYS) {
    let pending: Key[] = unique.slice(i, i + BATCH_GET_MAX_KEYS);
    for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      const res = await t.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [t.name]: {
              Keys: pending,
              ConsistentRead: true,
              ...(names
                ? {
                    // The keys always come back too: they are how answers are matched to requests.
                    ProjectionExpression: ['pk', 'sk', ...Object.keys(names)].join(', '),
                    ExpressionAttributeNames: names,
                  }
                : {}),
            },
          },
        }),
      );
      const unprocessed = new Set(((res.UnprocessedKeys?.[t.name]?.Keys ?? []) as Key[]).map((k) => id(k)));
      for (const item of res.Responses?.[t.name] ?? []) out.set(id(item as Key), item);
      for (const k of pending) if (!out.has(id(k)) && !unprocessed.has(id(k))) out.set(id(k), undefined);
      pending = pending.filter((k) => unprocessed.has(id(k)));
    }
  }
  return out;
}

export const keyId = id;
