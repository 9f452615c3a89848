/**
 * The rest-json wire of the FIS stand-in (fis-emulator.ts): which operation a request is, and how
 * answers and modelled errors go back (`x-amzn-errortype`, as the SDK's deserializer reads them).
 * Kept apart from the emulator so the file that holds FIS's behaviour does not also hold its framing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ListReply } from './fis-emulator-lists.ts';

export type FisOperation =
  | 'GetExperimentTemplate'
  | 'StartExperiment'
  | 'GetExperiment'
  | 'StopExperiment'
  | 'ListExperiments'
  | 'ListTargetAccountConfigurations'
  | 'Unknown';

export interface FisRequest {
  url: URL;
  /** Decoded path segments, e.g. ['experiments', 'EXP1']. */
  parts: string[];
  body: Record<string, unknown>;
}

export async function readRequest(req: IncomingMessage): Promise<FisRequest> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  return { url, parts, body };
}

/** The operation the SDK's rest-json routes to this method and path. */
export function operationOf(method: string | undefined, parts: string[]): FisOperation {
  if (method === 'GET' && parts[0] === 'experimentTemplates' && parts[1]) {
    if (!parts[2]) return 'GetExperimentTemplate';
    return parts[2] === 'targetAccountConfigurations' && !parts[3]
      ? 'ListTargetAccountConfigurations'
      : 'Unknown';
  }
  if (parts[0] !== 'experiments') return 'Unknown';
  if (method === 'POST' && !parts[1]) return 'StartExperiment';
  if (method === 'GET') return parts[1] ? 'GetExperiment' : 'ListExperiments';
  if (method === 'DELETE' && parts[1]) return 'StopExperiment';
  return 'Unknown';
}

export function send(res: ServerResponse, r: ListReply): void {
  if ('fault' in r) error(res, r.fault.status, r.fault.type, r.fault.message ?? '');
  else ok(res, r.body);
}

export function ok(res: ServerResponse, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function error(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message }));
}
