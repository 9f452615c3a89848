/**
 * The sandbox page's server cannot be driven from another web site: a DNS-rebinding page (a foreign
 * Host), a cross-site request (a foreign Origin or Sec-Fetch-Site), or a request without the per-run
 * token the page carries is refused and changes nothing.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSandboxConfig } from '../../src/config.ts';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.ts';

function call(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        // The event stream never ends by itself: its status is enough.
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          resolve({ status: res.statusCode ?? 0, body: '' });
          res.destroy();
        }
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('sandbox server against other web sites', () => {
  let sandbox: Sandbox;
  let port: number;
  let token: string;
  const host = () => `127.0.0.1:${port}`;
  const command = JSON.stringify({ command: '/assess', text: 'eks rebinding-test', user: 'U0ALICE01' });
  const roots = () => sandbox.slack.rootMessages('C0GENERAL').length + sandbox.slack.ephemerals.length;

  beforeAll(async () => {
    sandbox = await startSandbox(
      loadSandboxConfig({ SANDBOX_PORT: '0', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      { timeScale: 0.1 },
    );
    port = Number(new URL(sandbox.url).port);
    const page = await call(port, { path: '/', headers: { host: host() } });
    expect(page.status).toBe(200);
    token = /<meta name="sandbox-token" content="([^"]+)"/.exec(page.body)?.[1] ?? 'no-token-in-page';
  }, 60_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('refuses a foreign Host (DNS rebinding) for the page and the API', async () => {
    for (const h of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1:${port + 1}`]) {
      expect((await call(port, { path: '/', headers: { host: h } })).status).toBe(403);
      const before = roots();
      const r = await call(port, {
        method: 'POST',
        path: '/api/command',
        headers: { host: h, 'content-type': 'application/json', 'x-sandbox-token': token },
        body: command,
      });
      expect(r.status).toBe(403);
      expect(roots()).toBe(before);
    }
  });

  it('refuses cross-site requests and API calls without the page’s token', async () => {
    const base = { host: host(), 'content-type': 'application/json' };
    const cases: Array<Record<string, string>> = [
      { ...base, origin: 'http://attacker.example', 'x-sandbox-token': token },
      { ...base, 'sec-fetch-site': 'cross-site', 'x-sandbox-token': token },
      { ...base },
      { ...base, 'x-sandbox-token': 'guessed' },
    ];
    for (const headers of cases) {
      const before = roots();
      const r = await call(port, { method: 'POST', path: '/api/command', headers, body: command });
      expect(r.status).toBe(403);
      expect(roots()).toBe(before);
    }
    expect((await call(port, { path: '/api/state', headers: { host: host() } })).status).toBe(403);
    expect((await call(port, { path: '/api/stream', headers: { host: host() } })).status).toBe(403);
  });

  it('serves the page’s own same-origin requests with the token', async () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const origin = { host: `localhost:${port}`, origin: `http://localhost:${port}` };
    const state = await call(port, { path: '/api/state', headers: { ...origin, 'x-sandbox-token': token } });
    expect(state.status).toBe(200);
    const stream = await call(port, { path: `/api/stream?token=${token}`, headers: { host: host() } });
    expect(stream.status).toBe(200);
    const r = await call(port, {
      method: 'POST',
      path: '/api/command',
      headers: {
        ...origin,
        'content-type': 'application/json',
        'x-sandbox-token': token,
        'sec-fetch-site': 'same-origin',
      },
      body: command,
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true });
  });
});
