/**
 * Connection pools for the bot's AWS clients: kept alive and uncapped (the bot's own work bounds
 * them), and an idle connection is closed before the server would close it.
 *
 * Why: Node's agent honours a server's `Keep-Alive: timeout=N` hint (closing at N − 1 s) only when
 * the agent has a timeout of its own; without one an idle connection stays in the pool until the
 * server's FIN is seen, and a request sent on it meanwhile is lost with "socket hang up". On a busy
 * event loop that window is wide: in the 1,000-run benchmark 187 runs failed that way, and
 * InvokeHarness is sent once (a turn is not idempotent), so nothing retried them.
 */
export function keepAliveAgents() {
  const agent = { keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, timeout: IDLE_CLOSE_MS };
  return { httpAgent: agent, httpsAgent: agent };
}

/**
 * An idle connection is closed after this long when the server announces no keep-alive (AWS
 * endpoints close idle connections after some tens of seconds; a new one costs one handshake).
 * While a request is in flight the client's own socket timeout applies instead.
 */
const IDLE_CLOSE_MS = 20_000;
