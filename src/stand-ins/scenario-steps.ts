/**
 * Step builders for harness stream scripts, following the event order AgentCore documents: an assistant message
 * (text, toolUse blocks) → messageStop{tool_use} → a user message with the toolResult → messageStop{tool_result}
 * → the next assistant message … → metadata. The agents built from them are in scenarios.ts.
 */
import type { Reply, Step } from './harness-emulator.ts';

let toolCounter = 0;

/** A toolUseId no other step of this process has used (the harness's ids are unique per session). */
export function nextToolUseId(prefix = 'tooluse'): string {
  return `${prefix}_${++toolCounter}`;
}

export function assistantText(
  text: string,
  opts: { chunk?: number; delayMs?: number; index?: number } = {},
): Step[] {
  const chunk = opts.chunk ?? 40;
  const index = opts.index ?? 0;
  const steps: Step[] = [];
  for (let i = 0; i < text.length; i += chunk) {
    if (opts.delayMs) steps.push({ delayMs: opts.delayMs });
    steps.push({
      event: 'contentBlockDelta',
      data: { contentBlockIndex: index, delta: { text: text.slice(i, i + chunk) } },
    });
  }
  steps.push({ event: 'contentBlockStop', data: { contentBlockIndex: index } });
  return steps;
}

/** A tool call the harness runs itself (shell, or an MCP tool when `serverName` is set), with its result. */
export function toolCall(
  name: string,
  input: unknown,
  result: string,
  opts: { serverName?: string; status?: 'success' | 'error'; delayMs?: number; index?: number } = {},
): Step[] {
  const toolUseId = `tooluse_${++toolCounter}`;
  const index = opts.index ?? 1;
  const json = JSON.stringify(input);
  const half = Math.ceil(json.length / 2);
  return [
    {
      event: 'contentBlockStart',
      data: {
        contentBlockIndex: index,
        start: {
          toolUse: {
            toolUseId,
            name,
            type: opts.serverName ? 'mcp_tool_use' : 'server_tool_use',
            ...(opts.serverName ? { serverName: opts.serverName } : {}),
          },
        },
      },
    },
    {
      event: 'contentBlockDelta',
      data: { contentBlockIndex: index, delta: { toolUse: { input: json.slice(0, half) } } },
    },
    {
      event: 'contentBlockDelta',
      data: { contentBlockIndex: index, delta: { toolUse: { input: json.slice(half) } } },
    },
    { event: 'contentBlockStop', data: { contentBlockIndex: index } },
    { event: 'messageStop', data: { stopReason: 'tool_use' } },
    ...(opts.delayMs ? [{ delayMs: opts.delayMs }] : []),
    { event: 'messageStart', data: { role: 'user' } },
    {
      event: 'contentBlockStart',
      data: { contentBlockIndex: 0, start: { toolResult: { toolUseId, status: opts.status ?? 'success' } } },
    },
    { event: 'contentBlockDelta', data: { contentBlockIndex: 0, delta: { toolResult: [{ text: result }] } } },
    { event: 'contentBlockStop', data: { contentBlockIndex: 0 } },
    { event: 'messageStop', data: { stopReason: 'tool_result' } },
    { event: 'messageStart', data: { role: 'assistant' } },
  ];
}

export function usage(inputTokens: number, outputTokens: number): Step {
  return {
    event: 'metadata',
    data: {
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs: 1200 },
    },
  };
}

/** A complete answer: optional tool calls, then the text, then end_turn and usage. */
export function answer(
  text: string,
  opts: { tools?: Step[][]; chunk?: number; delayMs?: number; stopReason?: string } = {},
): Reply {
  return {
    steps: [
      { event: 'messageStart', data: { role: 'assistant' } },
      ...(opts.tools ?? []).flat(),
      ...assistantText(text, { chunk: opts.chunk, delayMs: opts.delayMs }),
      { event: 'messageStop', data: { stopReason: opts.stopReason ?? 'end_turn' } },
      usage(1800 + text.length, Math.ceil(text.length / 4)),
    ],
  };
}

/** A reasoning block (extended thinking): text deltas, then its signature, then the block's stop. */
export function reasoning(text: string, signature: string, index = 0): Step[] {
  return [
    { event: 'contentBlockDelta', data: { contentBlockIndex: index, delta: { reasoningContent: { text } } } },
    {
      event: 'contentBlockDelta',
      data: { contentBlockIndex: index, delta: { reasoningContent: { signature } } },
    },
    { event: 'contentBlockStop', data: { contentBlockIndex: index } },
  ];
}

/**
 * Several harness-run tools in one assistant message, with contentBlockIndex reused as live streams
 * have been seen to do ([{0,A},{0,B},{1,C}]): B starts at A's index before A's block stopped. Their
 * results follow as one user message, with json content and toolResultMetadata deltas.
 */
export function toolsReusingIndex(tools: Array<{ command: string; output: string }>, delayMs = 0): Step[] {
  const ids = tools.map(() => `tooluse_${++toolCounter}`);
  const index = (i: number) => (i < 2 ? 0 : i - 1);
  const uses: Step[] = tools.flatMap((t, i) => {
    const json = JSON.stringify({ command: t.command });
    return [
      {
        event: 'contentBlockStart',
        data: {
          contentBlockIndex: index(i),
          start: { toolUse: { toolUseId: ids[i], name: 'shell', type: 'server_tool_use' } },
        },
      },
      {
        event: 'contentBlockDelta',
        data: { contentBlockIndex: index(i), delta: { toolUse: { input: json } } },
      },
      // The first block is never stopped: the second one takes over its index.
      ...(i === 0 ? [] : [{ event: 'contentBlockStop', data: { contentBlockIndex: index(i) } }]),
      ...(delayMs ? [{ delayMs }] : []),
    ];
  });
  const results: Step[] = tools.flatMap((t, i) => [
    {
      event: 'contentBlockStart',
      data: { contentBlockIndex: i, start: { toolResult: { toolUseId: ids[i], status: 'success' } } },
    },
    {
      event: 'contentBlockDelta',
      data: { contentBlockIndex: i, delta: { toolResult: [{ text: t.output }, { json: { exitCode: 0 } }] } },
    },
    {
      event: 'contentBlockDelta',
      data: {
        contentBlockIndex: i,
        delta: { toolResultMetadata: { metadata: '{"durationMs":412,"truncated":false}' } },
      },
    },
    { event: 'contentBlockStop', data: { contentBlockIndex: i } },
  ]);
  return [
    ...uses,
    { event: 'messageStop', data: { stopReason: 'tool_use' } },
    { event: 'messageStart', data: { role: 'user' } },
    ...results,
    { event: 'messageStop', data: { stopReason: 'tool_result' } },
    { event: 'messageStart', data: { role: 'assistant' } },
  ];
}

/**
 * A tool call a blocking before_tool_call hook (a Lambda) denies: the harness reports the decision
 * and its reason in a hookEvent, skips the tool, returns an error result to the model, and the
 * agent's loop goes on.
 */
export function hookDeniedTool(command: string, hook: { name: string; reason: string }): Step[] {
  const toolUseId = `tooluse_${++toolCounter}`;
  return [
    {
      event: 'contentBlockStart',
      data: {
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId, name: 'shell', type: 'server_tool_use' } },
      },
    },
    {
      event: 'contentBlockDelta',
      data: { contentBlockIndex: 1, delta: { toolUse: { input: JSON.stringify({ command }) } } },
    },
    { event: 'contentBlockStop', data: { contentBlockIndex: 1 } },
    { event: 'messageStop', data: { stopReason: 'tool_use' } },
    {
      event: 'hookEvent',
      data: {
        hookEventId: `0b7c6f1e-5a43-4d8e-9f4a-${String(toolCounter).padStart(12, '0')}`,
        name: hook.name,
        type: 'before_tool_call',
        decision: 'deny',
        reason: hook.reason,
      },
    },
    { event: 'messageStart', data: { role: 'user' } },
    {
      event: 'contentBlockStart',
      data: { contentBlockIndex: 0, start: { toolResult: { toolUseId, status: 'error' } } },
    },
    {
      event: 'contentBlockDelta',
      data: {
        contentBlockIndex: 0,
        delta: { toolResult: [{ text: `Tool call denied by hook ${hook.name}: ${hook.reason}` }] },
      },
    },
    { event: 'contentBlockStop', data: { contentBlockIndex: 0 } },
    { event: 'messageStop', data: { stopReason: 'tool_result' } },
    { event: 'messageStart', data: { role: 'assistant' } },
  ];
}
