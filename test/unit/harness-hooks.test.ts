/**
 * The harness emulator's lifecycle hooks against what AgentCore's "Lifecycle hooks" page says
 * (test/fixtures/agentcore/harness-lifecycle-hooks.json): failureMode on an error, a timeout or an
 * invalid answer; reasons limited to 1,024; concurrent hooks where any deny applies and the first
 * denying hook gives the reason; before_invocation deny ends with messageStop{hook_stopped}; the
 * hookEvent carries the documented fields; CreateHarness's limits on the hook list.
 */
import { describe, expect, it } from 'vitest';
import {
  type EmulatedHook,
  type HookCall,
  hooksProblem,
  withHooks,
} from '../../src/stand-ins/harness-hooks.ts';
import type { Step } from '../../src/stand-ins/harness-types.ts';
import { answer, toolCall } from '../../src/stand-ins/scenarios.ts';

const where = {
  harnessArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/ops-AbCdEfGhIj',
  sessionId: 'session-0123456789abcdef0123456789abcdef',
  messages: [{ role: 'user', content: [{ text: 'check the cluster' }] }],
};

const oneTool = (): Step[] =>
  (
    answer('ok', { tools: [toolCall('shell', { command: 'aws fis list-experiments' }, 'ran')] }) as {
      steps: Step[];
    }
  ).steps;

async function run(hooks: EmulatedHook[], steps = oneTool()) {
  const calls: HookCall[] = [];
  const out = await withHooks(steps, hooks, where, calls);
  const hookEvents = out.flatMap((s) =>
    'event' in s && s.event === 'hookEvent' ? [s.data as Record<string, unknown>] : [],
  );
  return { out, calls, hookEvents };
}

const tool = (lambda: EmulatedHook['lambda'], more: Partial<EmulatedHook> = {}): EmulatedHook => ({
  name: 'guard',
  event: 'before_tool_call',
  lambda,
  ...more,
});

describe('harness emulator hooks: failureMode', () => {
  it('applies deny (the default) when the Lambda throws, and allow when failureMode is allow', async () => {
    const boom = () => {
      throw new Error('Runtime.ExitError');
    };
    expect((await run([tool(boom)])).hookEvents[0]).toMatchObject({ decision: 'deny' });
    expect((await run([tool(boom, { failureMode: 'allow' })])).hookEvents[0]).toMatchObject({
      decision: 'allow',
    });
  });

  it('treats an answer without a valid decision as invalid (failureMode), whatever else it holds', async () => {
    for (const bad of [undefined, 'allow', { decision: 'ALLOW' }, { allow: true }, { decision: 'block' }]) {
      const { hookEvents, calls } = await run([tool(() => bad)]);
      expect(hookEvents[0]).toMatchObject({ decision: 'deny' });
      expect(calls[0]!.applied).toBe('deny');
    }
  });

  it('times out after timeoutSeconds and applies failureMode', async () => {
    const never = () => new Promise(() => {});
    const t0 = Date.now();
    const { hookEvents, calls } = await run([tool(never, { timeoutSeconds: 1, failureMode: 'allow' })]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(hookEvents[0]).toMatchObject({ decision: 'allow' });
    expect(calls[0]!.error).toMatch(/timed out/);
  });
});

describe('harness emulator hooks: decisions in the stream', () => {
  it('a before_tool_call deny skips the tool (error result, the script’s output never sent) and the loop goes on', async () => {
    const { out, hookEvents, calls } = await run([
      tool(() => ({ decision: 'deny', reason: 'x'.repeat(2000) })),
    ]);
    expect(calls[0]!.payload).toMatchObject({
      name: 'guard',
      event: 'before_tool_call',
      harnessArn: where.harnessArn,
      sessionId: where.sessionId,
      context: { toolName: 'shell', toolType: 'builtin', toolInput: { command: 'aws fis list-experiments' } },
    });
    expect(Object.keys(hookEvents[0]!).sort()).toEqual(['decision', 'hookEventId', 'name', 'reason', 'type']);
    expect(hookEvents[0]!.hookEventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect((hookEvents[0]!.reason as string).length).toBe(1024);
    const text = JSON.stringify(out);
    expect(text).not.toContain('"ran"');
    expect(text).toContain('"status":"error"');
    expect(text).toContain('Tool call denied by hook guard');
    expect(text).toContain('"stopReason":"end_turn"');
  });

  it('runs hooks of one event together: any deny applies, the first denying hook in the list gives the reason', async () => {
    const { out, hookEvents } = await run([
      tool(() => ({ decision: 'allow' }), { name: 'audit' }),
      tool(() => ({ decision: 'deny', reason: 'first' }), { name: 'a' }),
      tool(() => ({ decision: 'deny', reason: 'second' }), { name: 'b' }),
    ]);
    expect(hookEvents.map((h) => [h.name, h.decision])).toEqual([
      ['audit', 'allow'],
      ['a', 'deny'],
      ['b', 'deny'],
    ]);
    expect(JSON.stringify(out)).toContain('Tool call denied by hook a: first');
  });

  it('a before_invocation deny stops the run before the agent starts, with messageStop hook_stopped', async () => {
    const { out, calls } = await run([
      {
        name: 'freeze',
        event: 'before_invocation',
        lambda: () => ({ decision: 'deny', reason: 'change freeze' }),
      },
    ]);
    expect(calls[0]!.payload.context).toEqual({ messageCount: 1, messages: where.messages });
    expect(out).toEqual([
      expect.objectContaining({ event: 'hookEvent' }),
      { event: 'messageStop', data: { stopReason: 'hook_stopped' } },
    ]);
  });

  it('refuses to emulate a denied inline function (the harness then skips it without handing it over)', async () => {
    const inline: Step[] = [
      { event: 'messageStart', data: { role: 'assistant' } },
      {
        event: 'contentBlockStart',
        data: {
          contentBlockIndex: 0,
          start: { toolUse: { toolUseId: 't1', name: 'request_fis_approval', type: 'tool_use' } },
        },
      },
      { event: 'contentBlockStop', data: { contentBlockIndex: 0 } },
      { event: 'messageStop', data: { stopReason: 'tool_use' } },
    ];
    await expect(run([tool(() => ({ decision: 'deny' }))], inline)).rejects.toThrow(/inline function/);
  });
});

describe('harness emulator hooks: the hook list CreateHarness accepts', () => {
  const ok = tool(() => ({ decision: 'allow' }));
  it('refuses more than 20 hooks, duplicate or malformed names, and timeouts outside 1-900', () => {
    expect(hooksProblem([ok])).toBeUndefined();
    expect(hooksProblem(Array.from({ length: 21 }, (_, i) => ({ ...ok, name: `h${i}` })))).toMatch(/20/);
    expect(hooksProblem([ok, ok])).toMatch(/unique/);
    expect(hooksProblem([{ ...ok, name: 'tool guard' }])).toMatch(/name/);
    expect(hooksProblem([{ ...ok, timeoutSeconds: 0 }])).toMatch(/1-900/);
    expect(hooksProblem([{ ...ok, timeoutSeconds: 901 }])).toMatch(/1-900/);
  });
});
