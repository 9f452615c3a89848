/**
 * Unauthenticated traffic against the HTTP receiver, with the bot as a real child process (so its
 * memory is its own): floods of large unsigned and forged requests, trickled bodies and headers.
 * Everything stays on loopback and is bounded (120 requests of 3.9 MB, as the review's attack).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { freePort } from '../helpers/processes.ts';
import { HARNESS_ARN, SIGNING_SECRET } from '../helpers/rig.ts';

const root = join(import.meta.dirname, '..', '..');
/** The stated bound: the whole flood may add at most this much resident memory to the bot. */
const MEMORY_BOUND_MB = 64;
const ATTACKERS = 120;
const BODY = randomBytes(3.9 * 1024 * 1024 * 0.75).toString('base64'); // ~3.9 MB of text

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** One POST; resolves with the status (or 0 when the bot closed the connection first). */
function post(
  port: number,
  headers: Record<string, string>,
  body: string,
  opts: { chunked?: boolean } = {},
): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/slack/events',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    if (opts.chunked) {
      const step = 256 * 1024;
      let at = 0;
      const pump = () => {
        while (at < body.length) {
          const ok = req.write(body.slice(at, at + step));
          at += step;
          if (!ok) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    } else req.end(body);
  });
}

function forgedHeaders(): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
    'x-slack-signature': `v0=${randomBytes(32).toString('hex')}`,
  };
}

function signed(body: string, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
  };
}

/** Opens a raw connection, sends `head` and then one byte a second; resolves when the bot closes it. */
function trickle(port: number, head: string): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    const drip = setInterval(() => socket.write('a'), 1000);
    const done = () => {
      clearInterval(drip);
      resolve(Date.now() - started);
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
  });
}

describe('the HTTP receiver under unauthenticated load', () => {
  let slack: FakeSlack;
  let harness: HarnessEmulator;
  let child: ChildProcess;
  let port: number;
  let output = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'bot-abuse-'));

  beforeAll(async () => {
    slack = new FakeSlack();
    await slack.start();
    harness = new HarnessEmulator({ harnessArn: HARNESS_ARN });
    await harness.start();
    port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        HARNESS_ARN,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: harness.url,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'example-secret',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 45_000;
    for (;;) {
      const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the bot did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await slack?.stop();
    await harness?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`a flood of ${ATTACKERS} concurrent 3.9 MB unsigned, forged and chunked requests adds under ${MEMORY_BOUND_MB} MB and is refused`, async () => {
    // Let startup settle, then take the baseline.
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = rssMb(child.pid!);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(child.pid!));
    }, 20);
    const statuses = await Promise.all(
      Array.from({ length: ATTACKERS }, (_, i) =>
        i % 3 === 0
          ? post(port, {}, BODY)
          : i % 3 === 1
            ? post(port, forgedHeaders(), BODY)
            : post(port, forgedHeaders(), BODY, { chunked: true }),
      ),
    );
    // A moment for anything retained to show.
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(child.pid!));
    const growth = peak - baseline;
    console.log(
      `receiver flood: baseline ${baseline.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (+${growth.toFixed(0)} MB)`,
    );
    expect(statuses.every((s) => s !== 200)).toBe(true);
    expect(growth).toBeLessThan(MEMORY_BOUND_MB);
    // And the bot still answers Slack: a signed request is served.
    const challenge = JSON.stringify({ type: 'url_verification', challenge: 'still-here', token: 't' });
    expect(await post(port, signed(challenge), challenge)).toBe(200);
    expect(child.exitCode).toBeNull();
  }, 120_000);

  it('trickled bodies and headers are cut off within seconds, not kept open for minutes', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const body = `POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\nx-slack-request-timestamp: ${ts}\r\nx-slack-signature: v0=${'0'.repeat(64)}\r\n\r\n{`;
    const headers = 'POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nx-slack-';
    const held = await Promise.all([
      ...Array.from({ length: 10 }, () => trickle(port, body)),
      ...Array.from({ length: 10 }, () => trickle(port, headers)),
    ]);
    console.log(`trickled connections closed after at most ${Math.max(...held)} ms`);
    expect(Math.max(...held)).toBeLessThan(15_000);
    expect(child.exitCode).toBeNull();
  }, 60_000);

  it('a signed body of null or with a timestamp from the future is refused and the bot keeps serving', async () => {
    expect(await post(port, signed('null'), 'null')).toBe(400);
    const future = JSON.stringify({ type: 'url_verification', challenge: 'from-the-future', token: 't' });
    expect(await post(port, signed(future, Math.floor(Date.now() / 1000) + 3600), future)).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(child.exitCode).toBeNull();
    const ok = JSON.stringify({ type: 'url_verification', challenge: 'fine', token: 't' });
    expect(await post(port, signed(ok), ok)).toBe(200);
  }, 30_000);
});
