/**
 * The ack burst's client (bench/ack-client.ts): its hand-written request must be one the bot's
 * request guard accepts (Slack's signature scheme), and its minimal response reading must end each
 * request at the real end of the response, whichever framing node:http chose, and fail on non-200.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, cpuUs, signedRequest } from '../../bench/ack-client.ts';
import { guardSlackRequests } from '../../src/slack/request-guard.ts';

const SECRET = 'test-signing-secret';
const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
let server: Server | undefined;

afterEach(() => server?.close());

/** A server behind the bot's request guard; `answer` writes the response of each verified request. */
async function guarded(answer: (n: number, res: import('node:http').ServerResponse) => void) {
  let n = 0;
  const listener = guardSlackRequests(
    (_req, res) => {
      res.writeHead(404);
      res.end();
    },
    {
      signingSecret: SECRET,
      paths: ['/slack/events'],
      bodyLimitBytes: 64_000,
      maxUnauthenticated: 100,
      bodyTimeoutMs: 5_000,
      toleranceSeconds: 300,
      log: silent,
      verified: (_req, res) => {
        answer(n++, res);
        return true;
      },
    },
  );
  server = createServer(listener);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/slack/events`);
}

const form = 'command=%2Fassess&text=help&team_id=T1&channel_id=C1&user_id=U1';

describe('the ack burst client', () => {
  it('is accepted by the request guard and reads chunked, fixed-length and empty responses to their end', async () => {
    const url = await guarded((n, res) => {
      if (n % 3 === 0) {
        // writeHead before the body: node:http sends it chunked.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text: 'chunked\r\n0\r\n\r\n looking text' }));
      } else if (n % 3 === 1) res.end(JSON.stringify({ text: 'fixed length' }));
      else {
        res.writeHead(200);
        res.end();
      }
    });
    const conn = await Connection.open(Number(url.port));
    // Six requests one after another on one kept-alive connection: each ends where its response ends,
    // or a later one would read the rest of an earlier response (or never complete).
    for (let i = 0; i < 6; i++) {
      const ms = await conn.send(signedRequest(url, form, SECRET));
      expect(ms).toBeGreaterThanOrEqual(0);
    }
    conn.close();
  });

  it('fails a request the bot refuses (a wrong signature gets 401)', async () => {
    const url = await guarded((_n, res) => res.end());
    const conn = await Connection.open(Number(url.port));
    await expect(conn.send(signedRequest(url, form, 'another-secret'))).rejects.toThrow('HTTP 401');
    conn.close();
  });

  it('reads a process’s CPU time, which grows as it works', () => {
    const before = cpuUs('self')!;
    let x = 0;
    for (let i = 0; i < 5_000_000; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    expect(cpuUs('self')! - before).toBeGreaterThan(1_000);
  });
});
