/**
 * The CloudWatch stand-in's wire rules: the SDK model's member constraints (as the query API's
 * ValidationError texts), opaque next tokens bound to their query, and awsJson1_0 answers with
 * query-compatible errors (`x-amzn-query-error`).
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { KINDS, type Kind } from './cloudwatch-emulator-model.ts';

export function nameOk(v: unknown): boolean {
  return typeof v === 'string' && v.length >= 1 && v.length <= 255;
}

export function listOf(
  v: unknown,
  field: string,
  max: number,
  each: (s: unknown) => boolean,
): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return `Value at '${field}' must be a list`;
  if (v.length > max)
    return `Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
  if (!v.every(each))
    return `Value at '${field}' failed to satisfy constraint: Member must satisfy constraint: [Member must have length between 1 and 255]`;
  return undefined;
}

export function optionalString(v: unknown, field: string): string | undefined {
  return v === undefined || nameOk(v)
    ? undefined
    : `Value at '${field}' failed to satisfy constraint: Member must have length between 1 and 255`;
}

export function kindsProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((k) => KINDS.includes(k as Kind)))
    return "Value at 'alarmTypes' failed to satisfy constraint: Member must satisfy enum value set: [CompositeAlarm, MetricAlarm, LogAlarm]";
  return undefined;
}

export function maxRecordsProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100)
    return `Value '${String(v)}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100`;
  return undefined;
}

/** Opaque tokens bound to the query: a token reused on another query is InvalidNextToken. */
export function paginate<T>(
  items: T[],
  b: Record<string, unknown>,
  query: unknown[],
): { items: T[]; next?: string } | string {
  const max = typeof b.MaxRecords === 'number' ? b.MaxRecords : 50;
  const key = createHash('sha256').update(JSON.stringify(query)).digest('hex').slice(0, 16);
  let from = 0;
  if (b.NextToken !== undefined) {
    const [k, n] = Buffer.from(String(b.NextToken), 'base64url').toString().split(':');
    from = Number(n);
    if (k !== key || !Number.isInteger(from) || from < 0 || from > items.length)
      return 'The next token specified is invalid.';
  }
  const next =
    from + max < items.length ? Buffer.from(`${key}:${from + max}`).toString('base64url') : undefined;
  return { items: items.slice(from, from + max), ...(next ? { next } : {}) };
}

export function ok(res: ServerResponse, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}

/** Query-compatible JSON error: `x-amzn-query-error: Code;Sender|Receiver` names the query error code. */
export function error(
  res: ServerResponse,
  status: number,
  code: string,
  type: string,
  message: string,
): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-query-error': `${code};${type}`,
  });
  res.end(JSON.stringify({ __type: `com.amazonaws.cloudwatch#${code}`, message }));
}
