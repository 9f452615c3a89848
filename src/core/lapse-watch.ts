/**
 * When a lapsed lease may be reaped. A claim's lease is its owner's liveness record (one per
 * replica, renewed by its heartbeat; lease.ts), and it lapses in the table whenever its owner cannot write,
 * and that includes every owner during a table outage: the first sweep after the table comes back
 * sees all of them lapsed, while their owners (alive, some with a completed run to record) are
 * still waiting to get through. So a replica reaps a run only after it has seen the very same lapsed
 * lease (same claim, same owner, same last renewal by that owner) for a grace period of its own; any
 * write by the owner in between (a renewal, or recording the completion) changes what is seen and
 * starts over. The store's reaping
 * write is conditional on that same lease, so the owner's write and the reaper's are ordered: the
 * first to land wins, and the reaper cannot land first while the owner is alive and reachable.
 */
import type { SessionRecord } from './ports.ts';

interface Sighting {
  owner: string | undefined;
  expiry: number | undefined;
  aliveUntil: number | undefined;
  firstSeen: number;
}

export class LapseWatch {
  private seen = new Map<string, Sighting>();
  private current = new Map<string, Sighting>();

  constructor(
    private readonly graceMs: number,
    private readonly now: () => number,
  ) {}

  /** Starts a sweep: leases not seen lapsed again in it are forgotten when it ends. */
  begin(): void {
    this.current = new Map();
  }

  /**
   * True once this lapsed lease (unchanged) has been seen for the grace period. `ownerAliveUntil`:
   * the owner's last renewal as read now (undefined: the owner has no liveness record).
   */
  due(rec: SessionRecord, ownerAliveUntil?: number): boolean {
    const k = `${rec.teamId}|${rec.channel}|${rec.threadTs}`;
    const prior = this.seen.get(k);
    const same =
      prior &&
      prior.owner === rec.owner &&
      prior.expiry === rec.leaseExpiresAt &&
      prior.aliveUntil === ownerAliveUntil;
    const sighting = same
      ? prior
      : { owner: rec.owner, expiry: rec.leaseExpiresAt, aliveUntil: ownerAliveUntil, firstSeen: this.now() };
    this.current.set(k, sighting);
    return this.now() - sighting.firstSeen >= this.graceMs;
  }

  end(): void {
    this.seen = this.current;
  }
}
