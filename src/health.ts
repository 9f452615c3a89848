/**
 * Health: GET /healthz (the process is up) and GET /readyz (Slack connected and the store reachable,
 * each with its reason), served in HTTP mode by the Bolt receiver and in Socket Mode by a small
 * server of its own. Checks are cached briefly so probes do not hammer the table.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReadinessChecks {
  slack(): boolean;
  store(): Promise<void>;
  accepting(): boolean;
}

const CACHE_MS = 5_000;
/** A store that does not answer within this is reported as such; a probe never hangs. */
const STORE_CHECK_MS = 2_000;

export class Health {
  private last: { at: number; body: { ok: boolean; checks: Record<string, string> } } | undefined;

  constructor(private readonly checks: ReadinessChecks) {}

  async readiness(): Promise<{ ok: boolean; checks: Record<string, string> }> {
    if (this.last && Date.now() - this.last.at < CACHE_MS) return this.last.body;
    const checks: Record<string, string> = {};
    checks.slack = this.checks.slack() ? 'ok' : 'not connected';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('no answer'), { name: 'Timeout' })),
        STORE_CHECK_MS,
      );
    });
    checks.store = await Promise.race([this.checks.store(), timeout])
      .finally(() => clearTimeout(timer))
      .then(() => 'ok')
      .catch((err: unknown) => `unreachable: ${err instanceof Error ? err.name : 'error'}`);
    checks.accepting = this.checks.accepting() ? 'ok' : 'draining';
    const body = { ok: Object.values(checks).every((v) => v === 'ok'), checks };
    this.last = { at: Date.now(), body };
    return body;
  }

  /** Handles /healthz and /readyz; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || (path !== '/healthz' && path !== '/readyz')) return false;
    if (path === '/healthz') {
      send(res, 200, { ok: true });
      return true;
    }
    void this.readiness().then((r) => send(res, r.ok ? 200 : 503, r));
    return true;
  }

  /** Socket Mode has no HTTP receiver: serve the probes on their own port. */
  async listen(port: number, host?: string): Promise<{ server: Server; port: number }> {
    const server = createServer((req, res) => {
      if (!this.handle(req, res)) send(res, 404, { ok: false, error: 'not_found' });
    });
    await new Promise<void>((r) => server.listen(port, host, r));
    return { server, port: (server.address() as AddressInfo).port };
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
