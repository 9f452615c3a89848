/**
 * Keeps a run's claim on its thread alive while the run lasts: renews the lease on a timer and
 * reports when a stop was requested (possibly through another replica) or when the claim was lost
 * (the lease lapsed and another replica reaped the run). Either way the run is aborted.
 */
import type { Logger } from './logger.ts';
import type { SessionStore, ThreadKey } from './ports.ts';

export type AbortReason = { kind: 'stop'; by: string } | { kind: 'lost' } | { kind: 'shutdown' };

export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private beating = false;

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

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      const r = await this.store.heartbeat(this.key, this.owner, this.leaseMs);
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
