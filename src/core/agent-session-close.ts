/**
 * Closing a thread's agent session in Slack when the thread's harness session ends by itself: the
 * harness recycles a session left idle (HARNESS_SESSION_IDLE_SECONDS), and from then on the thread's
 * next message starts a new one with the context restored. Slack should then show the session as
 * closed, not as waiting for a follow-up it no longer remembers.
 *
 * Each time a session moves to `active` (a run ended, was stopped, or its owner died), the close is
 * scheduled in the shared store for when the harness would recycle it; every replica's sweep looks
 * for due closes, and exactly one takes each (a conditional write), so it is closed once whichever
 * replica ran the thread or is still alive. A thread used again meanwhile is not closed: the sweep
 * re-reads its record and moves the close to its new idle time.
 */
import type { Logger } from './logger.ts';
import type { AgentSessionPort, SessionRecord, SessionStore, ThreadKey } from './ports.ts';
import { sessionMayBeRecycled } from './session-expiry.ts';

/** When each thread's agent session is due to close (the bot's table). */
export interface CloseSchedule {
  /** Closes the thread's session at `at` (replacing any earlier schedule). */
  put(key: ThreadKey, at: number): Promise<void>;
  /** Closes due by `now`, oldest first, at most `limit`. */
  due(now: number, limit: number): Promise<Array<ThreadKey & { at: number }>>;
  /** Takes a due close while it is still the one scheduled for `at`; false when another replica did. */
  take(key: ThreadKey, at: number): Promise<boolean>;
}

export interface AgentSessionCloserDeps {
  schedule: CloseSchedule;
  sessions: SessionStore;
  agentSessions: AgentSessionPort;
  /** How long the harness keeps an idle session (0: never recycled, so never closed). */
  idleMs: number;
  /** A thread's state changed (the App Home shows it). */
  onRunChange?: (session: SessionRecord) => void;
  log: Logger;
  now?: () => number;
}

const BATCH = 25;

export class AgentSessionCloser {
  private readonly now: () => number;

  constructor(private readonly d: AgentSessionCloserDeps) {
    this.now = d.now ?? Date.now;
  }

  /** The thread's session waits for a follow-up from now on: close it when the harness would recycle it. */
  async idleFrom(key: ThreadKey): Promise<void> {
    if (this.d.idleMs <= 0) return;
    await this.d.schedule.put(thread(key), this.now() + this.d.idleMs);
  }

  /** Closes every session that is due, on whichever replica gets there first. */
  async sweep(): Promise<number> {
    if (this.d.idleMs <= 0) return 0;
    let closed = 0;
    const now = this.now();
    for (const due of await this.d.schedule.due(now, BATCH)) {
      const key = thread(due);
      const rec = await this.d.sessions.get(key);
      if (rec && rec.status === 'idle' && !sessionMayBeRecycled(rec.updatedAt, now, this.d.idleMs)) {
        // Used again since: wait for its new idle time (a later put wins over this one, which is fine).
        await this.d.schedule.put(key, rec.updatedAt + this.d.idleMs);
        continue;
      }
      if (!(await this.d.schedule.take(key, due.at))) continue;
      // Running again, or paused for an approval: its own end schedules the next close.
      if (rec?.status !== 'idle') continue;
      await this.d.agentSessions.setStatus(key, 'closed');
      this.d.onRunChange?.(rec);
      this.d.log.info({ ...key }, 'agent session closed: the thread’s harness session ended (idle)');
      closed++;
    }
    return closed;
  }
}

function thread(k: ThreadKey): ThreadKey {
  return { teamId: k.teamId, channel: k.channel, threadTs: k.threadTs };
}
