/**
 * The fake Slack's HTTP side: one server for the Web API (/api/<method>, with the token taken from
 * the Authorization header or the form, and the rate limits checked before the method runs), the
 * response_url and file-upload endpoints it hands out, and the Socket Mode WebSocket at /socket.
 * Split from fake-slack.ts so the wiring there does not mix with request handling.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebApiRouter } from './fake-slack-api.ts';
import type { SlackDelivery } from './fake-slack-delivery.ts';
import { json, parseParams, readBody } from './fake-slack-http.ts';
import type { SlackInteractions } from './fake-slack-interactions.ts';
import type { SlowAnswers } from './fake-slack-latency.ts';
import type { RateLimiter } from './fake-slack-rate-limits.ts';
import type { ApiCall } from './fake-slack-types.ts';

export interface ServerHost {
  readonly botToken: string;
  readonly scopes: Set<string>;
  /** Every Web API call is recorded here, refused ones too. */
  readonly calls: ApiCall[];
  readonly uploads: Map<string, { name: string; length: number; content?: string; completed?: boolean }>;
}

export interface ServerParts {
  api: WebApiRouter;
  limiter: RateLimiter;
  interactions: SlackInteractions;
  delivery: SlackDelivery;
  slow: SlowAnswers;
}

export class SlackHttpServer {
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;

  constructor(
    private readonly host: ServerHost,
    private readonly parts: ServerParts,
  ) {}

  /** Listens on 127.0.0.1 and resolves to the base URL. */
  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fatal_error', detail: String(err) }));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.parts.delivery.attach(this.wss);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Drops every connection (sockets included) rather than waiting for clients to let go. */
  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    if (url.pathname.startsWith('/response/'))
      return this.parts.interactions.handleResponseUrl(url.pathname.slice(10), raw, res);
    if (url.pathname.startsWith('/upload/')) {
      const up = this.host.uploads.get(url.pathname.slice(8));
      if (!up || req.method !== 'POST') return json(res, 404, { ok: false, error: 'not_found' });
      up.content = raw;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${Buffer.byteLength(raw)}`);
      return;
    }
    if (!url.pathname.startsWith('/api/')) return json(res, 404, { ok: false, error: 'not_found' });
    const method = url.pathname.slice(5);
    const params = parseParams(raw, req.headers['content-type'] ?? '');
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : (params.token as string | undefined);
    const call: ApiCall = { method, params, token, at: Date.now(), status: 200 };
    this.host.calls.push(call);

    const retryAfter = this.parts.limiter.check(method, params);
    if (retryAfter !== undefined) {
      call.status = 429;
      call.error = 'ratelimited';
      call.response = { ok: false, error: 'ratelimited' };
      res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify(call.response));
      return;
    }
    const result = this.parts.api.dispatch(method, params, token);
    if (result.ok === false) call.error = String(result.error);
    call.response = result;
    // The call has taken effect; only its answer is late (the client may have given up by then).
    const late = this.parts.slow.delayFor(method, params);
    if (late > 0) {
      await new Promise((r) => setTimeout(r, late));
      if (res.destroyed) return;
    }
    // Slack names the token's scopes on every answer (X-OAuth-Scopes), as the scope docs describe.
    if (token === this.host.botToken) res.setHeader('x-oauth-scopes', [...this.host.scopes].join(','));
    json(res, 200, result);
  }
}
