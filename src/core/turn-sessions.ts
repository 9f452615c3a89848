/**
 * A thread's harness session over time: a new one when the old one expired (idle too long, ended by
 * Stop, or no longer known to the harness), with the thread's recent turns given to the agent so the
 * conversation carries on.
 * (Split out of turns.ts: session rotation and context restoration are their own responsibility.)
 */
import type { Logger } from './logger.ts';
import type { SessionRecord, SessionStore, SlackWriter } from './ports.ts';
import { rehydrationPrompt } from './rehydrate.ts';
import type { ReplyStream } from './reply-stream.ts';
import type { Presenter } from './reply-view.ts';
import { newRuntimeSessionId } from './session-id.ts';

export interface HarnessSessionDeps {
  store: SessionStore;
  writer: SlackWriter;
  presenter: Presenter;
  owner: string;
  now: () => number;
  settings: { sessionIdleMs: number; turnLogSize: number };
}

export class HarnessSessions {
  constructor(private readonly d: HarnessSessionDeps) {}

  /** A new harness session, with context rebuilt from the turn log, when the old one has expired. */
  async maybeRotate(
    session: SessionRecord,
    lastSeen: SessionRecord,
    /** A resumed turn continues its session as it is. */
    resuming: boolean,
    log: Logger,
  ): Promise<SessionRecord> {
    const idle = this.d.settings.sessionIdleMs;
    const stale = idle > 0 && session.turns > 0 && this.d.now() - lastSeen.updatedAt > idle && !resuming;
    if (!stale && !session.rehydrate) return session;
    return this.rotate(session, log, stale ? 'expired' : 'stopped');
  }

  async rotate(
    session: SessionRecord,
    log: Logger,
    why: 'expired' | 'stopped' | 'not_found',
  ): Promise<SessionRecord> {
    const key = keyOf(session);
    const id = newRuntimeSessionId(key);
    await this.d.store.rotate(key, this.d.owner, id);
    log.info({ from: session.runtimeSessionId, to: id, why }, 'moved the thread to a new harness session');
    return { ...session, runtimeSessionId: id, rehydrate: true };
  }

  /** The prompt with the thread's recent turns, and one notice in the thread saying so. */
  async restoreContext(session: SessionRecord, prompt: string): Promise<string> {
    const turns = await this.d.store.recentTurns(keyOf(session), this.d.settings.turnLogSize);
    await this.d.writer
      .post(
        session.channel,
        this.d.presenter.note(
          `:recycle: Context restored: the agent’s previous session had ended, so I started a new one and gave it the last ${turns.length} turn${turns.length === 1 ? '' : 's'} of this thread.`,
        ),
        session.threadTs,
      )
      .catch(() => undefined);
    return rehydrationPrompt(turns, prompt);
  }

  /** The harness no longer knows the session: a new one, once, with the context restored. */
  async afterSessionGone(
    session: SessionRecord,
    prompt: string,
    reply: ReplyStream,
    log: Logger,
  ): Promise<{ session: SessionRecord; prompt: string }> {
    const next = await this.rotate(session, log, 'not_found');
    const key = keyOf(session);
    const turns = await this.d.store.recentTurns(key, this.d.settings.turnLogSize);
    reply.setNote(
      'The agent’s session had expired; continuing in a new one with this thread’s context restored.',
    );
    await this.d.store.noteTurn(key, this.d.owner, { rehydrate: false }).catch(() => undefined);
    return { session: next, prompt: rehydrationPrompt(turns, prompt) };
  }
}

function keyOf(s: SessionRecord) {
  return { teamId: s.teamId, channel: s.channel, threadTs: s.threadTs };
}
