/**
 * How a run ends when it does not end by itself: after Stop or shutdown the agent's runtime session
 * is ended and the thread moves to a new one; a shutdown is marked interrupted with a Retry button.
 * (Split out of turns.ts.)
 */
import type { AbortReason } from './lease.ts';
import type { Logger } from './logger.ts';
import type { SessionRecord, ThreadKey } from './ports.ts';
import { newRuntimeSessionId } from './session-id.ts';
import { keyOf, type TurnDeps } from './turn-types.ts';

export class TurnEndings {
  constructor(private readonly d: TurnDeps) {}

  /** What happens to the thread after Stop, shutdown or a lost claim. */
  async afterAbort(session: SessionRecord, reason: AbortReason, log: Logger): Promise<void> {
    const key = keyOf(session);
    if (reason.kind === 'stop') {
      await this.endAgentSession(session, log);
      return;
    }
    if (reason.kind === 'shutdown') {
      // Nobody will read what the agent does next; Retry runs in a new session with the context.
      await this.endAgentSession(session, log);
      if (await this.d.store.interrupt(key, this.d.owner)) {
        const at = (await this.d.store.get(key).catch(() => undefined))?.interruptedAt;
        if (at !== undefined) await this.postInterrupted(key, 'the bot was restarting', at);
      }
      return;
    }
    log.warn({ ...key }, 'run ended after losing its claim');
  }

  /**
   * Aborting a stream does not stop the agent's loop; ending the runtime session does
   * (StopRuntimeSession ends the agent and its streams). The thread moves to a new session whose
   * first turn carries the thread's context.
   */
  async endAgentSession(session: SessionRecord, log: Logger): Promise<void> {
    await this.d.harness.stopSession(session.runtimeSessionId, session.harness);
    const key = keyOf(session);
    await this.d.store
      .rotate(key, this.d.owner, newRuntimeSessionId(key))
      .catch((err) => log.warn({ err }, 'could not move the thread to a new harness session'));
  }

  /**
   * A run that ended without its owner finishing the reply (a crash, a lost lease) still shows a live
   * Stop button on its last "Working…" message: remove it, so nobody stops what no longer runs.
   */
  async retireControls(session: SessionRecord, why: string): Promise<void> {
    await this.tryRetire(session, `:warning: Interrupted: ${why}. See below.`, session.replyTs);
  }

  /**
   * The reply's final edit failed (a Slack edit outage) and the answer went out as new messages: the
   * old message keeps its Stop button until Slack takes edits again. Retried in the background, so
   * the run does not wait for Slack to recover.
   */
  retireControlsLater(session: SessionRecord, fromTs: string): void {
    const note =
      ':information_source: Slack did not accept the last update of this message; the complete answer is in the replies below.';
    void (async () => {
      for (const seconds of RETIRE_RETRY_SECONDS) {
        await new Promise((r) => setTimeout(r, seconds * 1000).unref());
        if (await this.tryRetire(session, note, fromTs)) return;
      }
    })();
  }

  private async tryRetire(
    session: SessionRecord,
    note: string,
    fromTs: string | undefined,
  ): Promise<boolean> {
    if (!fromTs || !this.d.writer.retireControls) return true;
    try {
      await this.d.writer.retireControls(session.channel, session.threadTs, fromTs, stopValue(session), note);
      return true;
    } catch (err) {
      this.d.log.warn({ err, ...keyOf(session) }, 'could not remove the Stop button');
      return false;
    }
  }

  /**
   * Says the run was interrupted, with a Retry button for exactly this interruption: its value names
   * the thread and the interruption's time, which the store consumes on the one retry it allows.
   */
  async postInterrupted(key: ThreadKey, why: string, interruptedAt: number): Promise<void> {
    await this.d.writer
      .post(key.channel, this.d.presenter.interrupted(why, retryValue(key, interruptedAt)), key.threadTs)
      .catch((err) => this.d.log.warn({ err, ...key }, 'could not post the interruption notice'));
  }
}

/** When a Stop button left behind by a failed final edit is tried again (seconds after the previous try). */
const RETIRE_RETRY_SECONDS = [2, 5, 15, 60, 300];

/** A Retry button's value: `<channel>|<thread_ts>|<interruptedAt>`. */
export function retryValue(key: ThreadKey, interruptedAt: number): string {
  return `${key.channel}|${key.threadTs}|${interruptedAt}`;
}

/** A Stop button's value: `<channel>|<thread_ts>`. */
export function stopValue(key: ThreadKey): string {
  return `${key.channel}|${key.threadTs}`;
}
