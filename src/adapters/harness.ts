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
  type HarnessSkill,
  type HarnessTool,
  InvokeHarnessCommand,
  type InvokeHarnessStreamOutput,
  StopRuntimeSessionCommand,
} from '@aws-sdk/client-bedrock-agentcore';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AgentEvent } from '../core/events.ts';
import type { Logger } from '../core/logger.ts';
import type { HarnessInvocation, HarnessPort, InlineTool } from '../core/ports.ts';
import type { RenderedTool } from '../harness-catalog.ts';
import { toFailure } from './harness-errors.ts';
import { foldHarnessStream } from './harness-fold.ts';
import { releaseRequestBodies } from './harness-request-body.ts';
import { pacerFor, waitInQueue } from './harness-start-pacer.ts';
import { keepAliveAgents } from './keep-alive-agents.ts';

/** A run shows it is queued only after waiting this long, so a short wait does not flicker. */
const QUEUED_NOTE_AFTER_MS = 1000;

export interface HarnessAdapterOptions {
  harnessArn: string;
  qualifier?: string;
  region: string;
  idleTimeoutMs: number;
  maxRunMs: number;
  maxIterations?: number;
  timeoutSeconds?: number;
  throttleRetries: number;
  /** Starts a second this process sends to the harness (a burst waits its turn here: harness-start-pacer.ts). */
  startsPerSecond?: number;
  log: Logger;
  /** Base delay for throttling backoff (doubles per attempt, with jitter). */
  retryBaseMs?: number;
  /**
   * Tools the harness is deployed with, rendered from the one definition deploy/ also reads
   * (src/harness-catalog.ts). `tools` on an invocation replaces the harness's list, so an invocation
   * that adds inline functions must repeat these.
   */
  baseTools?: readonly RenderedTool[];
  /** Local sandbox only: the emulator's URL and its dummy credentials (otherwise the SDK's defaults). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class AgentCoreHarness implements HarnessPort {
  private readonly client: BedrockAgentCoreClient;

  constructor(private readonly o: HarnessAdapterOptions) {
    this.client = new BedrockAgentCoreClient({
      region: o.region,
      maxAttempts: 1,
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      ...(o.credentials ? { credentials: o.credentials } : {}),
      // Each run's stream holds one connection for as long as the agent works: the SDK's default
      // pool of 50 would make the 51st concurrent run wait, unseen, for another run to finish.
      requestHandler: new NodeHttpHandler({
        connectionTimeout: 10_000,
        socketTimeout: o.idleTimeoutMs,
        ...keepAliveAgents(),
      }),
    });
    releaseRequestBodies(this.client);
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
      // Keyed by the harness alone: AgentCore counts starts against the harness, whichever endpoint.
      const pacer = this.o.startsPerSecond ? pacerFor(this.o.harnessArn, this.o.startsPerSecond) : undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          let waited = 0;
          if (pacer) {
            const queue = waitInQueue(pacer, combined, QUEUED_NOTE_AFTER_MS);
            let shown = false;
            for (let r = await queue.next(); ; r = await queue.next()) {
              if (r.done) {
                waited = r.value;
                break;
              }
              shown = true;
              yield { type: 'queued', ahead: r.value };
            }
            if (shown && !combined.aborted) yield { type: 'admitted' };
          }
          if (combined.aborted) throw combined.reason ?? new Error('aborted');
          if (waited >= 1000 && attempt === 0)
            this.o.log.info(
              { waitedMs: waited, sessionId: inv.runtimeSessionId },
              'start paced to the harness rate',
            );
          const out = await this.client.send(
            new InvokeHarnessCommand({
              harnessArn: this.o.harnessArn,
              qualifier: this.o.qualifier,
              runtimeSessionId: inv.runtimeSessionId,
              // No runtimeUserId: with SigV4 the harness does not pass a user identity on to tools
              // (harness-security), and the header would need InvokeAgentRuntimeForUser, a grant to
              // act for any user id. The bot enforces who may do what itself.
              messages: messagesFor(inv),
              skills: inv.skillPaths.map(skillSource),
              ...(inv.inlineTools?.length
                ? { tools: toolsFor(inv.inlineTools, this.o.baseTools ?? []) }
                : {}),
              ...(inv.allowedTools ? { allowedTools: allowedFor(inv.allowedTools, inv.inlineTools) } : {}),
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
      // Delegated, not re-yielded: a for-await here was one more async-generator hop (promises and
      // microtasks) on every delta of every run, ~1,000 a run.
      yield* foldHarnessStream(
        stream,
        combined,
        signal,
        (stopReason) =>
          this.o.log.debug({ sessionId: inv.runtimeSessionId, stopReason }, 'harness turn completed'),
        !!inv.inlineTools?.length,
      );
    } finally {
      clearTimeout(timer);
    }
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

function toolsFor(inline: InlineTool[], base: readonly RenderedTool[]): HarnessTool[] {
  return [
    ...(base as HarnessTool[]),
    ...inline.map((t) => ({
      type: 'inline_function' as const,
      name: t.name,
      config: { inlineFunction: { description: t.description, inputSchema: t.inputSchema as never } },
    })),
  ];
}

/** The inline functions this invocation offers must stay usable under the command's allow-list. */
function allowedFor(allowed: readonly string[], inline: InlineTool[] | undefined): string[] {
  if (allowed.includes('*')) return [...allowed];
  return [...new Set([...allowed, ...(inline ?? []).map((t) => t.name)])];
}

/** A skill in the image is a path; with SKILLS_BASE_PATH=s3://… the harness loads it from S3. */
function skillSource(path: string): HarnessSkill {
  return path.startsWith('s3://') ? { s3: { uri: path.endsWith('/') ? path : `${path}/` } } : { path };
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
