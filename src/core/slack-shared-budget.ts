/**
 * A budget shared by the channel buckets of one workspace (chat.postMessage's workspace-wide cap,
 * src/core/slack-scheduler.ts): which of the channels waiting on it goes next. A channel waits on it
 * only while its own budget would let its next call go; its tokens then go to the channel whose
 * next call ranks first (slack-call-order.ts), so priority and oldest-text-first hold across channels.
 */
import type { Bucket } from './slack-bucket.ts';
import { before, firstTextWaiting, nextRank, type Rank } from './slack-call-order.ts';

type Key = { workspace: string; method: string; channel?: string };

export interface Chosen {
  b: Bucket;
  key: Key;
  rank: Rank;
  early: boolean;
}

/**
 * The waiting channel whose next call ranks first. Channels that can no longer go now leave the
 * shared budget's queue: `sleep` for those waiting on their own budget, `idle` for those with no call.
 */
export function chooseChannel(
  p: Bucket,
  now: number,
  sleep: (b: Bucket, key: Key, waitMs: number) => void,
  idle: (b: Bucket) => void,
): Chosen | undefined {
  let best: Chosen | undefined;
  for (const [b, key] of p.blocked) {
    const next = b.timer || b.waiting === 0 ? undefined : b.nextWait(now, () => firstTextWaiting(b));
    if (!next || next.waitMs > 0) {
      p.blocked.delete(b);
      // Without a wait it waits for an answer to start its own window's clock (the answer pumps it).
      if (next) sleep(b, key, next.waitMs);
      else if (b.waiting === 0) idle(b);
      continue;
    }
    const rank = nextRank(b, next.early);
    if (rank && (!best || before(rank, best.rank))) best = { b, key, rank, early: next.early };
  }
  return best;
}

/** The id of a workspace's shared bucket for a per-channel method. */
export const sharedId = (k: Key) => `${k.workspace}|${k.method}|*`;

/** The workspace's shared bucket for a per-channel method, made on first use. */
export function sharedBucket(pools: Map<string, Bucket>, k: Key, make: () => Bucket): Bucket {
  const id = sharedId(k);
  let p = pools.get(id);
  if (!p) {
    p = make();
    pools.set(id, p);
  }
  return p;
}
