/**
 * The fake Slack's HTTP plumbing: request bodies as Slack's clients send them (JSON, or forms with
 * JSON-encoded nested values), JSON answers, and an observable list for ephemerals.
 * (Split out of fake-slack.ts, which had outgrown its size: the wiring stays there.)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An array that reports each push, so ephemerals can be observed like messages. */
export class ObservedList<T> extends Array<T> {
  constructor(private readonly onPush: (item: T) => void) {
    super();
  }
  static override get [Symbol.species]() {
    return Array;
  }
  override push(...items: T[]): number {
    const n = super.push(...items);
    for (const i of items) this.onPush(i);
    return n;
  }
}

export function parseParams(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // web-api sends nested values (blocks, attachments) JSON-encoded inside the form body.
    out[k] = (v.startsWith('[') || v.startsWith('{')) && isJson(v) ? JSON.parse(v) : v;
  }
  return out;
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
