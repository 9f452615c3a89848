/**
 * A server that announces `Keep-Alive: timeout=2` considers the connection dead after 2 s; if the
 * client sends on it later (the server's FIN not yet seen, as on a busy event loop), the request is
 * lost with "socket hang up". InvokeHarness is sent once (a turn is not idempotent), so the bot must
 * never reuse a connection past the server's announced keep-alive.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { afterEach, describe, expect, it } from 'vitest';
import { keepAliveAgents } from '../../src/adapters/keep-alive-agents.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** Answers with a 2 s keep-alive hint, and drops any request that arrives on a connection older than that. */
function strictServer(): Promise<number> {
  const idleSince = new WeakMap<object, number>();
  server = createServer((req, res) => {
    const sock = req.socket;
    const since = idleSince.get(sock);
    if (since !== undefined && Date.now() - since > 2_000) {
      sock.destroy();
      return;
    }
    res.setHeader('keep-alive', 'timeout=2');
    res.end('ok', () => idleSince.set(sock, Date.now()));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((r) => server!.listen(0, '127.0.0.1', () => r((server!.address() as AddressInfo).port)));
}

/** One GET, its body read to the end (so the connection goes back to the pool). */
async function get(h: NodeHttpHandler, port: number): Promise<number> {
  const { response } = await h.handle(
    new HttpRequest({ protocol: 'http:', hostname: '127.0.0.1', port, method: 'GET', path: '/' }),
  );
  for await (const _ of response.body as AsyncIterable<unknown>);
  return response.statusCode;
}

describe('keep-alive connections of the bot’s AWS clients', () => {
  it('are not reused past the server’s announced keep-alive', async () => {
    const port = await strictServer();
    const h = new NodeHttpHandler({ ...keepAliveAgents(), socketTimeout: 30_000 });
    expect(await get(h, port)).toBe(200);
    await new Promise((r) => setTimeout(r, 2_300));
    expect(await get(h, port)).toBe(200);
    h.destroy();
  });

  it('are reused while the server keeps them', async () => {
    const port = await strictServer();
    let connections = 0;
    server!.on('connection', () => connections++);
    const h = new NodeHttpHandler({ ...keepAliveAgents(), socketTimeout: 30_000 });
    await get(h, port);
    await new Promise((r) => setTimeout(r, 200));
    await get(h, port);
    expect(connections).toBe(1);
    h.destroy();
  });
});
