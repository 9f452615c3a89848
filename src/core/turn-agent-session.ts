/**
 * Slack's agent session of a run's thread, moved as the run goes (processing, suspended, active).
 * Shared by the engine (run start/pause/end), the reply (processing while a turn streams) and the
 * reaper (a run whose owner died is no longer processing). Closing: agent-session-close.ts.
 */
import type { AgentSessionStatus, SessionRecord } from './ports.ts';
import { keyOf, type TurnDeps } from './turn-types.ts';

/**
 * Moves the thread's agent session (never left processing once the bot stops working, or people
 * would see a spinner for nothing) and tells the App Home. True when Slack shows its own stop
 * button for the session, so the bot's Stop button is not needed.
 */
export async function setAgentStatus(
  d: Pick<TurnDeps, 'agentSessions' | 'onRunChange' | 'agentClosing' | 'log'>,
  session: SessionRecord,
  status: AgentSessionStatus,
): Promise<boolean> {
  d.onRunChange?.(session);
  if (!d.agentSessions) return false;
  const r = await d.agentSessions.setStatus(keyOf(session), status, {
    ...(session.title ? { title: session.title } : {}),
    initiator: session.requester,
  });
  // Waiting for a follow-up: closed when the harness ends the idle session, on whichever replica.
  if (status === 'active')
    await d.agentClosing
      ?.idleFrom(keyOf(session))
      .catch((err) => d.log.warn({ err, ...keyOf(session) }, 'could not schedule the agent session’s close'));
  return r.nativeStop;
}
