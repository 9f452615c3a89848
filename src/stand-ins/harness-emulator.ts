/**
 * A local stand-in for the AgentCore harness data plane. It speaks the real wire protocol
 * (rest-json errors before the stream, AWS event-stream frames after it), so the real
 * @aws-sdk/client-bedrock-agentcore runs unmodified against it via AWS_ENDPOINT_URL_BEDROCK_AGENTCORE.
 *
 * Behaviour copied from the service where it is documented: request validation (harness-validate.ts),
 * SigV4 required, IAM authorization of each call when a policy is given, modeled errors with
 * x-amzn-errortype, in-stream exceptions, an invocation-rate limit, the active-session quota
 * (harness-admission.ts), sessions that outlive the connection and are recycled when idle
 * (harness-sessions.ts), and StopRuntimeSession ending the agent and its stream.
 *
 * This file is the HTTP routing and what tests use (queueing replies, waiting, reading records).
 * The operations: InvokeHarness in harness-invoke.ts (checks, then the script streamed by
 * harness-script.ts), StopRuntimeSession and InvokeAgentRuntimeCommand in harness-runtime-ops.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HarnessAdmission, runtimeArnOf } from './harness-admission.ts';
import { defaultEcho } from './harness-echo.ts';
import { type EmulatedHook, type HookCall, hooksProblem } from './harness-hooks.ts';
import { type InvokeHost, invokeHarness } from './harness-invoke.ts';
import { type RuntimeOpsHost, runCommand, stopSession } from './harness-runtime-ops.ts';
import { RuntimeSessions } from './harness-sessions.ts';
import type { CommandCall } from './harness-shell.ts';
import type { Invocation, Reply, Scenario } from './harness-types.ts';
import { header, missingAuth, readBody, sendError, sleep } from './harness-wire.ts';
import type { Authorizer } from './iam-authorizer.ts';

export { userText } from './harness-echo.ts';
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
  private readonly now: () => number;
  /** What the operations see of the emulator: its state, and the two hooks back into it. */
  private readonly host: InvokeHost & RuntimeOpsHost;

  constructor(private readonly options: HarnessEmulatorOptions) {
    this.now = options.now ?? Date.now;
    // CreateHarness refuses a hook list it cannot run; so does the emulator, before serving anything.
    const problem = hooksProblem(options.hooks ?? []);
    if (problem) throw new Error(`ValidationException: ${problem}`);
    this.sessions = new RuntimeSessions({
      idleMs: (options.idleRuntimeSessionTimeoutSeconds ?? 900) * 1000,
      now: this.now,
    });
    this.host = {
      options,
      admission: new HarnessAdmission(options, this.sessions),
      sessions: this.sessions,
      invocations: this.invocations,
      commands: this.commands,
      hookCalls: this.hookCalls,
      nextScenario: () => this.queued.shift() ?? options.defaultScenario ?? defaultEcho,
      sawRunning: (loops) => {
        this.maxConcurrentPerSession = Math.max(this.maxConcurrentPerSession, loops);
      },
    };
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
    return runtimeArnOf(this.options.harnessArn);
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

  /** Routes a call to its operation; every operation requires a SigV4-signed request. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const raw = await readBody(req);
    if (!header(req, 'authorization')?.startsWith('AWS4-HMAC-SHA256 ')) return sendError(res, missingAuth);
    const runtimeOp = /^\/runtimes\/([^/]+)\/(stopruntimesession|commands)$/.exec(url.pathname);
    if (req.method === 'POST' && runtimeOp) {
      const arn = decodeURIComponent(runtimeOp[1]!);
      const qualifier = url.searchParams.get('qualifier') ?? undefined;
      return runtimeOp[2] === 'commands'
        ? runCommand(this.host, req, res, arn, qualifier, raw)
        : stopSession(this.host, req, res, arn, qualifier);
    }
    if (req.method !== 'POST' || url.pathname !== '/harnesses/invoke') {
      return sendError(res, {
        status: 404,
        errorType: 'UnknownOperationException',
        message: `No operation at ${req.method} ${url.pathname}`,
      });
    }
    return invokeHarness(this.host, req, res, url, raw);
  }
}
