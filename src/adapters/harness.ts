/**
 * HarnessPort over the real @aws-sdk/client-bedrock-agentcore InvokeHarness event stream.
 *
 * - One attempt per request (an agent turn is not idempotent); only ThrottlingException before the
 *   stream starts is retried, with backoff, here.
 * - The socket timeout is an idle watchdog (runs can last an hour; silence is what is suspicious),
 *   plus an overall AbortController for the maximum run time.
 * - Errors surface in three places (send() rejecting, the loop throwing, error members yielded as
 *   events); all become one terminal `failed` event. A stream without a final messageStop is a failure.
 */
import {
  BedrockAgentCoreClient,
  type HarnessMessage,
  type HarnessTool,
  InvokeHarnessCommand,
  type InvokeHarnessStreamOutput,
  StopRuntimeSessionCommand,
} from '@aws-sdk/client-bedrock-agentcore';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AgentEvent, FailureCode, HarnessFailure, PendingToolCall, ToolKind } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import type { HarnessInvocation, HarnessPort, InlineTool } from '../core/ports.ts';

export interface HarnessAdapterOptions {
  harnessArn: string;
  qualifier?: string;
  region: string;
  idleTimeoutMs: number;
  maxRunMs: number;
  maxIterations?: number;
  timeoutSeconds?: number;
  throttleRetries: number;
  log: Logger;
  /** Base delay for throttling backoff (doubles per attempt, with jitter). */
  retryBaseMs?: number;
  /**
   * Tools the harness is deployed with. `tools` on an invocation replaces the harness's list, so an
   * invocation that adds inline functions must repeat these.
   */
  baseTools?: HarnessTool[];
  /** Local sandbox only: the emulator's URL and its dummy credentials (otherwise the SDK's defaults). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

interface ToolBlock {
  toolUseId: string;
  name: string;
  type?: string;
  serverName?: string;
  input: string;
}

export class AgentCoreHarness implements HarnessPort {
  private readonly client: BedrockAgentCoreClient;

  constructor(private readonly o: HarnessAdapterOptions) {
    this.client = new BedrockAgentCoreClient({
      region: o.region,
      maxAttempts: 1,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
      requestHandler: new NodeHttpHandler({ connectionTimeout: 10_000, socketTimeout: o.idleTimeoutMs }),
    });
  }

  async stopSession(runtimeSessionId: string): Promise<void> {
    try {
      await this.client.send(
        new StopRuntimeSessionCommand({
          agentRuntimeArn: this.o.harnessArn,
          runtimeSessionId,
          ...(this.o.qualifier ? { qualifier: this.o.qualifier } : {}),
        }),
      );
    } catch (err) {
      this.o.log.warn({ err, sessionId: runtimeSessionId }, 'StopRuntimeSession failed');
    }
  }

  async *invoke(inv: HarnessInvocation, signal?: AbortSignal): AsyncIterable<AgentEvent> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error('run_timeout')), this.o.maxRunMs);
    timer.unref();
    const combined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
    try {
      let stream: AsyncIterable<InvokeHarnessStreamOutput> | undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          const out = await this.client.send(
            new InvokeHarnessCommand({
              harnessArn: this.o.harnessArn,
              qualifier: this.o.qualifier,
              runtimeSessionId: inv.runtimeSessionId,
              runtimeUserId: inv.userId,
              messages: messagesFor(inv),
              skills: inv.skillPaths.map((path) => ({ path })),
              ...(inv.inlineTools?.length
                ? { tools: toolsFor(inv.inlineTools, this.o.baseTools ?? []) }
                : {}),
              maxIterations: this.o.maxIterations,
              timeoutSeconds: this.o.timeoutSeconds,
            }),
            { abortSignal: combined },
          );
          stream = out.stream;
          break;
        } catch (err) {
          const failure = toFailure(err, combined, signal);
          if (failure.code === 'throttled' && attempt < this.o.throttleRetries) {
            const delayMs = backoff(attempt, this.o.retryBaseMs ?? 1000);
            yield {
              type: 'retrying',
              attempt: attempt + 1,
              delayMs,
              reason: 'AgentCore is throttling requests',
            };
            await sleep(delayMs, combined);
            continue;
          }
          this.o.log.warn(
            { failure, sessionId: inv.runtimeSessionId },
            'InvokeHarness failed before streaming',
          );
          yield { type: 'failed', failure };
          return;
        }
      }
      yield* this.fold(stream, inv, combined, signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Turns the SDK stream into the bot's events. */
  private async *fold(
    stream: AsyncIterable<InvokeHarnessStreamOutput> | undefined,
    inv: HarnessInvocation,
    combined: AbortSignal,
    signal: AbortSignal | undefined,
  ): AsyncIterable<AgentEvent> {
    let role: string | undefined;
    let lastStop: string | undefined;
    let wroteText = false;
    let endsWithNewline = true;
    const tools = new Map<number, ToolBlock>();
    let assistantContent: Array<Record<string, unknown>> = [];
    let assistantText = '';
    let pending: PendingToolCall[] = [];
    try {
      for await (const ev of stream ?? []) {
        const err = ev.internalServerException ?? ev.validationException ?? ev.runtimeClientError;
        if (err) {
          yield { type: 'failed', failure: toFailure(err, combined, signal) };
          return;
        }
        if (ev.messageStart) {
          role = ev.messageStart.role;
          if (role === 'assistant') {
            assistantContent = [];
            assistantText = '';
            pending = [];
            // Separate text from consecutive assistant messages (around tool calls) as paragraphs.
            if (wroteText && !endsWithNewline) yield { type: 'text', text: '\n\n' };
            endsWithNewline = true;
          }
        } else if (ev.contentBlockStart) {
          const start = ev.contentBlockStart.start;
          if (start?.toolUse) {
            tools.set(ev.contentBlockStart.contentBlockIndex ?? 0, {
              toolUseId: start.toolUse.toolUseId ?? '',
              name: start.toolUse.name ?? 'tool',
              type: start.toolUse.type,
              serverName: start.toolUse.serverName,
              input: '',
            });
          }
        } else if (ev.contentBlockDelta) {
          const idx = ev.contentBlockDelta.contentBlockIndex ?? 0;
          const delta = ev.contentBlockDelta.delta;
          if (delta?.text !== undefined && role === 'assistant') {
            assistantText += delta.text;
            wroteText = true;
            endsWithNewline = delta.text.endsWith('\n');
            yield { type: 'text', text: delta.text };
          } else if (delta?.toolUse) {
            const block = tools.get(idx);
            if (block) block.input += delta.toolUse.input ?? '';
          }
        } else if (ev.contentBlockStop) {
          const idx = ev.contentBlockStop.contentBlockIndex ?? 0;
          const block = tools.get(idx);
          if (block && role === 'assistant') {
            tools.delete(idx);
            const input = parseJson(block.input);
            const kind: ToolKind =
              block.type === 'tool_use' ? 'inline' : block.serverName ? 'mcp' : 'builtin';
            if (assistantText) assistantContent.push({ text: assistantText });
            assistantText = '';
            assistantContent.push({
              toolUse: {
                toolUseId: block.toolUseId,
                name: block.name,
                input,
                ...(block.type ? { type: block.type } : {}),
              },
            });
            if (kind === 'inline') pending.push({ toolUseId: block.toolUseId, name: block.name, input });
            yield {
              type: 'tool_started',
              toolUseId: block.toolUseId,
              name: block.name,
              kind,
              server: block.serverName,
              input,
            };
          }
        } else if (ev.messageStop) {
          lastStop = ev.messageStop.stopReason;
        } else if (ev.metadata?.usage) {
          const u = ev.metadata.usage;
          yield {
            type: 'usage',
            usage: {
              inputTokens: u.inputTokens ?? 0,
              outputTokens: u.outputTokens ?? 0,
              totalTokens: u.totalTokens ?? (u.inputTokens ?? 0) + (u.outputTokens ?? 0),
              cacheReadInputTokens: u.cacheReadInputTokens,
              cacheWriteInputTokens: u.cacheWriteInputTokens,
            },
          };
        }
        // Tool results: the harness streams them as a user message; report completion, never the output.
        if (ev.contentBlockStart?.start?.toolResult) {
          const r = ev.contentBlockStart.start.toolResult;
          yield {
            type: 'tool_finished',
            toolUseId: r.toolUseId ?? '',
            status: r.status === 'error' ? 'error' : 'success',
          };
        }
      }
    } catch (err) {
      yield { type: 'failed', failure: toFailure(err, combined, signal) };
      return;
    }
    if (!lastStop) {
      yield {
        type: 'failed',
        failure: { code: 'incomplete', message: 'The stream ended without a final messageStop.' },
      };
      return;
    }
    if (assistantText) assistantContent.push({ text: assistantText });
    this.o.log.debug({ sessionId: inv.runtimeSessionId, stopReason: lastStop }, 'harness turn completed');
    yield {
      type: 'completed',
      stopReason: lastStop,
      pending: lastStop === 'tool_use' ? pending : [],
      assistantMessage: { role: 'assistant', content: assistantContent },
    };
  }
}

/** A new user turn, or the paused assistant message replayed with one toolResult per inline call. */
function messagesFor(inv: HarnessInvocation): HarnessMessage[] {
  if (inv.resume) {
    return [
      inv.resume.assistantMessage as HarnessMessage,
      {
        role: 'user',
        content: inv.resume.toolResults.map((r) => ({
          toolResult: {
            toolUseId: r.toolUseId,
            status: 'success',
            type: 'tool_use',
            content: [{ json: r.result as never }],
          },
        })) as never,
      },
    ];
  }
  return [{ role: 'user', content: [{ text: inv.prompt ?? '' }] }];
}

function toolsFor(inline: InlineTool[], base: HarnessTool[]): HarnessTool[] {
  return [
    ...base,
    ...inline.map((t) => ({
      type: 'inline_function' as const,
      name: t.name,
      config: { inlineFunction: { description: t.description, inputSchema: t.inputSchema as never } },
    })),
  ];
}

/** The AWS Knowledge MCP server the harness is deployed with (see deploy/), repeated when tools are overridden. */
export const KNOWLEDGE_MCP_TOOL: HarnessTool = {
  type: 'remote_mcp',
  name: 'aws-knowledge-mcp',
  config: { remoteMcp: { url: 'https://knowledge-mcp.global.api.aws' } },
};

const ERROR_CODES: Record<string, FailureCode> = {
  AccessDeniedException: 'access_denied',
  accessDeniedException: 'access_denied',
  UnauthorizedException: 'access_denied',
  UnrecognizedClientException: 'access_denied',
  InvalidSignatureException: 'access_denied',
  ExpiredTokenException: 'access_denied',
  ResourceNotFoundException: 'not_found',
  resourceNotFoundException: 'not_found',
  ThrottlingException: 'throttled',
  throttlingException: 'throttled',
  ThrottledException: 'throttled',
  TooManyRequestsException: 'throttled',
  ServiceQuotaExceededException: 'quota',
  serviceQuotaExceededException: 'quota',
  ValidationException: 'validation',
  validationException: 'validation',
  RuntimeClientError: 'runtime_client',
  runtimeClientError: 'runtime_client',
  InternalServerException: 'internal',
  internalServerException: 'internal',
  ServiceUnavailableException: 'internal',
  TimeoutError: 'idle_timeout',
  // The SDK's credential chain found nothing: no request was made, so no permission was checked.
  CredentialsProviderError: 'no_credentials',
};

export function toFailure(err: unknown, combined?: AbortSignal, caller?: AbortSignal): HarnessFailure {
  const e = err as { name?: string; message?: string; code?: string; $metadata?: { requestId?: string } };
  const message = e?.message ?? String(err);
  const requestId = e?.$metadata?.requestId;
  if (caller?.aborted) return { code: 'aborted', message: 'Stopped by request.', requestId };
  if (combined?.aborted)
    return { code: 'run_timeout', message: 'The run reached its maximum duration.', requestId };
  const name = e?.name ?? '';
  // The HTTP handler renames connection resets "TimeoutError"; the code tells them apart.
  if (e?.code === 'ECONNRESET' || e?.code === 'EPIPE') return { code: 'stream_cut', message, requestId };
  const mapped = ERROR_CODES[name];
  if (mapped) return { code: mapped, message, requestId };
  if (/aborted|socket hang up|Truncated event message/i.test(message)) {
    return { code: 'stream_cut', message, requestId };
  }
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') {
    return { code: 'network', message, requestId };
  }
  if (/timed? ?out/i.test(message) || e?.code === 'ETIMEDOUT')
    return { code: 'idle_timeout', message, requestId };
  return { code: 'unknown', message: `${name || 'Error'}: ${message}`, requestId };
}

function parseJson(s: string): unknown {
  if (!s) return {};
  try {
    return JSON.parse(s);
  } catch {
    return { raw: s };
  }
}

function backoff(attempt: number, base: number): number {
  const exp = base * 2 ** attempt;
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
