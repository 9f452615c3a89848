/**
 * The assistant message the harness adapter hands back is only replayed to answer inline calls. With
 * 1,000 runs streaming it was a third copy of every answer in the bot's memory: the adapter keeps its
 * text only when the invocation offered inline functions (the real adapter and SDK against the
 * harness emulator).
 */
import { describe, expect, it } from 'vitest';
import { AgentCoreHarness } from '../../src/adapters/harness.ts';
import type { AgentEvent } from '../../src/core/events.ts';
import type { HarnessInvocation } from '../../src/core/ports.ts';
import { createLogger } from '../../src/log.ts';
import { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/text-AbCdEf1234';
const TEXT = 'The node group runs pods without resource requests, so the scheduler waits.';
const INLINE = { name: 'request_approval', description: 'Ask a person', inputSchema: { type: 'object' } };

describe('the assistant message of a completed turn', () => {
  it('carries the text when inline functions were offered, and none otherwise', async () => {
    const emulator = new HarnessEmulator({ harnessArn: ARN });
    const url = await emulator.start();
    try {
      const harness = new AgentCoreHarness({
        harnessArn: ARN,
        region: 'us-east-1',
        idleTimeoutMs: 10_000,
        maxRunMs: 20_000,
        throttleRetries: 0,
        log: createLogger('silent'),
        endpoint: url,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      });
      const run = async (i: number, more: Partial<HarnessInvocation>) => {
        emulator.enqueue(answer(TEXT, { chunk: 7 }));
        const events: AgentEvent[] = [];
        for await (const e of harness.invoke({
          runtimeSessionId: `text-test-session-${i}-0123456789abcdef0123456789`,
          userId: 'U1',
          prompt: 'hello',
          skillPaths: [],
          ...more,
        }))
          events.push(e);
        const shown = events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
        const done = events.at(-1) as Extract<AgentEvent, { type: 'completed' }>;
        return { shown, done };
      };
      const offered = await run(1, { inlineTools: [INLINE] });
      expect(offered.shown).toBe(TEXT);
      expect(offered.done.type).toBe('completed');
      expect(offered.done.assistantMessage).toEqual({ role: 'assistant', content: [{ text: TEXT }] });

      const plain = await run(2, {});
      expect(plain.shown).toBe(TEXT);
      expect(plain.done.type).toBe('completed');
      expect(plain.done.pending).toEqual([]);
      expect(plain.done.assistantMessage).toEqual({ role: 'assistant', content: [] });
    } finally {
      await emulator.stop();
    }
  }, 30_000);
});
