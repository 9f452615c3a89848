/**
 * The ack burst's load generator, in a process of its own (forked by bench/ack-burst.ts): apart from
 * the bot, and apart from the stand-ins (the counting DynamoDB, the fake Slack's Web API, the
 * harness emulator), whose work after the acks would otherwise delay the reading of later acks.
 *
 * On 2 cores the generator's CPU competes with the bot's, so it does as little as a client can:
 * every request is built and signed into one buffer before the clock starts, each is one write on
 * a connection opened beforehand and kept alive (as Slack keeps connections to a busy app open), and
 * a response is read only as far as its status line and Content-Length. node:http's client spent
 * more per request than the bot did (bench/results.md of 2026-11-30: 695 µs against the bot's 794).
 * An ack's time is from its request being written to its response having ended.
 *
 * CPU time is read from the kernel's per-thread run time (/proc/<pid>/task/<tid>/schedstat, ns) of
 * both processes at the first write and at the last response: the bot's work after the acks (its
 * duplicate checks, Bolt's pass, the runs) is then not counted as the acks' cost, as it was when the
 * bench process asked the bot for its usage some time after the burst.
 */
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** CPU time of all threads of `pid`, in µs; where /proc has no schedstat (not Linux): its own from getrusage, or undefined. */
function cpuUs(pid: number | 'self'): number | undefined {
  const fallback = () => {
    if (pid !== 'self') return undefined;
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    }
    return ns / 1000;
  } catch {
    return fallback();
  }
}

/** One kept-alive connection, one request in flight at a time (HTTP/1.1 without pipelining). */
class Connection {
  private readonly socket: Socket;
  private received: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (ms: number) => void; reject: (e: Error) => void; started: number } | undefined;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.read(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => {
      this.closed = true;
      this.fail(new Error('the bot closed the connection before answering'));
    });
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new Connection(s)));
      s.once('error', reject);
    });
  }

  send(request: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject, started: performance.now() };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(err: Error): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(err);
  }

  /**
   * Completes the request once the whole response is in: its head, then Content-Length bytes of body,
   * or a chunked body up to its last chunk (the bot's bodies are JSON, in which CR LF never occurs raw).
   */
  private read(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    const headEnd = this.received.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.received.subarray(0, headEnd).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let end: number;
    if (length) end = headEnd + 4 + Number(length[1]);
    else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const last = this.received.indexOf('0\r\n\r\n', headEnd + 4);
      if (last < 0 || (last > headEnd + 4 && this.received[last - 1] !== 0x0a)) return;
      end = last + 5;
    } else {
      this.fail(new Error(`a response without a body length: ${head.split('\r\n')[0]}`));
      return;
    }
    if (this.received.length < end) return;
    this.received = this.received.subarray(end);
    const w = this.waiting;
    this.waiting = undefined;
    if (!w) return;
    const status = head.slice(9, 12);
    if (status === '200') w.resolve(performance.now() - w.started);
    else w.reject(new Error(`HTTP ${status}`));
  }
}

/** The request's bytes, signed as Slack signs them (timestamp and HMAC over `v0:<ts>:<body>`). */
function signedRequest(url: URL, body: string, secret: string): Buffer {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  const head = [
    `POST ${url.pathname} HTTP/1.1`,
    `host: ${url.host}`,
    'content-type: application/x-www-form-urlencoded',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-slack-request-timestamp: ${ts}`,
    `x-slack-signature: ${signature}`,
    'connection: keep-alive',
  ].join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}`);
}

let pool: Connection[] = [];

/** As many open connections as requests; closed ones (the bot's keep-alive timeout) are replaced. */
async function connections(port: number, count: number): Promise<Connection[]> {
  pool = pool.filter((c) => !c.closed);
  const missing = Math.max(0, count - pool.length);
  pool.push(...(await Promise.all(Array.from({ length: missing }, () => Connection.open(port)))));
  return pool.slice(0, count);
}

type Round = { type: 'round'; url: string; secret: string; forms: string[]; botPid?: number };

process.on('message', async (m: Round | { type: 'stop' }) => {
  if (m.type === 'stop') {
    for (const c of pool) c.close();
    process.exit(0);
  }
  if (m.type !== 'round') return;
  const url = new URL(m.url);
  const requests = m.forms.map((f) => signedRequest(url, f, m.secret));
  const conns = await connections(Number(url.port), requests.length);
  const bot0 = m.botPid ? cpuUs(m.botPid) : undefined;
  const gen0 = cpuUs('self');
  let left = requests.length;
  let bot1: number | undefined;
  let gen1: number | undefined;
  const ms = await Promise.all(
    requests.map((r, i) =>
      conns[i]!.send(r).then((t) => {
        left -= 1;
        if (left === 0) {
          gen1 = cpuUs('self');
          bot1 = m.botPid ? cpuUs(m.botPid) : undefined;
        }
        return t;
      }),
    ),
  );
  process.send?.({
    type: 'round',
    ms: ms.map((x) => Math.round(x)),
    cpuUs: gen0 !== undefined && gen1 !== undefined ? gen1 - gen0 : undefined,
    botCpuUs: bot0 !== undefined && bot1 !== undefined ? bot1 - bot0 : undefined,
  });
});
process.send?.({ type: 'ready' });
