/**
 * The RDS stand-in's wire rules, in the AWS query protocol as @aws-sdk/client-rds speaks it: the request's
 * filters (`Filters.Filter.N.Name`, `Filters.Filter.N.Values.Value.M`), MaxRecords and an opaque Marker bound
 * to its query, the XML answers (member names as the SDK's schema names them) and RDS's error document.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export const VERSION = '2014-10-31';
const NS = `http://rds.amazonaws.com/doc/${VERSION}/`;

/** An RDS error as the query protocol carries it (the code is the model's awsQueryError code). */
export class RdsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Filter {
  name: string;
  values: string[];
}

/** The request's filters in order; a filter needs a name and at least one value (both required in the model). */
export function filtersOf(p: URLSearchParams): Filter[] {
  const out: Filter[] = [];
  for (let i = 1; hasPrefix(p, `Filters.Filter.${i}.`); i++) {
    const name = p.get(`Filters.Filter.${i}.Name`);
    const values: string[] = [];
    for (let j = 1; p.has(`Filters.Filter.${i}.Values.Value.${j}`); j++)
      values.push(p.get(`Filters.Filter.${i}.Values.Value.${j}`)!);
    if (!name)
      throw new RdsError(
        400,
        'MissingParameter',
        `The request must contain the parameter Filters.Filter.${i}.Name`,
      );
    if (values.length === 0)
      throw new RdsError(400, 'InvalidParameterValue', `The filter ${name} must have at least one value`);
    out.push({ name, values });
  }
  return out;
}

function hasPrefix(p: URLSearchParams, prefix: string): boolean {
  for (const k of p.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

/** RDS's documented page size: MaxRecords from 20 to 100, 100 when not given. */
export function maxRecords(p: URLSearchParams): number {
  const raw = p.get('MaxRecords');
  if (raw === null) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 20 || n > 100)
    throw new RdsError(
      400,
      'InvalidParameterValue',
      `Invalid value ${raw} for MaxRecords. Must be between 20 and 100`,
    );
  return n;
}

/** One page of `items`; the Marker is opaque and valid only for the query that issued it. */
export function page<T>(items: T[], p: URLSearchParams, query: unknown): { items: T[]; marker?: string } {
  const max = maxRecords(p);
  const key = createHash('sha256').update(JSON.stringify(query)).digest('hex').slice(0, 16);
  let from = 0;
  const marker = p.get('Marker');
  if (marker !== null) {
    const [k, n] = Buffer.from(marker, 'base64url').toString().split(':');
    from = Number(n);
    if (k !== key || !Number.isInteger(from) || from < 0 || from > items.length)
      throw new RdsError(400, 'InvalidParameterValue', 'The marker provided is not valid');
  }
  const next =
    from + max < items.length ? Buffer.from(`${key}:${from + max}`).toString('base64url') : undefined;
  return { items: items.slice(from, from + max), ...(next ? { marker: next } : {}) };
}

/** An element, or nothing when the value is absent. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${x(String(value))}</${name}>`;
}

export function tagList(tags: Record<string, string>): string {
  return `<TagList>${Object.entries(tags)
    .map(([k, v]) => `<Tag>${el('Key', k)}${el('Value', v)}</Tag>`)
    .join('')}</TagList>`;
}

export function answer(res: ServerResponse, action: string, result: string): void {
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(
    `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

/** RDS's error document: Type Sender for client errors, Receiver for its own. */
export function error(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(
    `<ErrorResponse xmlns="${NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${x(code)}</Code><Message>${x(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

function x(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
