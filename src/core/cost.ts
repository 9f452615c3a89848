/**
 * Token cost estimate from a configured price table (USD per million tokens). It is an estimate:
 * list prices, no discounts, and whatever the harness reports as usage.
 */
import type { Usage } from './events.ts';

export interface PriceTable {
  /** What the prices are for, shown next to the estimate. */
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  cacheReadPerMTok: number;
  cacheWritePerMTok: number;
}

/** Anthropic Claude Sonnet 4.5 on Bedrock (the deploy default), on-demand list prices. */
export const DEFAULT_PRICES: PriceTable = {
  model: 'Claude Sonnet 4.5',
  inputPerMTok: 3,
  outputPerMTok: 15,
  cacheReadPerMTok: 0.3,
  cacheWritePerMTok: 3.75,
};

export function estimateCost(usage: Usage | undefined, prices: PriceTable | undefined) {
  if (!usage || !prices) return undefined;
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  const usd =
    (usage.inputTokens * prices.inputPerMTok +
      usage.outputTokens * prices.outputPerMTok +
      cacheRead * prices.cacheReadPerMTok +
      cacheWrite * prices.cacheWritePerMTok) /
    1_000_000;
  return { usd, model: prices.model };
}

/**
 * Parses `Model name:input=3,output=15,cache_read=0.3,cache_write=3.75` (USD per million tokens);
 * returns an error message when it does not parse.
 */
export function parsePriceTable(spec: string): PriceTable | string {
  const colon = spec.lastIndexOf(':');
  const model = colon > 0 ? spec.slice(0, colon).trim() : 'configured prices';
  const fields = new Map<string, number>();
  for (const part of (colon > 0 ? spec.slice(colon + 1) : spec).split(',')) {
    const [k, v] = part.split('=').map((x) => x.trim());
    const n = Number(v);
    if (!k || v === undefined || v === '' || !Number.isFinite(n) || n < 0)
      return `cannot read "${part.trim()}"`;
    fields.set(k, n);
  }
  const unknown = [...fields.keys()].filter(
    (k) => !['input', 'output', 'cache_read', 'cache_write'].includes(k),
  );
  if (unknown.length > 0) return `unknown price ${unknown.join(', ')}`;
  if (!fields.has('input') || !fields.has('output')) return 'needs at least input= and output=';
  return {
    model,
    inputPerMTok: fields.get('input')!,
    outputPerMTok: fields.get('output')!,
    cacheReadPerMTok: fields.get('cache_read') ?? 0,
    cacheWritePerMTok: fields.get('cache_write') ?? 0,
  };
}
