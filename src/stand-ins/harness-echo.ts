/**
 * What the emulated agent says when no test scripted an answer: it echoes the user's last message,
 * so a test that only cares about the Slack side still sees a complete, well-formed stream.
 */
import type { Invocation, Scenario } from './harness-types.ts';

/** Text of the last user message of an invocation. */
export function userText(inv: Invocation): string {
  const last = inv.body.messages.at(-1);
  return (last?.content ?? [])
    .map((b) => (typeof b.text === 'string' ? b.text : ''))
    .join('\n')
    .trim();
}

export const defaultEcho: Scenario = (inv) => ({
  steps: [
    { event: 'messageStart', data: { role: 'assistant' } },
    {
      event: 'contentBlockDelta',
      data: { contentBlockIndex: 0, delta: { text: `You said: ${userText(inv)}` } },
    },
    { event: 'contentBlockStop', data: { contentBlockIndex: 0 } },
    { event: 'messageStop', data: { stopReason: 'end_turn' } },
    {
      event: 'metadata',
      data: { usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, metrics: { latencyMs: 5 } },
    },
  ],
});
