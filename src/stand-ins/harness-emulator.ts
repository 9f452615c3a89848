/**
 * A local stand-in for the AgentCore harness data plane. It speaks the real wire protocol
 * (rest-json errors before the stream, AWS event-stream frames after it), so the real
 * @aws-sdk/client-bedrock-agentcore runs unmodified against it via AWS_ENDPOINT_URL_BEDROCK_AGENTCORE.
 *
 * Behaviour copied from the service where it is documented: request validation (harness ARN,
 * session id 33–100 chars of [a-zA-Z0-9][a-zA-Z0-9-_]*, non-empty messages), SigV4 required,
 * modeled errors with x-amzn-errortype, in-stream exceptions, and an invocation-rate limit.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export type Step =
  /** An event of the InvokeHarnessStreamOutput union, e.g. { event: 'messageStop', data: { stopReason: 'end_turn' } }. */
  | { event: string; data: unknown }
  /** A modeled in-stream exception frame (internalServerException, validationException, runtimeClientError). */
  | { exception: string; data: { message: string; [k: string]: unknown } }
  /** An unmodeled error frame. */
  | { error: string; message: string }
  | { delayMs: number }
  /** Drop the TCP connection without finishing the stream. */
  | { cut: true }
  /** Write half a frame, then end the response. */
  | { truncate: true }
  /** Hold the stream open and silent until the client goes away. */
  | { hang: true }
  /** The agent writes a file in the session's filesystem (readable with InvokeAgentRuntimeCommand). */
  | { writeFile: { path: string; content: string } };

/** What an invocation answers: an HTTP error before the stream, or a stream script. */
export type Reply = { status: number; errorType: string; message: string } | { steps: Step[] };

export interface Invocation {
  id: string;
  harnessArn: string;
  qualifier: string | undefined;
  sessionId: string;
  userId: string | undefined;
  authorization: string | undefined;
  body: HarnessRequestBody;
  startedAt: number;
  endedAt?: number;
  status: number;
  /** True when the client disconnected before the script finished. */
  clientAborted?: boolean;
}

export interface HarnessRequestBody {
  messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
  skills?: Array<{ path?: string }>;
  tools?: unknown[];
  allowedTools?: string[];
  maxIterations?: number;
  timeoutSeconds?: number;
  [k: string]: unknown;
}

export type Scenario = (inv: Invocation) => Reply;

/** One InvokeAgentRuntimeCommand call the emulator answered. */
export interface CommandCall {
  harnessArn: string;
  sessionId: string;
  command: string;
  timeout?: number;
  exitCode: number;
}

export interface HarnessEmulatorOptions {
  harnessArn: string;
  /** Picks the reply for an invocation that no test queued one for. */
  defaultScenario?: Scenario;
  /** Invocations per second per harness before ThrottlingException (the service default is 25). */
  maxInvocationsPerSecond?: number;
  /** Multiplies every delay in scripts; 0 streams as fast as possible. */
  timeScale?: number;
  /** Called after each stream event is written (the benchmark times text production with it). */
  onEvent?: (sessionId: string, step: { event: string; data: unknown }, at: number) => void;
}

const SESSION_ID = /^[a-zA-Z0-9][a-zA-Z0-9-_]*$/;

export class HarnessEmulator {
  readonly invocations: Invocation[] = [];
  private server: Server | undefined;
  private readonly queued: Scenario[] = [];
  private readonly codec = new EventStreamCodec(toUtf8, fromUtf8);
  private readonly recent: number[] = [];
  private readonly active = new Map<string, number>();
  readonly commands: CommandCall[] = [];
  /** Each session's files (path → content), written by scripts' writeFile steps or by tests. */
  readonly files = new Map<string, Map<string, string>>();
  /** Highest number of simultaneous invocations seen on any one session. */
  maxConcurrentPerSession = 0;
  /** Session ids ended with StopRuntimeSession. */
  readonly stoppedSessions: string[] = [];
  url = '';

  constructor(private readonly options: HarnessEmulatorOptions) {}

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(err) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next invocation (after earlier queued ones) answers with this scenario. */
  enqueue(reply: Reply | Scenario): void {
    this.queued.push(typeof reply === 'function' ? reply : () => reply);
  }

  /** Resolves when `n` invocations have finished (stream ended or failed). */
  async waitForInvocations(n: number, timeoutMs = 10_000): Promise<Invocation[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.invocations.filter((i) => i.endedAt !== undefined).length < n) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${n} harness invocations (have ${this.invocations.length})`);
      }
      await sleep(10);
    }
    return this.invocations;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    const stop = /^\/runtimes\/([^/]+)\/stopruntimesession$/.exec(url.pathname);
    if (req.method === 'POST' && stop) return this.stopSession(decodeURIComponent(stop[1]!), req, res);
    const commandPath = /^\/runtimes\/([^/]+)\/commands$/.exec(url.pathname);
    if (req.method === 'POST' && commandPath)
      return this.handleCommand(req, res, decodeURIComponent(commandPath[1]!), raw);
    if (req.method !== 'POST' || url.pathname !== '/harnesses/invoke') {
      return sendError(
        res,
        404,
        'UnknownOperationException',
        `No operation at ${req.method} ${url.pathname}`,
      );
    }
    const authorization = header(req, 'authorization');
    if (!authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
      return sendError(res, 403, 'AccessDeniedException', 'Missing Authentication Token');
    }
    const harnessArn = url.searchParams.get('harnessArn') ?? '';
    const sessionId = header(req, 'x-amzn-bedrock-agentcore-runtime-session-id') ?? '';
    let body: HarnessRequestBody;
    try {
      body = JSON.parse(raw) as HarnessRequestBody;
    } catch {
      return sendError(res, 400, 'ValidationException', 'Request body is not valid JSON');
    }
    const inv: Invocation = {
      id: randomUUID(),
      harnessArn,
      qualifier: url.searchParams.get('qualifier') ?? undefined,
      sessionId,
      userId: header(req, 'x-amzn-bedrock-agentcore-runtime-user-id'),
      authorization,
      body,
      startedAt: Date.now(),
      status: 200,
    };
    this.invocations.push(inv);
    const finish = (status: number) => {
      inv.status = status;
      inv.endedAt = Date.now();
    };

    const problem = this.validate(inv);
    if (problem) {
      sendError(res, problem.status, problem.errorType, problem.message);
      return finish(problem.status);
    }
    if (this.rateLimited()) {
      sendError(res, 429, 'ThrottlingException', 'Rate exceeded for InvokeHarness');
      return finish(429);
    }
    const scenario = this.queued.shift() ?? this.options.defaultScenario ?? defaultEcho;
    const reply = scenario(inv);
    if ('status' in reply) {
      sendError(res, reply.status, reply.errorType, reply.message);
      return finish(reply.status);
    }

    const concurrent = (this.active.get(sessionId) ?? 0) + 1;
    this.active.set(sessionId, concurrent);
    this.maxConcurrentPerSession = Math.max(this.maxConcurrentPerSession, concurrent);
    let gone = false;
    res.on('close', () => {
      if (!res.writableFinished) gone = true;
    });
    try {
      res.writeHead(200, {
        'content-type': 'application/vnd.amazon.eventstream',
        'x-amzn-requestid': inv.id,
      });
      await this.play(reply.steps, res, () => gone, sessionId);
    } finally {
      this.active.set(sessionId, (this.active.get(sessionId) ?? 1) - 1);
      inv.clientAborted = gone;
      finish(200);
    }
  }

  /** StopRuntimeSession: ends the session's microVM; its conversation is gone afterwards. */
  private stopSession(arn: string, req: IncomingMessage, res: ServerResponse) {
    if (!header(req, 'authorization')?.startsWith('AWS4-HMAC-SHA256 ')) {
      return sendError(res, 403, 'AccessDeniedException', 'Missing Authentication Token');
    }
    if (arn !== this.options.harnessArn)
      return sendError(res, 404, 'ResourceNotFoundException', `Runtime not found: ${arn}`);
    const id = header(req, 'x-amzn-bedrock-agentcore-runtime-session-id') ?? '';
    if (!this.invocations.some((i) => i.sessionId === id)) {
      return sendError(res, 404, 'ResourceNotFoundException', `Runtime session ${id} not found`);
    }
    this.stoppedSessions.push(id);
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-amzn-bedrock-agentcore-runtime-session-id': id,
    });
    res.end(JSON.stringify({ statusCode: 200 }));
  }

  /** Writes a file into a session's filesystem. */
  writeFile(sessionId: string, path: string, content: string): void {
    let fs = this.files.get(sessionId);
    if (!fs) {
      fs = new Map();
      this.files.set(sessionId, fs);
    }
    fs.set(path, content);
  }

  /**
   * InvokeAgentRuntimeCommand: a tiny shell over the session's files (`ls` of a glob, `cat` of a
   * path), answered as the service does: `chunk` events with contentStart, contentDelta
   * (stdout/stderr) and contentStop (exitCode, status).
   */
  private async handleCommand(
    req: IncomingMessage,
    res: ServerResponse,
    arn: string,
    raw: string,
  ): Promise<void> {
    if (!header(req, 'authorization')?.startsWith('AWS4-HMAC-SHA256 ')) {
      return sendError(res, 403, 'AccessDeniedException', 'Missing Authentication Token');
    }
    if (arn !== this.options.harnessArn) {
      return sendError(res, 404, 'ResourceNotFoundException', `Harness not found: ${arn}`);
    }
    const sessionId = header(req, 'x-amzn-bedrock-agentcore-runtime-session-id') ?? '';
    if (sessionId.length < 33 || sessionId.length > 256 || !SESSION_ID.test(sessionId)) {
      return sendError(
        res,
        400,
        'ValidationException',
        `Value '${sessionId}' at 'runtimeSessionId' failed to satisfy constraint`,
      );
    }
    let body: { command?: string; timeout?: number };
    try {
      body = JSON.parse(raw) as { command?: string; timeout?: number };
    } catch {
      return sendError(res, 400, 'ValidationException', 'Request body is not valid JSON');
    }
    const command = body.command ?? '';
    if (command.length < 1 || command.length > 65_536) {
      return sendError(res, 400, 'ValidationException', 'command must have length between 1 and 65536');
    }
    const out = this.shell(sessionId, command);
    this.commands.push({
      harnessArn: arn,
      sessionId,
      command,
      timeout: body.timeout,
      exitCode: out.exitCode,
    });
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-bedrock-agentcore-runtime-session-id': sessionId,
    });
    res.write(this.frame('event', 'chunk', { contentStart: {} }));
    // Output arrives in pieces, as from a real process.
    for (let i = 0; i < out.stdout.length; i += 4096) {
      res.write(this.frame('event', 'chunk', { contentDelta: { stdout: out.stdout.slice(i, i + 4096) } }));
    }
    if (out.stderr) res.write(this.frame('event', 'chunk', { contentDelta: { stderr: out.stderr } }));
    res.write(this.frame('event', 'chunk', { contentStop: { exitCode: out.exitCode, status: 'COMPLETED' } }));
    res.end();
  }

  private shell(sessionId: string, command: string): { stdout: string; stderr: string; exitCode: number } {
    const fs = this.files.get(sessionId) ?? new Map<string, string>();
    const ls = /^ls -1d? (?:-- )?'?([^'\s]+)'?(?: 2>\/dev\/null)?$/.exec(command.trim());
    if (ls) {
      const re = new RegExp(`^${ls[1]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
      const hits = [...fs.keys()].filter((p) => re.test(p)).sort();
      if (hits.length === 0)
        return {
          stdout: '',
          stderr: `ls: cannot access '${ls[1]}': No such file or directory\n`,
          exitCode: 2,
        };
      return { stdout: hits.map((h) => `${h}\n`).join(''), stderr: '', exitCode: 0 };
    }
    const cat = /^cat (?:-- )?'([^']+)'$/.exec(command.trim());
    if (cat) {
      const content = fs.get(cat[1]!);
      if (content === undefined)
        return { stdout: '', stderr: `cat: ${cat[1]}: No such file or directory\n`, exitCode: 1 };
      return { stdout: content, stderr: '', exitCode: 0 };
    }
    return {
      stdout: '',
      stderr: `sh: ${command.split(' ')[0]}: command not supported by the emulator\n`,
      exitCode: 127,
    };
  }

  private async play(steps: Step[], res: ServerResponse, gone: () => boolean, sessionId = ''): Promise<void> {
    const scale = this.options.timeScale ?? 1;
    for (const step of steps) {
      if (gone()) return;
      if ('writeFile' in step) {
        this.writeFile(sessionId, step.writeFile.path, step.writeFile.content);
      } else if ('delayMs' in step) {
        await sleep(step.delayMs * scale);
      } else if ('cut' in step) {
        res.socket?.destroy();
        return;
      } else if ('truncate' in step) {
        const frame = this.frame('event', 'contentBlockDelta', {
          contentBlockIndex: 0,
          delta: { text: 'x' },
        });
        res.end(frame.subarray(0, Math.floor(frame.length / 2)));
        return;
      } else if ('hang' in step) {
        while (!gone()) await sleep(20);
        return;
      } else if ('event' in step) {
        res.write(this.frame('event', step.event, step.data));
        this.options.onEvent?.(sessionId, step, Date.now());
      } else if ('exception' in step) {
        res.write(this.frame('exception', step.exception, step.data));
      } else {
        res.write(
          this.codec.encode({
            headers: {
              ':message-type': { type: 'string', value: 'error' },
              ':error-code': { type: 'string', value: step.error },
              ':error-message': { type: 'string', value: step.message },
            },
            body: new Uint8Array(0),
          }),
        );
      }
    }
    res.end();
  }

  private frame(kind: 'event' | 'exception', type: string, data: unknown): Buffer {
    return Buffer.from(
      this.codec.encode({
        headers: {
          ':message-type': { type: 'string', value: kind },
          [kind === 'event' ? ':event-type' : ':exception-type']: { type: 'string', value: type },
          ':content-type': { type: 'string', value: 'application/json' },
        },
        body: fromUtf8(JSON.stringify(data)),
      }),
    );
  }

  private validate(inv: Invocation): { status: number; errorType: string; message: string } | undefined {
    if (inv.harnessArn !== this.options.harnessArn) {
      return {
        status: 404,
        errorType: 'ResourceNotFoundException',
        message: `Harness not found: ${inv.harnessArn}`,
      };
    }
    const id = inv.sessionId;
    if (id.length < 33 || id.length > 100 || !SESSION_ID.test(id)) {
      return {
        status: 400,
        errorType: 'ValidationException',
        message: `1 validation error detected: Value '${id}' at 'runtimeSessionId' failed to satisfy constraint: Member must have length between 33 and 100 and match [a-zA-Z0-9][a-zA-Z0-9-_]*`,
      };
    }
    const messages = inv.body.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      return { status: 400, errorType: 'ValidationException', message: 'messages must not be empty' };
    }
    // Resuming a paused inline call: the assistant toolUse message, then one toolResult per toolUse.
    const results = (messages.at(-1)?.content ?? []).filter((b) => 'toolResult' in b) as Array<{
      toolResult: { toolUseId?: string };
    }>;
    if (results.length > 0) {
      const uses = (messages.at(-2)?.role === 'assistant' ? (messages.at(-2)?.content ?? []) : [])
        .filter((b) => 'toolUse' in b)
        .map((b) => (b as { toolUse: { toolUseId?: string } }).toolUse.toolUseId);
      const ids = results.map((r) => r.toolResult.toolUseId);
      if (uses.length === 0 || ids.some((id) => !uses.includes(id)) || uses.some((id) => !ids.includes(id))) {
        return {
          status: 400,
          errorType: 'ValidationException',
          message:
            'Each toolResult must answer a toolUse of the preceding assistant message, and every toolUse needs a result.',
        };
      }
    }
    for (const m of messages) {
      for (const block of m.content ?? []) {
        if ('text' in block && (typeof block.text !== 'string' || block.text.length === 0)) {
          return {
            status: 400,
            errorType: 'ValidationException',
            message: 'text content blocks must have at least 1 character',
          };
        }
      }
    }
    return undefined;
  }

  private rateLimited(): boolean {
    const limit = this.options.maxInvocationsPerSecond ?? 25;
    const now = Date.now();
    while (this.recent.length > 0 && this.recent[0]! < now - 1000) this.recent.shift();
    if (this.recent.length >= limit) return true;
    this.recent.push(now);
    return false;
  }
}

/** Text of the last user message of an invocation. */
export function userText(inv: Invocation): string {
  const last = inv.body.messages.at(-1);
  return (last?.content ?? [])
    .map((b) => (typeof b.text === 'string' ? b.text : ''))
    .join('\n')
    .trim();
}

const defaultEcho: Scenario = (inv) => ({
  steps: [
    { event: 'messageStart', data: { role: 'assistant' } },
    {
      event: 'contentBlockDelta',
      data: { contentBlockIndex: 0, delta: { text: `You said: ${userText(inv)}` } },
    },
    { event: 'contentBlockStop', data: { contentBlockIndex: 0 } },
    { event: 'messageStop', data: { stopReason: 'end_turn' } },
    {
      event: 'metadata',
      data: { usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, metrics: { latencyMs: 5 } },
    },
  ],
});

function sendError(res: ServerResponse, status: number, errorType: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': errorType });
  res.end(JSON.stringify({ message }));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
