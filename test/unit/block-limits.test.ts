/**
 * Slack's cumulative block-text limit shrinks with each block (the validator models the strictest
 * reports); the bot's split size must leave every message it can render under it.
 */
import { describe, expect, it } from 'vitest';
import { explainFailure } from '../../src/core/explain.ts';
import { replyMessage } from '../../src/slack/blocks.ts';
import { SLACK_LIMITS } from '../../src/slack/limits.ts';
import { cumulativeLimit, validateBlocks } from '../../src/stand-ins/block-kit-validator.ts';

const md = (n: number) => ({ type: 'markdown', text: 'a'.repeat(n) });
const ctx = (n: number) => ({ type: 'context', elements: [{ type: 'mrkdwn', text: 'c'.repeat(n) }] });

describe('the cumulative block text limit', () => {
  it('matches the published measurements: 13,297 with one block, 13,172 with two', () => {
    expect(cumulativeLimit(1)).toBe(13_297);
    expect(cumulativeLimit(2)).toBe(13_172);
    expect(validateBlocks([md(11_000), ctx(2_173)])).toMatchObject({ error: 'msg_blocks_too_long' });
    expect(validateBlocks([md(11_000), ctx(2_172)])).toBeUndefined();
    // All markdown blocks together stay within 12,000 characters (Slack's markdown block reference).
    expect(validateBlocks([md(11_000), md(1_001)])).toMatchObject({ error: 'invalid_blocks' });
  });

  it('refuses a ~11,341-character payload of several blocks, and shrinks further with more blocks', () => {
    expect(validateBlocks([md(11_000), ctx(200), ctx(141)])).toMatchObject({ error: 'msg_blocks_too_long' });
    expect(validateBlocks([md(11_000), ctx(200), ctx(140)])).toBeUndefined();
    expect(cumulativeLimit(20)).toBeLessThan(cumulativeLimit(3));
  });

  it('every reply the bot renders from a full message body passes: live, continued, and final with a notice', () => {
    const body = `${'word '.repeat(SLACK_LIMITS.replyBodyBudget / 5 - 1)}end.`;
    expect(body.length).toBeLessThanOrEqual(SLACK_LIMITS.replyBodyBudget);
    const live = replyMessage({
      body,
      live: {
        elapsedMs: 3_723_000,
        note: 'Throttled by the harness; retrying in 30s (attempt 3). '.repeat(3),
        activity: [1, 2, 3].map((i) => ({
          label: `shell: ${'kubectl get pods -A -o wide '.repeat(4)}${i}`,
          state: 'running' as const,
        })),
        stopValue: 'C0GENERAL|1700000000.000100',
      },
    });
    const final = replyMessage({
      body,
      result: {
        outcome: 'failed',
        elapsedMs: 3_723_000,
        usage: {
          inputTokens: 1_234_567,
          outputTokens: 123_456,
          totalTokens: 1_358_023,
          cacheReadInputTokens: 1_000_000,
        },
        cost: { usd: 12.34, model: 'anthropic.claude-sonnet-4' },
        toolCalls: 75,
        notice: explainFailure({ code: 'throttled', message: 'Rate exceeded. '.repeat(20) } as never),
      },
    });
    for (const m of [live, final, replyMessage({ body, continued: true })])
      expect(validateBlocks(m.blocks)).toBeUndefined();
  });
});
