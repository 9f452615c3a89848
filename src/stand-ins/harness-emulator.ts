/**
 * A local stand-in for the AgentCore harness data plane. It speaks the real wire protocol
 * (rest-json errors before the stream, AWS event-stream frames after it), so the real
 * @aws-sdk/client-bedrock-agentcore runs unmodified against it via AWS_ENDPOINT_URL_BEDROCK_AGENTCORE.
 *
 * Behaviour copied from the service where it is documented: request validation (harness-validate.ts),
 * SigV4 required, IAM authorization of each call when a policy is given (iam-authorizer.ts), modeled
 * errors with x-amzn-errortype, in-stream exceptions, an invocation-rate limit, the active-session
 * quota, sessions that outlive the connection and are recycled when idle (harness-sessions.ts), and
 * StopRuntimeSession ending the agent and its stream.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EmulatedHook, type HookCall, hooksProblem, withHooks } from './harness-hooks.ts';
import { playScript, reasoningReplayProblem } from './harness-script.ts';
import { RuntimeSessions } from './harness-sessions.ts';
import { answerCommand, type CommandCall, parseCommand } from './harness-shell.ts';
import type { Invocation, Reply, Scenario } from './harness-types.ts';
import { type HarnessRequestBody, invokeProblem } from './harness-validate.ts';
import {
  type HttpError,
  header,
  missingAuth,
  readBody,
  sendError,
  sessionIdProblem,
  sleep,
} from './harness-wire.ts';
import type { Authorizer, AuthRequest } from './iam-authorizer.ts';

export type { EmulatedHook, HookCall } from './harness-hooks.ts';
export type { CommandCall } from './harness-shell.ts';
export type { Invocation, Reply, Scenario, Step } from './harness-types.ts';
export type { HarnessRequestBody } from './harness-validate.ts';

export interface HarnessEmulatorOptions {
  harnessArn: string;
  /** Picks the reply for an invocation that no test queued one for. */
  defaultScenario?: Scenario;
  /** Invocations per second per harness before ThrottlingException (the service default is 25). */
  maxInvocationsPerSecond?: number;
  /** Live sessions (microVMs) before ServiceQuotaExceededException (1,000 or 5,000 depending on Region). */
  maxActiveSessions?: number;
  /** The harness's idleRuntimeSessionTimeout in seconds (AWS default 900); fractions allowed for tests. */
  idleRuntimeSessionTimeoutSeconds?: number;
  /** Authorizes every call as IAM would; unset, any signed call is allowed. */
  authorizer?: Authorizer;
  /** Multiplies every delay in scripts; 0 streams as fast as possible. */
  timeScale?: number;
  /** Called after each stream event is written (the benchmark times text production with it). */
  onEvent?: (sessionId: string, step: { event: string; data: unknown }, at: number) => void;
  now?: () => number;
  /** Lifecycle hooks configured on the harness (harness-hooks.ts), e.g. the tool guard's Lambda. */
  hooks?: EmulatedHook[];
}

export class HarnessEmulator {
  readonly invocations: Invocation[] = [];
  readonly commands: CommandCall[] = [];
  /** Every hook Lambda call: the payload it got, its answer, the decision applied. */
  readonly hookCalls: HookCall[] = [];
  readonly sessions: RuntimeSessions;
  /** Highest number of agent loops seen running at once in one session. */
  maxConcurrentPerSession = 0;
  url = '';
  private server: Server | undefined;
  private readonly queued: Scenario[] = [];
  private readonly recent: number[] = [];
  private readonly now: () => number;

  constructor(private readonly options: HarnessEmulatorOptions) {
    this.now = options.now ?? Date.now;
    // CreateHarness refuses a hook list it cannot run; so does the emulator, before serving anything.
    const problem = hooksProblem(options.hooks ?? []);
    if (problem) throw new Error(`ValidationException: ${problem}`);
    this.sessions = new RuntimeSessions({
      idleMs: (options.idleRuntimeSessionTimeoutSeconds ?? 900) * 1000,
      now: this.now,
    });
  }

  /** Session ids ended with StopRuntimeSession. */
  get stoppedSessions(): readonly string[] {
    return this.sessions.stopped;
  }

  /** The harness this emulator is deployed as. */
  get harnessArn(): string {
    return this.options.harnessArn;
  }

  /** The managed runtime behind the harness; AWS refuses calls that name it instead of the harness. */
  get runtimeArn(): string {
    return this.options.harnessArn.replace(':harness/', ':runtime/');
  }

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
    for (const inv of this.invocations) if (inv.agentEndedAt === undefined) this.sessions.stop(inv.sessionId);
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

  /** Writes a file into a session's filesystem (its live microVM, or a new one). */
  writeFile(sessionId: string, path: string, content: string): void {
    this.sessions.open(sessionId).files.set(path, content);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    if (!header(req, 'authorization')?.startsWith('AWS4-HMAC-SHA256 ')) return sendError(res, missingAuth);
    const runtimeOp = /^\/runtimes\/([^/]+)\/(stopruntimesession|commands)$/.exec(url.pathname);
    if (req.method === 'POST' && runtimeOp) {
      const arn = decodeURIComponent(runtimeOp[1]!);
      const qualifier = url.searchParams.get('qualifier') ?? undefined;
      return runtimeOp[2] === 'commands'
        ? this.command(req, res, arn, qualifier, raw)
        : this.stopSession(req, res, arn, qualifier);
    }
    if (req.method !== 'POST' || url.pathname !== '/harnesses/invoke') {
      return sendError(res, {
        status: 404,
        errorType: 'UnknownOperationException',
        message: `No operation at ${req.method} ${url.pathname}`,
      });
    }
    let body: HarnessRequestBody;
    try {
      body = JSON.parse(raw) as HarnessRequestBody;
    } catch {
      return sendError(res, {
        status: 400,
        errorType: 'ValidationException',
        message: 'Request body is not valid JSON',
      });
    }
    const sessionId = header(req, 'x-amzn-bedrock-agentcore-runtime-session-id') ?? '';
    const existing = this.sessions.current(sessionId);
    const inv: Invocation = {
      id: randomUUID(),
      harnessArn: url.searchParams.get('harnessArn') ?? '',
      qualifier: url.searchParams.get('qualifier') ?? undefined,
      sessionId,
      userId: header(req, 'x-amzn-bedrock-agentcore-runtime-user-id'),
      authorization: header(req, 'authorization'),
      body,
      history: existing ? structuredClone(existing.conversation) : [],
      microVm: existing?.microVm ?? 0,
      startedAt: Date.now(),
      status: 200,
    };
    this.invocations.push(inv);
    const fail = (e: HttpError) => {
      sendError(res, e);
      inv.status = e.status;
      inv.endedAt = inv.agentEndedAt = Date.now();
    };
    const problem =
      invokeProblem(inv, this.options.harnessArn) ??
      reasoningReplayProblem(body, existing) ??
      (await this.authorize(
        [
          'bedrock-agentcore:InvokeHarness',
          'bedrock-agentcore:InvokeAgentRuntime',
          // A call on behalf of an end user needs the ForUser action too (runtime-permissions).
          ...(inv.userId !== undefined ? ['bedrock-agentcore:InvokeAgentRuntimeForUser'] : []),
        ],
        inv.harnessArn,
        inv.qualifier,
      )) ??
      this.rateLimited() ??
      (existing ? undefined : this.quotaProblem());
    if (problem) return fail(problem);
    const scenario = this.queued.shift() ?? this.options.defaultScenario ?? defaultEcho;
    const reply = scenario(inv);
    if ('status' in reply) return fail(reply);
    // The hooks' decisions (and the hookEvents reporting them) are worked out before the stream opens.
    const steps = await withHooks(
      reply.steps,
      this.options.hooks ?? [],
      { harnessArn: this.options.harnessArn, sessionId, messages: body.messages },
      this.hookCalls,
    );

    const session = this.sessions.open(sessionId);
    inv.microVm = session.microVm;
    session.conversation.push(...structuredClone(body.messages));
    const loop = this.sessions.begin(session);
    this.maxConcurrentPerSession = Math.max(this.maxConcurrentPerSession, session.running.size);
    let gone = false;
    res.on('close', () => {
      if (!res.writableFinished) gone = true;
      inv.endedAt ??= Date.now();
    });
    res.writeHead(200, {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': inv.id,
    });
    try {
      await playScript(steps, res, () => gone, session, loop.signal, this.options);
    } finally {
      this.sessions.end(session, loop);
      inv.clientAborted = gone;
      inv.stoppedBySession = loop.signal.aborted;
      inv.agentEndedAt = Date.now();
      // StopRuntimeSession ends the streams in flight: the response stops where the agent stopped.
      if (!res.writableEnded) res.end();
      inv.endedAt ??= Date.now();
    }
  }

  /** StopRuntimeSession: ends the session's microVM; its loops, streams and conversation are gone. */
  private async stopSession(req: IncomingMessage, res: ServerResponse, arn: string, qualifier?: string) {
    const id = header(req, 'x-amzn-bedrock-agentcore-runtime-session-id') ?? '';
    const problem =
      this.arnProblem(arn, 'StopRuntimeSession') ??
      sessionIdProblem(id, 256) ??
      (await this.authorize(['bedrock-agentcore:StopRuntimeSession'], arn, qualifier));
    if (problem) return sendError(res, problem);
    if (!this.sessions.stop(id)) {
      return sendError(res, {
        status: 404,
        errorType: 'ResourceNotFoundException',
        message: `Runtime session ${id} not found`,
      });
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-amzn-bedrock-agentcore-runtime-session-id': id,
    });
    res.end(JSON.stringify({ statusCode: 200 }));
  }

  /** InvokeAgentRuntimeCommand with the harness ARN, in the session's microVM (see harness-shell.ts). */
  private async command(
    req: IncomingMessage,
    res: ServerResponse,
    arn: string,
    qualifier: string | undefined,
    raw: string,
  ): Promise<void> {
    const sessionId = header(req, 'x-amzn-bedrock-agentcore-runtime-session-id') ?? '';
    const parsed = parseCommand(raw);
    const problem =
      this.arnProblem(arn, 'InvokeAgentRuntimeCommand') ??
      sessionIdProblem(sessionId, 256) ??
      ('status' in parsed ? parsed : undefined) ??
      (await this.authorize(['bedrock-agentcore:InvokeAgentRuntimeCommand'], arn, qualifier)) ??
      (this.sessions.current(sessionId) ? undefined : this.quotaProblem());
    if (problem || 'status' in parsed) return sendError(res, problem!);
    const session = this.sessions.open(sessionId);
    this.sessions.touch(session);
    const exitCode = answerCommand(res, session, parsed.command);
    this.commands.push({
      harnessArn: arn,
      sessionId,
      command: parsed.command,
      timeout: parsed.timeout,
      exitCode,
    });
  }

  /** The runtime operations take the harness ARN; the runtime behind a harness cannot be named directly. */
  private arnProblem(arn: string, op: string): HttpError | undefined {
    if (arn === this.options.harnessArn) return undefined;
    if (arn === this.runtimeArn) {
      return {
        status: 400,
        errorType: 'ValidationException',
        message: `This runtime is managed by a harness and cannot be invoked directly. Use the ${op} API with the relevant harness ID instead.`,
      };
    }
    return { status: 404, errorType: 'ResourceNotFoundException', message: `Harness not found: ${arn}` };
  }

  /** Each action is authorized on the harness and on the endpoint the call addresses (DEFAULT when none). */
  private async authorize(
    actions: string[],
    arn: string,
    qualifier?: string,
  ): Promise<HttpError | undefined> {
    const authorizer = this.options.authorizer;
    if (!authorizer) return undefined;
    const resources = [arn, `${arn}/harness-endpoint/${qualifier ?? 'DEFAULT'}`];
    const requests: AuthRequest[] = actions.flatMap((action) =>
      resources.map((resource) => ({ action, resource })),
    );
    const decision = await authorizer.authorize(requests);
    return decision.allowed
      ? undefined
      : { status: 403, errorType: 'AccessDeniedException', message: decision.message };
  }

  private rateLimited(): HttpError | undefined {
    const limit = this.options.maxInvocationsPerSecond ?? 25;
    const now = Date.now();
    while (this.recent.length > 0 && this.recent[0]! < now - 1000) this.recent.shift();
    if (this.recent.length >= limit) {
      return { status: 429, errorType: 'ThrottlingException', message: 'Rate exceeded for InvokeHarness' };
    }
    this.recent.push(now);
    return undefined;
  }

  /** A call that needs a new microVM when the account's active sessions are at the quota. */
  private quotaProblem(): HttpError | undefined {
    const max = this.options.maxActiveSessions ?? 1000;
    if (this.sessions.liveCount() < max) return undefined;
    return {
      status: 402,
      errorType: 'ServiceQuotaExceededException',
      message: `The number of active sessions has reached the quota (${max}) for this account in this Region.`,
    };
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
