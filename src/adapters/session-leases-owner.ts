/**
 * A replica's liveness record (one item per replica, `OWNER#<id>`): the heartbeat that keeps all its
 * claims alive, and the Stop notices other replicas leave in it, which the heartbeat's own write
 * hands back, so the owner learns of a Stop without reading its claims at every heartbeat.
 * (Split out of session-leases.ts, which keeps the claims and the reaper.)
 */
import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StopNotice, ThreadKey } from '../core/ports.ts';
import type { SessionTable } from './session-table.ts';

/** Liveness records outlive a replica by a day, then TTL tidies them (staleness is read from `aliveUntil`). */
const OWNER_TTL_S = 86_400;

/** The record's string set of Stop notices its heartbeat has not yet handed back as handled. */
const STOPS = 'stops';

/** A replica's liveness record. */
export function ownerKey(owner: string): { pk: string; sk: string } {
  return { pk: `OWNER#${owner}`, sk: 'ALIVE' };
}

/**
 * One unconditional write per heartbeat (its TTL only tidies records of replicas long gone;
 * staleness is `aliveUntil`). The same write takes out the notices the replica has acted on
 * (`handled`) and returns those still pending.
 */
export async function renewOwner(
  t: SessionTable,
  owner: string,
  leaseMs: number,
  handled: string[],
): Promise<StopNotice[]> {
  const now = t.now();
  const out = await t.doc.send(
    new UpdateCommand({
      TableName: t.name,
      Key: ownerKey(owner),
      UpdateExpression: `SET aliveUntil = :until, #ttl = :ttl${handled.length ? ' DELETE #stops :done' : ''}`,
      ExpressionAttributeNames: { '#ttl': 'ttl', ...(handled.length ? { '#stops': STOPS } : {}) },
      ExpressionAttributeValues: {
        ':until': now + leaseMs,
        ':ttl': Math.floor(now / 1000) + OWNER_TTL_S,
        ...(handled.length ? { ':done': new Set(handled) } : {}),
      },
      // A write's return values cost no read units, and the record stays small: a notice is taken
      // out at the renewal after the one that returned it.
      ReturnValues: 'ALL_NEW',
    }),
  );
  const pending = out.Attributes?.[STOPS] as Set<string> | undefined;
  return [...(pending ?? [])].flatMap((id) => {
    const key = noticeThread(id);
    return key ? [{ id, key }] : [];
  });
}

/**
 * Tells `owner` that a Stop was recorded on its claim of this thread. Written after the Stop itself,
 * so the owner's read of the claim, made after the notice reached it, sees the Stop. A record that
 * does not exist is created with the notice alone (and its TTL): with no `aliveUntil` it still reads
 * as an owner not alive, as a missing record did.
 */
export async function leaveStopNotice(t: SessionTable, owner: string, key: ThreadKey): Promise<void> {
  const now = t.now();
  await t.doc.send(
    new UpdateCommand({
      TableName: t.name,
      Key: ownerKey(owner),
      UpdateExpression: 'ADD #stops :n SET #ttl = if_not_exists(#ttl, :ttl)',
      ExpressionAttributeNames: { '#stops': STOPS, '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':n': new Set([noticeId(key, now)]),
        ':ttl': Math.floor(now / 1000) + OWNER_TTL_S,
      },
    }),
  );
}

/**
 * Each notice is unique (the time and a random tail), so taking out a handled one never takes out
 * a later Stop of the same thread that arrived meanwhile.
 */
function noticeId(k: ThreadKey, now: number): string {
  return [k.teamId, k.channel, k.threadTs, now, randomBytes(3).toString('hex')].join('\u0000');
}

function noticeThread(id: string): ThreadKey | undefined {
  const [teamId, channel, threadTs] = id.split('\u0000');
  return teamId && channel && threadTs ? { teamId, channel, threadTs } : undefined;
}
