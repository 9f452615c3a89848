/**
 * When to assume the harness has recycled a thread's session. The harness's idle clock starts when
 * the agent's loop ends, a little before the bot's last write to the thread's record (files are
 * attached, the turn is logged), so the bot's own clock runs late. A session used just inside the
 * limit by the bot's clock can already be gone, and AgentCore then silently answers from a new,
 * empty microVM. Rotating a little early only costs a fresh session with the context restored.
 */
export function sessionMayBeRecycled(lastActiveAt: number, now: number, idleMs: number): boolean {
  if (idleMs <= 0) return false;
  const margin = Math.min(60_000, idleMs / 10);
  return now - lastActiveAt > idleMs - margin;
}
