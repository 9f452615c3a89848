import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DEFAULT_PRICES, estimateCost, parsePriceTable } from '../../src/core/cost.ts';
import { replyMessage } from '../../src/slack/blocks.ts';

const BASE = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 's',
  HARNESS_ARN: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/opsagent-AbCdEf1234',
};

describe('token cost estimate', () => {
  it('prices input, output and cache tokens per million', () => {
    const cost = estimateCost(
      {
        inputTokens: 1_000_000,
        outputTokens: 100_000,
        totalTokens: 1_100_000,
        cacheReadInputTokens: 2_000_000,
      },
      DEFAULT_PRICES,
    );
    expect(cost?.usd).toBeCloseTo(3 + 1.5 + 0.6, 6);
    expect(cost?.model).toBe('Claude Sonnet 4.5');
    expect(estimateCost(undefined, DEFAULT_PRICES)).toBeUndefined();
    expect(estimateCost({ inputTokens: 1, outputTokens: 1, totalTokens: 2 }, undefined)).toBeUndefined();
  });

  it('reads a configured price table, off, or the default; a bad one is a config error', () => {
    expect(loadConfig(BASE).streaming.prices).toEqual(DEFAULT_PRICES);
    expect(loadConfig({ ...BASE, TOKEN_PRICES: 'off' }).streaming.prices).toBeUndefined();
    expect(loadConfig({ ...BASE, TOKEN_PRICES: 'Nova Pro:input=0.8,output=3.2' }).streaming.prices).toEqual({
      model: 'Nova Pro',
      inputPerMTok: 0.8,
      outputPerMTok: 3.2,
      cacheReadPerMTok: 0,
      cacheWritePerMTok: 0,
    });
    expect(() => loadConfig({ ...BASE, TOKEN_PRICES: 'input=abc' })).toThrow(/TOKEN_PRICES/);
    expect(parsePriceTable('x:input=1')).toMatch(/output/);
  });

  it('reads the streaming settings', () => {
    const c = loadConfig({
      ...BASE,
      STREAM_MODE: 'native',
      STREAM_ROLLOVER_SECONDS: '200',
      REPORT_FILES: 'off',
    });
    expect(c.streaming).toMatchObject({ mode: 'native', rolloverMs: 200_000, reportFiles: undefined });
    expect(loadConfig(BASE).streaming).toMatchObject({ mode: 'edit', reportFiles: '/tmp/reports/*.md' });
    expect(() => loadConfig({ ...BASE, STREAM_MODE: 'sse' })).toThrow(/STREAM_MODE/);
    expect(() => loadConfig({ ...BASE, REPORT_FILES: '/tmp/x; rm -rf /' })).toThrow(/REPORT_FILES/);
  });

  it('shows the estimate in the footer, labelled as one', () => {
    const msg = replyMessage({
      body: 'Done.',
      result: {
        outcome: 'done',
        elapsedMs: 65_000,
        toolCalls: 2,
        usage: { inputTokens: 12_000, outputTokens: 3_000, totalTokens: 15_000 },
        cost: { usd: 0.081, model: 'Claude Sonnet 4.5' },
      },
    });
    expect(JSON.stringify(msg.blocks)).toContain('≈ $0.08 est. (Claude Sonnet 4.5 list prices)');
  });
});
