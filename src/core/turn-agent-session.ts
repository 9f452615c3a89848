/**
 * Slack's agent session of a run's thread, moved as the run goes (processing, suspended, active).
 * Shared by the engine (run start/pause/end) and the reply (processing while a turn streams).
 */
import type { AgentSessionStatus, SessionRecord } from './ports.ts';
import { keyOf, type TurnDeps } from './turn-types.ts';

/**
 * Moves the thread's agent session (never left processing once the bot stops working, or people
 * would see a spinner for nothing) and tells the App Home. True when Slack shows its own stop
 * button for the session, so the bot's Stop button is not needed.
 */
export async function setAgentStatus(
  d: Pick<TurnDeps, 'agentSessions' | 'onRunChange'>,
  session: SessionRecord,
  status: AgentSessionStatus,
): Promise<boolean> {
  d.onRunChange?.(session);
  if (!d.agentSessions) return false;
  const r = await d.agentSessions.setStatus(keyOf(session), status, {
    ...(session.title ? { title: session.title } : {}),
    initiator: session.requester,
  });
  return r.nativeStop;
}
