import { describe, expect, it } from 'vitest';
import { StepTimeline } from '../../src/core/step-timeline.ts';
import { replyMessage } from '../../src/slack/blocks.ts';
import { validateBlocks } from '../../src/stand-ins/block-kit-validator.ts';

const steps = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    label: `running \`kubectl get pods -n namespace-${i} -o wide --show-labels\``,
    state: (i % 7 === 3 ? 'failed' : 'done') as 'done' | 'failed',
    ms: 1200 + i,
  }));

const result = (n: number) => ({
  outcome: 'done' as const,
  elapsedMs: 60_000,
  toolCalls: n,
  steps: steps(n),
  feedbackValue: 'C1|1.1',
});

describe('the answer’s step timeline and feedback buttons', () => {
  it('a long step list in a full answer still fits Slack’s block limits, saying how many steps it left out', () => {
    const msg = replyMessage({ body: 'x'.repeat(10_000), result: result(80) });
    expect(validateBlocks(msg.blocks)).toBeUndefined();
    const section = JSON.stringify(msg.blocks.find((b) => (b as { expand?: boolean }).expand === false));
    expect(section).toContain('80 tool calls, 11 failed');
    expect(section).toMatch(/…and \d+ more/);
    expect(JSON.stringify(msg.blocks)).toContain('"feedback_buttons"');
  });

  it('a short answer lists every step with its duration; Slack collapses a long list behind “See more”', () => {
    const msg = replyMessage({ body: 'Short.', result: result(5) });
    expect(validateBlocks(msg.blocks)).toBeUndefined();
    const section = msg.blocks.find((b) => (b as { expand?: boolean }).expand === false) as {
      text: { text: string };
    };
    expect(section.text.text.split('\n')).toHaveLength(6);
    expect(section.text.text).toContain(
      ':x: ran `kubectl get pods -n namespace-3 -o wide --show-labels` · 1.2s',
    );
  });

  it('no feedback buttons on an answer that failed or was stopped', () => {
    const msg = replyMessage({
      body: 'x',
      result: { ...result(1), outcome: 'failed', feedbackValue: undefined },
    });
    expect(JSON.stringify(msg.blocks)).not.toContain('feedback_buttons');
  });

  it('the timeline records each step once, with how it ended', () => {
    let now = 0;
    const t = new StepTimeline(() => now);
    t.started('a', 'running `ls`');
    t.started('b', 'running `sleep`');
    now = 2100;
    expect(t.finished('a', true)).toBe('ok · 2.1s');
    now = 5000;
    expect(t.finished('a', false)).toBe('ok · 2.1s');
    expect(t.lines()).toEqual([
      { label: 'running `ls`', state: 'done', ms: 2100 },
      { label: 'running `sleep`', state: 'running', ms: 5000 },
    ]);
  });
});
