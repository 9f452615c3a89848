/**
 * InvokeHarness request validation, as the API reference constrains it: the harness must exist, the
 * session id is 33–100 characters of [a-zA-Z0-9][a-zA-Z0-9-_]*, messages are not empty, text blocks
 * have at least one character, and a resume answers every toolUse of the paused assistant message.
 */
import { allowedToolsProblem, skillsProblem, toolsProblem } from './harness-validate-config.ts';
import { type HttpError, sessionIdProblem } from './harness-wire.ts';

export interface HarnessRequestBody {
  messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
  skills?: Array<{ path?: string; s3?: { uri: string } }>;
  tools?: unknown[];
  allowedTools?: string[];
  maxIterations?: number;
  timeoutSeconds?: number;
  [k: string]: unknown;
}

const QUALIFIER = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/;

export function invokeProblem(
  o: { harnessArn: string; qualifier: string | undefined; sessionId: string; body: HarnessRequestBody },
  deployed: string,
): HttpError | undefined {
  if (o.harnessArn !== deployed) {
    return {
      status: 404,
      errorType: 'ResourceNotFoundException',
      message: `Harness not found: ${o.harnessArn}`,
    };
  }
  if (o.qualifier !== undefined && !QUALIFIER.test(o.qualifier)) {
    return {
      status: 400,
      errorType: 'ValidationException',
      message: `Value '${o.qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9_]{0,47}`,
    };
  }
  const idProblem = sessionIdProblem(o.sessionId, 100);
  if (idProblem) return idProblem;
  const overrides =
    toolsProblem(o.body.tools) ?? allowedToolsProblem(o.body.allowedTools) ?? skillsProblem(o.body.skills);
  if (overrides) return overrides;
  const messages = o.body.messages;
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
