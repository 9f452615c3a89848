/**
 * Folds the InvokeHarness event stream into the bot's events, following the stream grammar the SDK
 * models (and what clients of the live service report):
 * - Several messages per invocation (assistant tool use, the harness's tool results, the answer).
 * - Tool blocks are keyed by toolUseId: a contentBlockIndex can be reused within one message for a
 *   second tool, even before the first block's stop, so a new start at a busy index closes the old block.
 * - Reasoning deltas are never shown, but are kept (text and signature) in the assistant message,
 *   which must be replayed intact when the turn resumes after an inline call.
 * - hookEvent frames (lifecycle hooks) are reported; toolResultMetadata is the harness's own
 *   bookkeeping and, like tool output, not shown. A hookEvent does not say which tool call it was
 *   about: tools of one response run in order and each hook fires once per call, so the n-th
 *   before_tool_call event of a hook is taken to be about the response's n-th tool call. An inline
 *   call a hook denied is never handed to the bot, so it leaves the pending list.
 * - Error members can arrive as events; a stream without a final messageStop is a failure.
 * - The assistant message keeps its text only when the invocation offered inline functions (only
 *   they leave a turn waiting to be resumed with it).
 */
import type { InvokeHarnessStreamOutput } from '@aws-sdk/client-bedrock-agentcore';
import type { AgentEvent, HookStage, PendingToolCall, ToolKind } from '../core/events.ts';
import { GatheredText } from '../core/gathered-text.ts';
import { toFailure } from './harness-errors.ts';

interface ToolBlock {
  toolUseId: string;
  name: string;
  type?: string;
  serverName?: string;
  input: string;
}

interface Reasoning {
  text: string;
  signature?: string;
  redacted?: Uint8Array;
}

const HOOK_STAGES: readonly HookStage[] = [
  'before_tool_call',
  'after_tool_call',
  'before_invocation',
  'after_invocation',
];

export async function* foldHarnessStream(
  stream: AsyncIterable<InvokeHarnessStreamOutput> | undefined,
  combined: AbortSignal,
  signal: AbortSignal | undefined,
  onCompleted?: (stopReason: string) => void,
  /**
   * The assistant message is only replayed to answer inline calls (a resume): an invocation that
   * offered no inline function cannot end waiting on one, so its message need not carry the text
   * (with 1,000 runs streaming, a third copy of every answer in the bot's memory).
   */
  keepAssistantText = true,
): AsyncIterable<AgentEvent> {
  let role: string | undefined;
  let lastStop: string | undefined;
  let wroteText = false;
  let endsWithNewline = true;
  /** The tool block open at each index, and every open block in start order. */
  const openAt = new Map<number, ToolBlock>();
  const open: ToolBlock[] = [];
  const reasoningAt = new Map<number, Reasoning>();
  let assistantContent: Array<Record<string, unknown>> = [];
  let assistantText = new GatheredText();
  let pending: PendingToolCall[] = [];
  /** The current response's tool calls in order, and how many before_tool_call events each hook sent. */
  let calls: Array<Extract<AgentEvent, { type: 'tool_started' }>> = [];
  const hookSeen = new Map<string, number>();

  const flushText = () => {
    if (assistantText.length > 0) assistantContent.push({ text: assistantText.value });
    assistantText = new GatheredText();
  };
  const closeReasoning = (idx: number) => {
    const r = reasoningAt.get(idx);
    if (!r) return;
    reasoningAt.delete(idx);
    flushText();
    assistantContent.push({
      reasoningContent: r.redacted
        ? { redactedContent: r.redacted }
        : { reasoningText: { text: r.text, ...(r.signature ? { signature: r.signature } : {}) } },
    });
  };
  /** A finished tool block: kept for the replay, reported, and pending when it is an inline function. */
  const closeTool = (block: ToolBlock): AgentEvent | undefined => {
    const i = open.indexOf(block);
    if (i < 0) return undefined;
    open.splice(i, 1);
    for (const [idx, b] of openAt) if (b === block) openAt.delete(idx);
    if (role !== 'assistant') return undefined;
    const input = parseJson(block.input);
    const kind: ToolKind = block.type === 'tool_use' ? 'inline' : block.serverName ? 'mcp' : 'builtin';
    flushText();
    assistantContent.push({
      toolUse: {
        toolUseId: block.toolUseId,
        name: block.name,
        input,
        ...(block.type ? { type: block.type } : {}),
      },
    });
    if (kind === 'inline') pending.push({ toolUseId: block.toolUseId, name: block.name, input });
    const started = {
      type: 'tool_started' as const,
      toolUseId: block.toolUseId,
      name: block.name,
      kind,
      server: block.serverName,
      input,
    };
    calls.push(started);
    return started;
  };

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
          assistantText = new GatheredText();
          pending = [];
          calls = [];
          hookSeen.clear();
          // Separate text from consecutive assistant messages (around tool calls) as paragraphs.
          if (wroteText && !endsWithNewline) yield { type: 'text', text: '\n\n' };
          endsWithNewline = true;
        }
      } else if (ev.contentBlockStart) {
        const idx = ev.contentBlockStart.contentBlockIndex ?? 0;
        const start = ev.contentBlockStart.start;
        if (start?.toolUse) {
          const busy = openAt.get(idx);
          if (busy) {
            const done = closeTool(busy);
            if (done) yield done;
          }
          const block: ToolBlock = {
            toolUseId: start.toolUse.toolUseId ?? '',
            name: start.toolUse.name ?? 'tool',
            type: start.toolUse.type,
            serverName: start.toolUse.serverName,
            input: '',
          };
          openAt.set(idx, block);
          open.push(block);
        } else if (start?.toolResult) {
          // The harness streams tool results as a user message: report completion, never the output.
          yield {
            type: 'tool_finished',
            toolUseId: start.toolResult.toolUseId ?? '',
            status: start.toolResult.status === 'error' ? 'error' : 'success',
          };
        }
      } else if (ev.contentBlockDelta) {
        const idx = ev.contentBlockDelta.contentBlockIndex ?? 0;
        const delta = ev.contentBlockDelta.delta;
        if (delta?.text !== undefined && role === 'assistant') {
          if (keepAssistantText) assistantText.add(delta.text);
          wroteText = true;
          endsWithNewline = delta.text.endsWith('\n');
          yield { type: 'text', text: delta.text };
        } else if (delta?.toolUse) {
          const block = openAt.get(idx);
          if (block) block.input += delta.toolUse.input ?? '';
        } else if (delta?.reasoningContent && role === 'assistant') {
          const r = reasoningAt.get(idx) ?? { text: '' };
          reasoningAt.set(idx, r);
          r.text += delta.reasoningContent.text ?? '';
          if (delta.reasoningContent.signature) r.signature = delta.reasoningContent.signature;
          if (delta.reasoningContent.redactedContent) r.redacted = delta.reasoningContent.redactedContent;
        }
      } else if (ev.contentBlockStop) {
        const idx = ev.contentBlockStop.contentBlockIndex ?? 0;
        closeReasoning(idx);
        const block = openAt.get(idx);
        if (block) {
          const done = closeTool(block);
          if (done) yield done;
        }
      } else if (ev.messageStop) {
        // Blocks the stream never stopped end with their message.
        for (const idx of [...reasoningAt.keys()]) closeReasoning(idx);
        for (const block of [...open]) {
          const done = closeTool(block);
          if (done) yield done;
        }
        lastStop = ev.messageStop.stopReason;
      } else if (ev.hookEvent) {
        const h = ev.hookEvent;
        const name = h.name ?? 'hook';
        const stage = HOOK_STAGES.find((s) => s === h.type);
        let tool: (typeof calls)[number] | undefined;
        if (stage === 'before_tool_call') {
          const n = hookSeen.get(name) ?? 0;
          hookSeen.set(name, n + 1);
          tool = calls[n];
          if (tool && h.decision === 'deny') pending = pending.filter((p) => p.toolUseId !== tool!.toolUseId);
        }
        yield {
          type: 'hook',
          name,
          ...(stage ? { stage } : {}),
          ...(h.decision === 'allow' || h.decision === 'deny' ? { decision: h.decision } : {}),
          ...(h.reason ? { reason: h.reason } : {}),
          ...(tool
            ? {
                tool: {
                  toolUseId: tool.toolUseId,
                  name: tool.name,
                  kind: tool.kind,
                  ...(tool.server ? { server: tool.server } : {}),
                  input: tool.input,
                },
              }
            : {}),
        };
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
  flushText();
  onCompleted?.(lastStop);
  yield {
    type: 'completed',
    stopReason: lastStop,
    pending: lastStop === 'tool_use' ? pending : [],
    assistantMessage: { role: 'assistant', content: assistantContent },
  };
}

function parseJson(s: string): unknown {
  if (!s) return {};
  try {
    return JSON.parse(s);
  } catch {
    return { raw: s };
  }
}
