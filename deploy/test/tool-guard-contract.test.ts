/**
 * The tool guard against AgentCore's published hook contract (test/fixtures/agentcore/harness-lifecycle-hooks.json,
 * excerpts of the developer guide's "Lifecycle hooks" page): the real Lambda handler is run on payloads built from
 * the documented example and field list, and its answer is checked against what the page says a Lambda target
 * must return. Anything the handler returned outside that shape would be "an invalid response", which the hook's
 * failureMode (deny) turns into a refusal of every tool call.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handler } from '../lambda/tool-guard/index.mjs';

interface HookDoc {
  payloadCommonExample: Record<string, unknown> & { context: Record<string, unknown> };
  contextFields: Record<string, string[]>;
  toolTypes: string[];
  truncatedFieldExample: { truncated: true; preview: string };
  lambdaHandlerExampleReturns: unknown[];
}

const doc = JSON.parse(
  readFileSync(
    path.join(
      import.meta.dirname,
      '..',
      '..',
      'test',
      'fixtures',
      'agentcore',
      'harness-lifecycle-hooks.json',
    ),
    'utf8',
  ),
) as HookDoc;

/** The documented common fields, with a before_tool_call context of exactly the documented field names. */
function beforeToolCall(toolName: string, toolInput: unknown, toolType = 'builtin') {
  const context: Record<string, unknown> = { toolName, toolType, toolInput, toolUseId: 'tooluse_0a1b2c3d' };
  expect(Object.keys(context).sort()).toEqual([...doc.contextFields.before_tool_call!].sort());
  expect(doc.toolTypes).toContain(toolType);
  return { ...doc.payloadCommonExample, name: 'tool-guard', event: 'before_tool_call', context };
}

/** What the page says a Lambda target returns: an object, decision allow|deny, an optional reason (≤ 1,024). */
function expectDocumentedAnswer(answer: unknown): asserts answer is { decision: string; reason?: string } {
  expect(answer).toBeTypeOf('object');
  const a = answer as Record<string, unknown>;
  expect(Object.keys(a).every((k) => k === 'decision' || k === 'reason')).toBe(true);
  expect(['allow', 'deny']).toContain(a.decision);
  if ('reason' in a) {
    expect(a.reason).toBeTypeOf('string');
    expect((a.reason as string).length).toBeLessThanOrEqual(1024);
  }
}

describe('tool guard: the documented hook contract', () => {
  it('the fixture’s own example answers have the shape the contract check accepts', () => {
    for (const r of doc.lambdaHandlerExampleReturns) expectDocumentedAnswer(r);
  });

  it('allows a read-only shell command in a documented before_tool_call payload', async () => {
    const answer = await handler(
      beforeToolCall('shell', { command: 'aws fis list-experiments --region us-west-2' }),
    );
    expectDocumentedAnswer(answer);
    expect(answer.decision).toBe('allow');
  });

  it('denies starting an experiment, with a reason the stream can carry', async () => {
    const answer = await handler(
      beforeToolCall('shell', {
        command: 'aws fis start-experiment --experiment-template-id EXT1a2b3c4d5e6f7',
      }),
    );
    expectDocumentedAnswer(answer);
    expect(answer.decision).toBe('deny');
    expect(answer.reason).toMatch(/approv/);
  });

  it('allows tools other than the shell (MCP, gateway, inline functions): the harness allow-list governs them', async () => {
    for (const [name, type] of [
      ['aws-knowledge-mcp', 'remote_mcp'],
      ['approvals___request', 'agentcore_gateway'],
      ['request_fis_approval', 'inline_function'],
    ] as const) {
      const answer = await handler(beforeToolCall(name, { query: 'FIS stop conditions' }, type));
      expectDocumentedAnswer(answer);
      expect(answer.decision).toBe('allow');
    }
  });

  it('denies a shell call whose input the harness truncated: the full command cannot be checked', async () => {
    const answer = await handler(
      beforeToolCall('shell', { ...doc.truncatedFieldExample, preview: '{"command":"aws fis' }),
    );
    expectDocumentedAnswer(answer);
    expect(answer.decision).toBe('deny');
    expect(answer.reason).toMatch(/truncated/);
  });

  it('denies the other lifecycle events it was not built for, saying so (it belongs on before_tool_call only)', async () => {
    const answer = await handler(doc.payloadCommonExample);
    expectDocumentedAnswer(answer);
    expect(answer.decision).toBe('deny');
    expect(answer.reason).toMatch(/before_tool_call/);
  });

  it('answers an unreadable payload in the documented shape (deny), rather than throwing', async () => {
    for (const bad of [null, {}, { event: 'before_tool_call' }, { event: 'before_tool_call', context: {} }]) {
      const answer = await handler(bad);
      expectDocumentedAnswer(answer);
      expect(answer.decision).toBe('deny');
    }
  });

  it('keeps a long reason within the documented 1,024 characters', async () => {
    const answer = await handler(beforeToolCall('shell', { command: `aws ec2 ${'x'.repeat(3000)}` }));
    expectDocumentedAnswer(answer);
  });
});
