/**
 * The emulated harness's runtime operations, which name the harness in the path rather than invoke
 * it: StopRuntimeSession and InvokeAgentRuntimeCommand. Kept apart from InvokeHarness
 * (harness-invoke.ts) because they share its session store and checks but nothing of its streaming.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HarnessAdmission } from './harness-admission.ts';
import type { RuntimeSessions } from './harness-sessions.ts';
import { answerCommand, type CommandCall, parseCommand } from './harness-shell.ts';
import { header, sendError, sessionIdProblem } from './harness-wire.ts';

export interface RuntimeOpsHost {
  readonly admission: HarnessAdmission;
  readonly sessions: RuntimeSessions;
  /** Where each answered command is recorded for tests. */
  readonly commands: CommandCall[];
}

/** StopRuntimeSession: ends the session's microVM; its loops, streams and conversation are gone. */
export async function stopSession(
  h: RuntimeOpsHost,
  req: IncomingMessage,
  res: ServerResponse,
  arn: string,
  qualifier?: string,
): Promise<void> {
  const id = header(req, 'x-amzn-bedrock-agentcore-runtime-session-id') ?? '';
  const problem =
    h.admission.arnProblem(arn, 'StopRuntimeSession') ??
    sessionIdProblem(id, 256) ??
    (await h.admission.authorize(['bedrock-agentcore:StopRuntimeSession'], arn, qualifier));
  if (problem) return sendError(res, problem);
  if (!h.sessions.stop(id)) {
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
export async function runCommand(
  h: RuntimeOpsHost,
  req: IncomingMessage,
  res: ServerResponse,
  arn: string,
  qualifier: string | undefined,
  raw: string,
): Promise<void> {
  const sessionId = header(req, 'x-amzn-bedrock-agentcore-runtime-session-id') ?? '';
  const parsed = parseCommand(raw);
  const problem =
    h.admission.arnProblem(arn, 'InvokeAgentRuntimeCommand') ??
    sessionIdProblem(sessionId, 256) ??
    ('status' in parsed ? parsed : undefined) ??
    (await h.admission.authorize(['bedrock-agentcore:InvokeAgentRuntimeCommand'], arn, qualifier)) ??
    (h.sessions.current(sessionId) ? undefined : h.admission.quotaProblem());
  if (problem || 'status' in parsed) return sendError(res, problem!);
  const session = h.sessions.open(sessionId);
  h.sessions.touch(session);
  const exitCode = answerCommand(res, session, parsed.command);
  h.commands.push({
    harnessArn: arn,
    sessionId,
    command: parsed.command,
    timeout: parsed.timeout,
    exitCode,
  });
}
