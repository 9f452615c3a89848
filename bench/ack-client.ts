/**
 * The ack burst's client (bench/ack-generator.ts runs it in a process of its own): kept-alive
 * connections that send pre-built, pre-signed requests and read each response only as far as its
 * status and length, and the CPU time of a process from the kernel's per-thread run time.
 */
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/** CPU time of all threads of `pid`, in µs; where /proc has no schedstat (not Linux): its own from getrusage, or undefined. */
export function cpuUs(pid: number | 'self'): number | undefined {
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
export class Connection {
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
export function signedRequest(url: URL, body: string, secret: string): Buffer {
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
