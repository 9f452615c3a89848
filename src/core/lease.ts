/**
 * Keeps this replica's claims alive while its runs last, with one heartbeat per replica rather than
 * one per run: every half lease the replica renews its own liveness record (a claim is stale only
 * when its owner's record is: see SessionStore.reapLapsed), and learns what the per-run renewal used
 * to tell each run: that a stop was requested (possibly through another replica), or that the claim
 * was lost (the replica could not write for longer than a lease and another replica reaped the run).
 * Either way the run is aborted.
 *
 * Neither needs a read of every claim at every heartbeat (issue 21: that read was most of a turn's
 * read units). Another replica takes a claim only with a conditional write that holds while the
 * owner's record looks lapsed, unchanged, to it (lapse-watch.ts); so while each renewal lands less
 * than COVERED_FRACTION of a lease after the previous one was sent, every claim read since is still
 * this replica's, and the replica knows that from its own renewals. A claim is read (strongly
 * consistent) only to confirm it: at the first heartbeat after it was taken or taken back, after a
 * renewal that landed too late (the replica then learns within that heartbeat whether it was lost,
 * as before), and when a Stop notice names it. A Stop recorded by another replica leaves such a
 * notice in this replica's liveness record, and the renewal's own answer carries it: no read.
 *
 * While a run is paused for an approval, its session is released into `awaiting_approval` (so a
 * click can resume it on any replica) and it holds no claim: it is left out of the read rather than
 * read as lost, and is read again once the run takes the session back.
 */
import type { Logger } from './logger.ts';
import type { SessionStore, StopNotice, ThreadKey } from './ports.ts';

export type AbortReason = { kind: 'stop'; by: string } | { kind: 'lost' } | { kind: 'shutdown' };

/**
 * Renewal timing. A live owner is reaped only when none of its liveness writes lands for a whole
 * lease plus the reaper's grace (lapse-watch.ts), so what protects it is retrying soon after a
 * failure, not renewing often when nothing fails: renewals come every half lease, and a failed one
 * is retried after a tenth of the lease (at most 1 s), backing off to a sixth, until one lands.
 */
export function renewalTiming(leaseMs: number): { everyMs: number; retryMs: number; maxRetryMs: number } {
  const everyMs = Math.max(200, Math.floor(leaseMs / 2));
  const retryMs = Math.max(100, Math.min(1_000, Math.floor(leaseMs / 10)));
  return { everyMs, retryMs, maxRetryMs: Math.max(retryMs, Math.floor(leaseMs / 6)) };
}

/**
 * How long a confirmed claim stays confirmed after the renewal that last confirmed it was sent, as a
 * fraction of the lease: a next renewal that lands by then leaves no moment at which the record
 * looked lapsed (nor unchanged for the reaper's grace of a lease or more). The quarter lease left
 * absorbs clock skew between replicas; renewals every half lease and a retry after a tenth land well
 * within it, so only a real outage or stall makes the heartbeat read its claims again.
 */
export const COVERED_FRACTION = 0.75;

/** One run's hold on its claim, as the replica's heartbeat sees it. */
export interface RunLease {
  /** The session was released for an approval: not read until resumed, never taken as lost. */
  pause(): void;
  /** The run took the session back: read again. */
  resume(): void;
  /** The run ended. */
  stop(): void;
}

interface Held {
  key: ThreadKey;
  abort: (reason: AbortReason) => void;
  paused: boolean;
  /** Bumped by pause/resume: an answer read across a pause says nothing about the claim. */
  epoch: number;
  /** Until when (this clock) the claim is known to be this replica's; undefined: read it. */
  confirmedUntil?: number;
}

export class ReplicaHeartbeat {
  private readonly runs = new Set<Held>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private closed = false;
  private failures = 0;
  /** Stop notices acted on, taken out of the record by the next renewal that lands. */
  private handled: string[] = [];

  constructor(
    private readonly store: SessionStore,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly log: Logger,
  ) {}

  /** Runs whose claims this replica is keeping (paused ones included). */
  get size(): number {
    return this.runs.size;
  }

  /**
   * Starts keeping a claim just taken (its own lease covers it until the next beat). The timer runs
   * while any run is held: with none, no claim names this owner and its record may lapse.
   */
  register(key: ThreadKey, abort: (reason: AbortReason) => void): RunLease {
    const held: Held = { key, abort, paused: false, epoch: 0 };
    this.runs.add(held);
    if (!this.timer && !this.beating) this.schedule(renewalTiming(this.leaseMs).everyMs);
    return {
      pause: () => {
        held.paused = true;
        held.epoch += 1;
        held.confirmedUntil = undefined;
      },
      resume: () => {
        held.paused = false;
        held.epoch += 1;
        held.confirmedUntil = undefined;
      },
      stop: () => {
        this.runs.delete(held);
        if (this.runs.size === 0 && this.timer) {
          clearTimeout(this.timer);
          this.timer = undefined;
        }
      },
    };
  }

  /**
   * Shutdown is over: no more heartbeats. Runs still finishing are abandoned; their claims lapse and
   * another replica offers them for retry (and the embedded store is about to close).
   */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves once no heartbeat is in flight (shutdown waits for it before the store closes). */
  async idle(): Promise<void> {
    await this.beating;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.beating = this.beat();
    }, ms);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const timing = renewalTiming(this.leaseMs);
    let next = timing.everyMs;
    this.timer = undefined;
    try {
      const sentAt = Date.now();
      const handled = this.handled;
      const notices = await this.store.renewOwner(this.owner, this.leaseMs, handled);
      const landedBy = Date.now();
      this.handled = this.handled.filter((id) => !handled.includes(id));
      this.failures = 0;
      await this.check(notices, sentAt, landedBy);
    } catch (err) {
      // Retried soon, backing off: the lease and the reaper's grace outlast many retries.
      next = Math.min(timing.maxRetryMs, timing.retryMs * 2 ** this.failures);
      this.failures += 1;
      this.log.warn({ err, owner: this.owner, retryInMs: next }, 'lease renewal failed');
    } finally {
      this.beating = undefined;
      if (this.runs.size > 0 && !this.timer) this.schedule(next);
    }
  }

  /**
   * After a renewal sent at `sentAt` that landed by `landedBy`: extends the claims it covers, and
   * reads the others (not yet confirmed, confirmed too long ago, or named by a Stop notice).
   */
  private async check(notices: StopNotice[], sentAt: number, landedBy: number): Promise<void> {
    const covered = sentAt + COVERED_FRACTION * this.leaseMs;
    const named = new Map<string, string[]>();
    for (const n of notices) named.set(threadId(n.key), [...(named.get(threadId(n.key)) ?? []), n.id]);
    const watched = [...this.runs].filter((h) => !h.paused).map((h) => ({ h, epoch: h.epoch }));
    const toRead = watched.filter(
      ({ h }) => h.confirmedUntil === undefined || landedBy > h.confirmedUntil || named.has(threadId(h.key)),
    );
    for (const { h } of watched) if (!toRead.some((w) => w.h === h)) h.confirmedUntil = covered;
    // Notices for threads with no unpaused run here are done with (a paused session holds no claim,
    // and a Stop cannot be recorded on it); those read below once their read is answered.
    const held = new Set(watched.map(({ h }) => threadId(h.key)));
    for (const [thread, ids] of named) if (!held.has(thread)) this.handled.push(...ids);
    if (toRead.length === 0) return;
    const claims = await this.store.readClaims(toRead.map((w) => w.h.key));
    toRead.forEach(({ h, epoch }, i) => {
      const rec = claims[i];
      // Not read this time (retried by DynamoDB's limits): read again, notice kept, at the next beat.
      if (rec === null) return;
      this.handled.push(...(named.get(threadId(h.key)) ?? []));
      // Ended, paused or resumed while the read was in flight.
      if (!this.runs.has(h) || h.paused || h.epoch !== epoch) return;
      if (rec === undefined || rec.status !== 'running' || rec.owner !== this.owner) {
        this.log.warn({ ...h.key }, 'lost the claim on the thread; aborting the run');
        h.abort({ kind: 'lost' });
      } else if (rec.stopRequestedBy) {
        h.abort({ kind: 'stop', by: rec.stopRequestedBy });
      } else {
        // Still ours after this renewal landed: covered from it on.
        h.confirmedUntil = covered;
      }
    });
  }
}

const threadId = (k: ThreadKey) => `${k.teamId}|${k.channel}|${k.threadTs}`;
