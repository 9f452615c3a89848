/**
 * When no SESSIONS_TABLE is configured the bot runs an embedded DynamoDB-compatible server
 * (dynalite, data on disk under DATA_DIR) and creates its table there, so the same store code
 * path runs locally and in production.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';

export const EMBEDDED_TABLE = 'agentcore-slack-bot';
export const EMBEDDED_CREDENTIALS = { accessKeyId: 'embedded', secretAccessKey: 'embedded' };

export interface EmbeddedDynamo {
  endpoint: string;
  table: string;
  close(): Promise<void>;
}

/** Starts dynalite on a loopback port; `dataDir` undefined keeps everything in memory. */
export async function startEmbeddedDynamo(
  dataDir: string | undefined,
  region: string,
): Promise<EmbeddedDynamo> {
  let path: string | undefined;
  if (dataDir) {
    path = resolve(dataDir, 'dynamodb');
    checkWritable(dataDir, path);
  }
  // Imported here, not with this module: a bot given SESSIONS_TABLE (or another replica's store) never
  // starts one, and dynalite with its LevelDB costs ~19 MB of RSS and ~3 MB of JS heap once loaded.
  const { default: dynalite } = await import('dynalite');
  const server: Server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const gate = gateRequests(server);
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await ensureTable(endpoint, region, EMBEDDED_TABLE);
  return {
    endpoint,
    table: EMBEDDED_TABLE,
    // Called after the runner's drain. A run still talking to the store has outlived its deadline:
    // its new requests are refused, the ones already inside dynalite finish (closing the database
    // under them throws from dynalite's callbacks, out of anyone's reach), then every connection is
    // cut, since waiting for a busy keep-alive connection to go idle could hold shutdown open forever.
    close: async () => {
      await gate.refuseAndSettle(CLOSE_SETTLE_MS);
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      });
    },
  };
}

/** How long close() lets requests already inside dynalite finish (each takes milliseconds). */
const CLOSE_SETTLE_MS = 2_000;

/**
 * Puts a gate in front of dynalite's request handler: counts the requests it is serving and, once
 * closing, answers new ones with DynamoDB's 503 instead of handing them to a database about to close.
 */
function gateRequests(server: Server) {
  const [handler] = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (!handler) throw new Error('dynalite did not install a request handler');
  server.removeAllListeners('request');
  let closing = false;
  let inside = 0;
  let settled: (() => void) | undefined;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0', connection: 'close' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
          message: 'The store is shutting down.',
        }),
      );
      return;
    }
    inside++;
    // 'finish' is the answer written; 'close' covers a client that went away mid-request.
    let done = false;
    const leave = () => {
      if (done) return;
      done = true;
      inside--;
      if (inside === 0) settled?.();
    };
    res.once('finish', leave);
    res.once('close', leave);
    handler(req, res);
  });
  return {
    async refuseAndSettle(maxMs: number): Promise<void> {
      closing = true;
      server.closeIdleConnections();
      if (inside === 0) return;
      await new Promise<void>((res) => {
        const timer = setTimeout(res, maxMs);
        settled = () => {
          clearTimeout(timer);
          res();
        };
      });
    },
  };
}

/** DATA_DIR cannot hold the embedded store: a configuration problem, said before anything starts. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/**
 * Creates the store's directory and writes a probe file in it, so a read-only, missing or
 * non-directory DATA_DIR is reported as such at startup (the store itself would die later with a
 * stack trace, or lose writes).
 */
function checkWritable(dataDir: string, path: string): void {
  const probe = resolve(path, `.write-probe-${process.pid}`);
  try {
    mkdirSync(path, { recursive: true });
    writeFileSync(probe, 'ok');
    rmSync(probe, { force: true });
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    const why =
      code === 'EROFS'
        ? 'is on a read-only file system'
        : code === 'EACCES' || code === 'EPERM'
          ? 'is not writable by this user'
          : code === 'ENOSPC'
            ? 'is on a full disk'
            : code === 'ENOTDIR' || code === 'EEXIST'
              ? 'is not a directory'
              : `cannot be written (${code})`;
    throw new DataDirError(
      `DATA_DIR "${dataDir}" ${why}, so the embedded session store cannot keep its data there. Point DATA_DIR at a writable directory, or set SESSIONS_TABLE to use a DynamoDB table.`,
    );
  }
}

/** An exception thrown by dynalite inside its own callbacks (a full or failing disk), which nothing else can catch. */
export function isEmbeddedStoreCrash(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  // LevelDB's errors (LEVEL_IO_ERROR on a full disk) carry no stack; dynalite's own carry its path.
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('LEVEL_')) return true;
  return /[\\/]node_modules[\\/](dynalite|level[a-z-]*|classic-level)[\\/]/.test(
    (err as { stack?: string }).stack ?? '',
  );
}

/**
 * Creates the bot's table (the same key shape the CDK stack deploys) if it does not exist.
 * dynalite has no TTL support, so expired records stay locally; nothing relies on TTL deletion for
 * correctness (DynamoDB itself deletes expired items lazily, up to days later).
 */
export async function ensureTable(endpoint: string, region: string, table: string): Promise<void> {
  const client = new DynamoDBClient({ region, endpoint, credentials: EMBEDDED_CREDENTIALS });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        // Sparse index of pending approvals (by expiry) and running experiments.
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  await client.send(new DescribeTableCommand({ TableName: table }));
  client.destroy();
}
