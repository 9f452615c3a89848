/**
 * InvokeHarness, the emulator's main operation: record the invocation, refuse it the way the service
 * would (validation, reasoning replay, IAM, rate, quota: in the service's order), then run the
 * scenario's script as the agent's loop in the session and stream it as event-stream frames.
 * Split from harness-emulator.ts so the emulator file is only the HTTP routing and the test-facing API.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarnessAdmission } from './harness-admission.ts';
import { type EmulatedHook, type HookCall, withHooks } from './harness-hooks.ts';
import { playScript, reasoningReplayProblem } from './harness-script.ts';
import type { RuntimeSessions } from './harness-sessions.ts';
import type { Invocation, Scenario } from './harness-types.ts';
import { type HarnessRequestBody, invokeProblem } from './harness-validate.ts';
import { type HttpError, header, sendError } from './harness-wire.ts';

export interface InvokeOptions {
  harnessArn: string;
  hooks?: EmulatedHook[];
  timeScale?: number;
  onEvent?: (sessionId: string, step: { event: string; data: unknown }, at: number) => void;
}

export interface InvokeHost {
  readonly options: InvokeOptions;
  readonly admission: HarnessAdmission;
  readonly sessions: RuntimeSessions;
  readonly invocations: Invocation[];
  readonly hookCalls: HookCall[];
  /** The scenario that answers this invocation (a queued one, else the default). */
  nextScenario(): Scenario;
  /** Told how many agent loops the session runs once this one has begun. */
  sawRunning(loops: number): void;
}

export async function invokeHarness(
  h: InvokeHost,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
): Promise<void> {
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
  const existing = h.sessions.current(sessionId);
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
  h.invocations.push(inv);
  const fail = (e: HttpError) => {
    sendError(res, e);
    inv.status = e.status;
    inv.endedAt = inv.agentEndedAt = Date.now();
  };
  const problem =
    invokeProblem(inv, h.options.harnessArn) ??
    reasoningReplayProblem(body, existing) ??
    (await h.admission.authorize(
      [
        'bedrock-agentcore:InvokeHarness',
        'bedrock-agentcore:InvokeAgentRuntime',
        // A call on behalf of an end user needs the ForUser action too (runtime-permissions).
        ...(inv.userId !== undefined ? ['bedrock-agentcore:InvokeAgentRuntimeForUser'] : []),
      ],
      inv.harnessArn,
      inv.qualifier,
    )) ??
    h.admission.rateLimited() ??
    (existing ? undefined : h.admission.quotaProblem());
  if (problem) return fail(problem);
  const reply = h.nextScenario()(inv);
  if ('status' in reply) return fail(reply);
  // The hooks' decisions (and the hookEvents reporting them) are worked out before the stream opens.
  const steps = await withHooks(
    reply.steps,
    h.options.hooks ?? [],
    { harnessArn: h.options.harnessArn, sessionId, messages: body.messages },
    h.hookCalls,
  );

  const session = h.sessions.open(sessionId);
  inv.microVm = session.microVm;
  session.conversation.push(...structuredClone(body.messages));
  const loop = h.sessions.begin(session);
  h.sawRunning(session.running.size);
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
    await playScript(steps, res, () => gone, session, loop.signal, h.options);
  } finally {
    h.sessions.end(session, loop);
    inv.clientAborted = gone;
    inv.stoppedBySession = loop.signal.aborted;
    inv.agentEndedAt = Date.now();
    // StopRuntimeSession ends the streams in flight: the response stops where the agent stopped.
    if (!res.writableEnded) res.end();
    inv.endedAt ??= Date.now();
  }
}
