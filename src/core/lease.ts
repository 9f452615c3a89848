/**
 * Keeps this replica's claims alive while its runs last, with one heartbeat per replica rather than
 * one per run: every half lease the replica renews its own liveness record (a claim is stale only
 * when its owner's record is: see SessionStore.reapLapsed), then reads all its running claims in
 * one batched read to learn what the per-run renewal used to tell each run: that a stop was
 * requested (possibly through another replica), or that the claim was lost (the replica could not
 * write for longer than a lease and another replica reaped the run). Either way the run is aborted.
 *
 * While a run is paused for an approval, its session is released into `awaiting_approval` (so a
 * click can resume it on any replica) and it holds no claim: it is left out of the read rather than
 * read as lost, and is read again once the run takes the session back.
 */
import type { Logger } from './logger.ts';
import type { SessionStore, ThreadKey } from './ports.ts';

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
}

export class ReplicaHeartbeat {
  private readonly runs = new Set<Held>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private closed = false;
  private failures = 0;

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
      },
      resume: () => {
        held.paused = false;
        held.epoch += 1;
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
      await this.store.renewOwner(this.owner, this.leaseMs);
      const watched = [...this.runs].filter((h) => !h.paused).map((h) => ({ h, epoch: h.epoch }));
      const claims = watched.length ? await this.store.readClaims(watched.map((w) => w.h.key)) : [];
      this.failures = 0;
      watched.forEach(({ h, epoch }, i) => {
        const rec = claims[i];
        // Ended, paused or resumed while the read was in flight; or not read this time (retried by DynamoDB's limits).
        if (!this.runs.has(h) || h.paused || h.epoch !== epoch || rec === null) return;
        if (rec === undefined || rec.status !== 'running' || rec.owner !== this.owner) {
          this.log.warn({ ...h.key }, 'lost the claim on the thread; aborting the run');
          h.abort({ kind: 'lost' });
        } else if (rec.stopRequestedBy) {
          h.abort({ kind: 'stop', by: rec.stopRequestedBy });
        }
      });
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
}
