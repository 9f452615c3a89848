/**
 * The sandbox page's own HTTP server (loopback only): the static page, the browser builds of the
 * Markdown renderer and sanitizer from node_modules, a JSON API that acts as a person in the fake
 * Slack, and a Server-Sent Events stream of every change.
 *
 * With HARNESS_ARN set the sandbox drives the real harness and FIS, so another web site must not be
 * able to drive it: every request must name a loopback Host with this port (a DNS-rebinding page
 * reaches us under its own host name), cross-site requests are refused (Origin / Sec-Fetch-Site), and
 * the API needs a token generated per run and handed only to the page itself.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SLASH_COMMANDS } from '../core/commands.ts';
import { INVESTIGATE_COMMAND } from '../slack/alerts.ts';
import { postAppMessage } from '../stand-ins/alert-sender.ts';
import type { FakeSlack } from '../stand-ins/fake-slack.ts';
import { agentRoute } from './agent-routes.ts';
import { DEMO_ALARMS } from './demo-alarms.ts';
import {
  channelFor,
  channelsFor,
  commandList,
  explainThreadCommand,
  tries,
  userGroups,
} from './page-state.ts';
import { BOT_NAME, PEOPLE } from './people.ts';
import type { Timeline, Update } from './timeline.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const PUBLIC_DIR = join(here, 'public');
const MODULES = join(here, '..', '..', 'node_modules');

/** Browser files by URL path: the page, and the ES module builds of the npm packages it uses. */
const FILES: Record<string, string> = {
  '/': join(PUBLIC_DIR, 'index.html'),
  '/app.css': join(PUBLIC_DIR, 'app.css'),
  '/app.js': join(PUBLIC_DIR, 'app.js'),
  '/state.js': join(PUBLIC_DIR, 'state.js'),
  '/messages.js': join(PUBLIC_DIR, 'messages.js'),
  '/composer.js': join(PUBLIC_DIR, 'composer.js'),
  '/render.js': join(PUBLIC_DIR, 'render.js'),
  '/emoji.js': join(PUBLIC_DIR, 'emoji.js'),
  '/agent.js': join(PUBLIC_DIR, 'agent.js'),
  '/vendor/marked.js': join(MODULES, 'marked', 'lib', 'marked.esm.js'),
  '/vendor/purify.js': join(MODULES, 'dompurify', 'dist', 'purify.es.mjs'),
  // A colour emoji web font from npm (Mozilla's Twemoji in COLRv0, which every Chromium build
  // renders), so emoji look the same on any machine and in the browser test's screenshots without a
  // system emoji font. app.css declares it for emoji code points only.
  '/vendor/twemoji.woff2': join(MODULES, 'twemoji-colr-font', 'twemoji.woff2'),
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface WebServerDeps {
  slack: FakeSlack;
  timeline: Timeline;
  /** Shown in the page's banner: 'emulator' or the real harness. */
  harnessLabel: string;
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

export async function startWebServer(deps: WebServerDeps, port: number): Promise<WebServer> {
  const streams = new Set<ServerResponse>();
  const token = randomBytes(24).toString('base64url');
  let listening = port;
  const server: Server = createServer((req, res) => {
    const refusal = refuseForeign(req, listening, token);
    if (refusal) return sendJson(res, 403, { ok: false, error: refusal });
    route(req, res, deps, streams, token).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: String(err) });
      else res.end();
    });
  });
  const heartbeat = setInterval(() => {
    for (const s of streams) s.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  listening = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async close() {
      clearInterval(heartbeat);
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  deps: WebServerDeps,
  streams: Set<ServerResponse>,
  token: string,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const file = FILES[url.pathname];
  if (req.method === 'GET' && file) {
    const found = await readFile(file).catch(() => undefined);
    if (!found) return sendJson(res, 404, { ok: false, error: 'not_found' });
    // The page is the only place the token is given out.
    const body = url.pathname === '/' ? withToken(found.toString('utf8'), token) : found;
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    res.end(body);
    return;
  }
  if (req.method === 'GET' && url.pathname === '/api/state') {
    const user = knownUser(url.searchParams.get('user'));
    return sendJson(res, 200, {
      me: user,
      people: PEOPLE,
      bot: { id: deps.slack.botUserId, name: BOT_NAME },
      channels: channelsFor(user),
      groups: userGroups(),
      tries: tries(deps.harnessLabel === 'emulator'),
      alarms: DEMO_ALARMS.map((a) => ({ id: a.id, label: a.label })),
      commands: commandList(),
      harness: deps.harnessLabel,
      messages: deps.timeline.messages(),
      ephemerals: deps.timeline.ephemeralsFor(user),
      sessions: deps.timeline.sessions(),
      home: deps.timeline.homeFor(user),
    });
  }
  if (req.method === 'GET' && url.pathname === '/api/stream') {
    return openStream(req, res, deps, streams, knownUser(url.searchParams.get('user')));
  }
  if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
    // JSON only: a cross-site form cannot post here without a CORS preflight, which is never granted.
    if (!String(req.headers['content-type']).startsWith('application/json')) {
      return sendJson(res, 415, { ok: false, error: 'send application/json' });
    }
    const body = JSON.parse(await readBody(req)) as Record<string, string | undefined>;
    const user = knownUser(body.user);
    const channel = channelFor(body.channel, user);
    const agent = await agentRoute(url.pathname, body, { user, channel }, deps);
    if (agent) return sendJson(res, agent.status, agent.body);
    switch (url.pathname) {
      case '/api/command': {
        const command = String(body.command ?? '');
        if (body.threadTs) {
          explainThreadCommand(deps.timeline, { channel, user, threadTs: body.threadTs, command });
          return sendJson(res, 200, { ok: false, error: 'command_in_thread' });
        }
        if (![...SLASH_COMMANDS, INVESTIGATE_COMMAND].includes(command)) {
          deps.timeline.addEphemeral({
            channel,
            user,
            text: `\`${command}\` is not a command here. Try ${SLASH_COMMANDS.map((c) => `\`${c}\``).join(', ')} (add \`help\` for usage).`,
          });
          return sendJson(res, 200, { ok: false, error: 'unknown_command' });
        }
        const r = await deps.slack.slashCommand({ command, text: String(body.text ?? ''), user, channel });
        return sendJson(res, 200, { ok: r.status === 200, status: r.status });
      }
      case '/api/message': {
        const text = String(body.text ?? '').trim();
        if (!text) return sendJson(res, 400, { ok: false, error: 'no_text' });
        const r = await deps.slack.userMessage({ user, channel, text, threadTs: body.threadTs || undefined });
        return sendJson(res, 200, { ok: true, ts: r.ts });
      }
      case '/api/stop-stream': {
        // Slack's own stop on a message that is still streaming (STREAM_MODE=native).
        const ts = String(body.messageTs ?? '');
        if (!deps.slack.message(channel, ts))
          return sendJson(res, 404, { ok: false, error: 'message_not_found' });
        try {
          deps.slack.stopStreamAsUser(channel, ts, user);
        } catch {
          return sendJson(res, 409, { ok: false, error: 'not_streaming' });
        }
        return sendJson(res, 200, { ok: true });
      }
      case '/api/alarm': {
        // Another app posts an alarm notification in the channel being read (not in a DM).
        const alarm = DEMO_ALARMS.find((a) => a.id === body.source);
        if (!alarm) return sendJson(res, 400, { ok: false, error: 'unknown_alarm' });
        const where = channelsFor(user).find((c) => c.id === channel)?.dm
          ? channelsFor(user)[0]!.id
          : channel;
        const r = await postAppMessage(deps.slack, alarm.message(Date.now()), where);
        return sendJson(res, 200, { ok: true, ts: r.ts, channel: where });
      }
      case '/api/click': {
        const r = await deps.slack.clickButton({
          user,
          channel,
          messageTs: String(body.messageTs ?? ''),
          actionId: String(body.actionId ?? ''),
          value: body.value,
        });
        return sendJson(res, 200, { ok: r.status === 200, status: r.status });
      }
    }
  }
  sendJson(res, 404, { ok: false, error: 'not_found' });
}

function openStream(
  req: IncomingMessage,
  res: ServerResponse,
  deps: WebServerDeps,
  streams: Set<ServerResponse>,
  user: string,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write('retry: 1000\n\n');
  const send = (u: Update) => {
    if (u.kind === 'ephemeral' && u.ephemeral.user !== user) return;
    if (u.kind === 'home' && u.home.user !== user) return;
    const data =
      u.kind === 'message'
        ? u.message
        : u.kind === 'ephemeral'
          ? u.ephemeral
          : u.kind === 'session'
            ? u.session
            : u.home;
    res.write(`event: ${u.kind}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  deps.timeline.on('update', send);
  streams.add(res);
  req.on('close', () => {
    deps.timeline.off('update', send);
    streams.delete(res);
  });
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** Why a request is refused (a foreign host or site, or no token for the API), or undefined. */
function refuseForeign(req: IncomingMessage, port: number, token: string): string | undefined {
  const allowed = LOOPBACK_HOSTS.map((h) => `${h}:${port}`);
  if (!allowed.includes((req.headers.host ?? '').toLowerCase())) return 'foreign_host';
  const origin = req.headers.origin;
  if (origin !== undefined && !allowed.some((h) => origin.toLowerCase() === `http://${h}`))
    return 'cross_origin';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'cross_site';
  const path = (req.url ?? '/').split('?')[0]!;
  if (path.startsWith('/api/')) {
    const given =
      (req.headers['x-sandbox-token'] as string | undefined) ??
      new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ??
      '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return 'missing_or_wrong_token';
  }
  return undefined;
}

function withToken(html: string, token: string): string {
  return html.replace('<head>', `<head>\n    <meta name="sandbox-token" content="${token}" />`);
}

function knownUser(id: string | null | undefined): string {
  return PEOPLE.find((p) => p.id === id)?.id ?? PEOPLE[0]!.id;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
