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

export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private paused = false;

  constructor(
    private readonly store: SessionStore,
    private readonly key: ThreadKey,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly abort: (reason: AbortReason) => void,
    private readonly log: Logger,
  ) {}

  start(): void {
    // Renew at a third of the lease, so two missed beats still leave the claim intact.
    this.timer = setInterval(() => void this.beat(), Math.max(200, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
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
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async beat(): Promise<void> {
    if (this.beating || this.paused) return;
    this.beating = true;
    try {
      const r = await this.store.heartbeat(this.key, this.owner, this.leaseMs);
      // Paused while the renewal was in flight: its answer says nothing about a lost claim.
      if (this.paused) return;
      if (!r.held) {
        this.log.warn({ ...this.key }, 'lost the claim on the thread; aborting the run');
        this.abort({ kind: 'lost' });
      } else if (r.stopRequestedBy) {
        this.abort({ kind: 'stop', by: r.stopRequestedBy });
      }
    } catch (err) {
      // A failed renewal is retried on the next beat; the lease outlives a couple of misses.
      this.log.warn({ err, ...this.key }, 'lease renewal failed');
    } finally {
      this.beating = false;
    }
  }
}
