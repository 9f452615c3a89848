/**
 * Keeps a run's claim on its thread alive while the run lasts: renews the lease on a timer and
 * reports when a stop was requested (possibly through another replica) or when the claim was lost
 * (the lease lapsed and another replica reaped the run). Either way the run is aborted.
 *
 * While the run is paused for an approval, the session is released into `awaiting_approval` (so a
 * click can resume it on any replica) and there is no lease to renew: renewals are suspended rather
 * than read as a lost claim, and restart when the run takes the session back.
 */
import type { Logger } from './logger.ts';
import type { SessionStore, ThreadKey } from './ports.ts';

export type AbortReason = { kind: 'stop'; by: string } | { kind: 'lost' } | { kind: 'shutdown' };

/**
 * Renewal timing. A live owner is reaped only when none of its writes lands for a whole lease plus
 * the reaper's grace (lapse-watch.ts), so what protects it is retrying soon after a failure, not
 * renewing often when nothing fails: renewals come every half lease (they came every third, which
 * made heartbeats most of a turn's DynamoDB requests, bench/results.md), and a failed one is retried
 * after a tenth of the lease (at most 1 s), backing off to a sixth, until one lands.
 */
export function renewalTiming(leaseMs: number): { everyMs: number; retryMs: number; maxRetryMs: number } {
  const everyMs = Math.max(200, Math.floor(leaseMs / 2));
  const retryMs = Math.max(100, Math.min(1_000, Math.floor(leaseMs / 10)));
  return { everyMs, retryMs, maxRetryMs: Math.max(retryMs, Math.floor(leaseMs / 6)) };
}

export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private paused = false;
  private failures = 0;

  constructor(
    private readonly store: SessionStore,
    private readonly key: ThreadKey,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly abort: (reason: AbortReason) => void,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running = true;
    this.schedule(renewalTiming(this.leaseMs).everyMs);
  }

  /** The session was released for an approval: stop renewing without treating it as lost. */
  pause(): void {
    this.paused = true;
  }

  /** The run took the session back: renew again. */
  resume(): void {
    this.paused = false;
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.beat(), ms);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const timing = renewalTiming(this.leaseMs);
    if (this.paused) {
      this.failures = 0;
      this.schedule(timing.everyMs);
      return;
    }
    let next = timing.everyMs;
    try {
      const r = await this.store.heartbeat(this.key, this.owner, this.leaseMs);
      this.failures = 0;
      // Paused while the renewal was in flight: its answer says nothing about a lost claim.
      if (this.paused) return;
      if (!r.held) {
        this.log.warn({ ...this.key }, 'lost the claim on the thread; aborting the run');
        this.abort({ kind: 'lost' });
      } else if (r.stopRequestedBy) {
        this.abort({ kind: 'stop', by: r.stopRequestedBy });
      }
    } catch (err) {
      // Retried soon, backing off: the lease and the reaper's grace outlast many retries.
      next = Math.min(timing.maxRetryMs, timing.retryMs * 2 ** this.failures);
      this.failures += 1;
      this.log.warn({ err, ...this.key, retryInMs: next }, 'lease renewal failed');
    } finally {
      this.schedule(next);
    }
  }
}
