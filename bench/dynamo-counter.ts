/**
 * The session store's DynamoDB for the benchmark: dynalite in the stand-ins' process (production
 * DynamoDB is a remote service, so its work must not be charged to the bot process's CPU, nor
 * compete with the bot's event loop), counting every request by what it is for. The bot is pointed
 * at it through the `storeEndpoint` hook.
 *
 * Categories are read from the request itself (operation, key prefix, update expression), so a
 * change in the store's code that adds or removes a request shows up here without touching this file.
 * Each request's capacity units are estimated too (read and write request units: dynamo-capacity.ts).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import dynalite from 'dynalite';
import { EMBEDDED_TABLE, ensureTable } from '../src/adapters/embedded-dynamo.ts';
import { CapacityShadow, type Units } from './dynamo-capacity.ts';
import { type ThreadEnd, threadOfRequest } from './run-ends.ts';

export interface CountingDynamo {
  endpoint: string;
  /** Requests so far, by category ("dedup", "heartbeat", …). */
  counts(): Record<string, number>;
  /** Estimated capacity units so far (read and write request units), by category: dynamo-capacity.ts. */
  units(): Record<string, Units>;
  /** How long the stand-in took to answer each request (arrival to response sent), ms, by category. */
  serviceMs(): Record<string, number[]>;
  /** Per thread (`<channel>#<ts>`): when its finish was recorded and its last request answered (run-ends.ts). */
  ends(): Record<string, ThreadEnd>;
  /** Starts counting from zero. */
  reset(): void;
  close(): Promise<void>;
}

/** What one request is for, from its operation and body. */
export function categorize(target: string, body: string): string {
  const op = target.split('.').pop() ?? target;
  let req: {
    Item?: { pk?: { S?: string }; sk?: { S?: string } };
    UpdateExpression?: string;
    IndexName?: string;
    KeyConditionExpression?: string;
    ExpressionAttributeValues?: Record<string, { S?: string }>;
    RequestItems?: Record<string, { Keys?: Array<{ pk?: { S?: string } }> }>;
  } = {};
  try {
    req = JSON.parse(body);
  } catch {
    // An unparsable body is still a request; it is counted under its operation.
  }
  const pk = req.Item?.pk?.S ?? '';
  const sk = req.Item?.sk?.S ?? '';
  const upd = req.UpdateExpression ?? '';
  if (op === 'PutItem') {
    if (pk.startsWith('SEEN#')) return 'dedup (remember)';
    if (sk === 'SESSION') return 'session create (claim)';
    if (sk.startsWith('TURN#')) return 'turn log write';
    return `PutItem ${pk.split('#')[0]}`;
  }
  if (op === 'UpdateItem') {
    if (upd.startsWith('SET aliveUntil = :until')) return 'heartbeat';
    if (upd.startsWith('SET #s = :running')) return 'claim';
    if (upd.startsWith('SET #s = :st')) return 'finish';
    if (upd.startsWith('REMOVE #q[0]')) return 'queue pop';
    if (upd.includes('list_append')) return 'queue push';
    if (/^SET #f0 = :v0/.test(upd)) return 'turn note';
    if (upd.startsWith('SET stopRequestedBy')) return 'stop request';
    if (upd.startsWith('ADD #stops')) return 'stop notice';
    return `UpdateItem ${upd.slice(0, 24)}`;
  }
  if (op === 'Query') {
    if (!req.IndexName) return 'turn log read';
    // Index queries by partition: the reaper's two (see session-table.ts) and anything else on gsi1.
    const part = Object.values(req.ExpressionAttributeValues ?? {})[0]?.S ?? '';
    if (part === 'SESSIONS#running-by-owner') return 'reaper scan (query)';
    if (part === 'SESSIONS#running') return 'reaper scan, previous version (query)';
    return `index query ${part || '?'}`;
  }
  if (op === 'GetItem') return 'session read';
  if (op === 'BatchGetItem') {
    const first = Object.values(req.RequestItems ?? {})[0]?.Keys?.[0]?.pk?.S ?? '';
    return first.startsWith('OWNER#')
      ? 'reaper owner check (batch read)'
      : 'heartbeat claim check (batch read)';
  }
  return op;
}

export async function startCountingDynamo(region: string): Promise<CountingDynamo> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let counts: Record<string, number> = {};
  let units: Record<string, Units> = {};
  const shadow = new CapacityShadow();
  // Requests being answered: closing waits for them (dynalite throws if its store closes under one).
  let inFlight = 0;
  let service: Record<string, number[]> = {};
  let ends: Record<string, ThreadEnd> = {};
  // dynalite's own handler gets each request after the counter has read it (and asked an update for
  // its new image, to size items by: dynamo-capacity.ts); its answer goes back as the client expects.
  const store = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  server.removeListener('request', store);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const at = performance.now();
    inFlight++;
    res.on('close', () => inFlight--);
    const target = String(req.headers['x-amz-target'] ?? 'unknown');
    const chunks: Buffer[] = [];
    let cat = target;
    let thread: string | undefined;
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      cat = categorize(target, body);
      thread = threadOfRequest(body);
      counts[cat] = (counts[cat] ?? 0) + 1;
      const plan = shadow.plan(target, body);
      const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return end(chunk, ...rest);
        const settled = shadow.settle(plan, res.statusCode, chunk.toString());
        const u = units[cat] ?? { rru: 0, wru: 0 };
        units[cat] = { rru: u.rru + settled.units.rru, wru: u.wru + settled.units.wru };
        if (settled.text === chunk.toString()) return end(chunk, ...rest);
        res.setHeader('Content-Length', Buffer.byteLength(settled.text, 'utf8'));
        res.setHeader('x-amz-crc32', crc32(settled.text));
        return end(settled.text, ...rest);
      }) as typeof res.end;
      const forwarded = Object.assign(Readable.from([Buffer.from(plan.forward, 'utf8')]), {
        headers: { ...req.headers, 'content-length': String(Buffer.byteLength(plan.forward, 'utf8')) },
        method: req.method,
        url: req.url,
      });
      store(forwarded as unknown as IncomingMessage, res);
    });
    res.on('finish', () => {
      if (thread !== undefined) {
        // Answered, not arrived: the bench reads the counters once every run's end has been answered.
        const now = Date.now();
        const e = ends[thread] ?? { lastAt: now };
        e.lastAt = now;
        if (cat === 'finish' && res.statusCode === 200) e.finishAt = now;
        ends[thread] = e;
      }
      const list = service[cat] ?? [];
      list.push(performance.now() - at);
      service[cat] = list;
    });
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await ensureTable(endpoint, region, EMBEDDED_TABLE);
  counts = {};
  units = {};
  return {
    endpoint,
    counts: () => ({ ...counts }),
    units: () => structuredClone(units),
    serviceMs: () => service,
    ends: () => structuredClone(ends),
    reset: () => {
      counts = {};
      units = {};
      service = {};
      ends = {};
    },
    close: async () => {
      for (let waited = 0; inFlight > 0 && waited < 5_000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      await new Promise<void>((res) => {
        server.closeAllConnections?.();
        server.close(() => res());
      });
    },
  };
}
