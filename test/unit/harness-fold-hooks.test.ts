/**
 * hookEvents in the harness stream as the adapter reports them: a before_tool_call decision names no
 * tool, so the adapter ties each hook's n-th event of a response to that response's n-th tool call;
 * an inline call a hook denied is never handed over, so the bot must not run it.
 */
import type { InvokeHarnessStreamOutput } from '@aws-sdk/client-bedrock-agentcore';
import { describe, expect, it } from 'vitest';
import { foldHarnessStream } from '../../src/adapters/harness-fold.ts';
import type { AgentEvent } from '../../src/core/events.ts';

async function fold(events: unknown[]): Promise<AgentEvent[]> {
  async function* stream() {
    for (const e of events) yield e as InvokeHarnessStreamOutput;
  }
  const out: AgentEvent[] = [];
  const signal = new AbortController().signal;
  for await (const ev of foldHarnessStream(stream(), signal, signal)) out.push(ev);
  return out;
}

const use = (i: number, toolUseId: string, name: string, type: string, input: unknown) => [
  { contentBlockStart: { contentBlockIndex: i, start: { toolUse: { toolUseId, name, type } } } },
  { contentBlockDelta: { contentBlockIndex: i, delta: { toolUse: { input: JSON.stringify(input) } } } },
  { contentBlockStop: { contentBlockIndex: i } },
];
const hook = (name: string, decision: string, reason?: string) => ({
  hookEvent: {
    hookEventId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    name,
    type: 'before_tool_call',
    decision,
    reason,
  },
});

describe('harness adapter: hook events', () => {
  it('ties each before_tool_call decision to the tool call it is about, per hook', async () => {
    const events = await fold([
      { messageStart: { role: 'assistant' } },
      ...use(1, 't1', 'shell', 'server_tool_use', { command: 'aws fis list-experiments' }),
      ...use(2, 't2', 'shell', 'server_tool_use', {
        command: 'aws fis start-experiment --experiment-template-id E',
      }),
      { messageStop: { stopReason: 'tool_use' } },
      hook('audit', 'allow'),
      hook('guard', 'allow'),
      hook('audit', 'allow'),
      hook('guard', 'deny', 'needs approval'),
      { messageStart: { role: 'assistant' } },
      { messageStop: { stopReason: 'end_turn' } },
    ]);
    const hooks = events.filter((e) => e.type === 'hook');
    expect(hooks.map((h) => [h.name, h.decision, h.tool?.toolUseId])).toEqual([
      ['audit', 'allow', 't1'],
      ['guard', 'allow', 't1'],
      ['audit', 'allow', 't2'],
      ['guard', 'deny', 't2'],
    ]);
    expect(hooks[3]).toMatchObject({
      stage: 'before_tool_call',
      reason: 'needs approval',
      tool: {
        name: 'shell',
        kind: 'builtin',
        input: { command: 'aws fis start-experiment --experiment-template-id E' },
      },
    });
  });

  it('never hands the bot an inline call a hook denied', async () => {
    const events = await fold([
      { messageStart: { role: 'assistant' } },
      ...use(0, 'i1', 'request_fis_approval', 'tool_use', { templateId: 'EXT1' }),
      ...use(1, 'i2', 'post_summary', 'tool_use', { text: 'x' }),
      { messageStop: { stopReason: 'tool_use' } },
      hook('guard', 'deny', 'not allowed'),
      hook('guard', 'allow'),
    ]);
    const done = events.at(-1)!;
    expect(done.type).toBe('completed');
    expect(done.type === 'completed' && done.pending.map((p) => p.toolUseId)).toEqual(['i2']);
  });
});
