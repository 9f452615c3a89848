/**
 * The HTTP front door for Slack requests. Bolt's receiver buffers up to 4 MB of any request before it
 * looks at the signature, so strangers could make the process hold hundreds of megabytes at once.
 * This guard runs first and spends nothing on a request that cannot be Slack's:
 *   1. a cap on requests being read that are not yet authenticated (the rest get 503 at once);
 *   2. the signature headers' shape and a symmetric timestamp window, before any body byte is read;
 *   3. a body limit sized to Slack's largest real payloads, enforced from Content-Length and while reading;
 *   4. a deadline for the body (a trickled body is cut off, not waited on for minutes);
 *   5. the HMAC over the bytes read, and a body that parses to an object (a signed `null` is refused here
 *      instead of crashing Bolt's listener).
 * Only then does Bolt see the request; it reuses the buffered body (`rawBody`) and verifies it again.
 * A slash command of ours is acked here first, before Bolt's pass (`verified`: command-early-ack.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPModuleFunctions } from '@slack/bolt';
import type { Logger } from '../core/logger.ts';

export interface RequestGuardOptions {
  signingSecret: string;
  /** Paths Bolt serves Slack traffic on (everything else, e.g. health probes, passes straight through). */
  paths: string[];
  bodyLimitBytes: number;
  /** Unauthenticated requests being read at once; more get 503 without being read. */
  maxUnauthenticated: number;
  /** A body must have fully arrived this long after its headers. */
  bodyTimeoutMs: number;
  /** Accepted clock difference either way, in seconds (Slack's own guidance: five minutes). */
  toleranceSeconds: number;
  log: Logger;
  now?: () => number;
  /**
   * Sees each request that passed every check, with its body already read: returns true when it
   * answered the request itself (the early slash-command ack), false to hand it to Bolt.
   */
  verified?: (
    req: IncomingMessage & { rawBody: Buffer },
    res: ServerResponse,
    form: ParsedForm,
    next: Listener,
  ) => boolean;
}

/** A form-encoded body, parsed (undefined for JSON bodies). */
export type ParsedForm = ReturnType<typeof parseQuery> | undefined;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;
/** Slack's `ssl_check=1&token=…` probe is unsigned and tiny; nothing larger is read unsigned. */
const SSL_CHECK_MAX_BYTES = 256;

export interface GuardStats {
  /** Unauthenticated requests currently being read. */
  reading: number;
  rejected: Record<string, number>;
}

export function guardSlackRequests(
  next: Listener,
  opts: RequestGuardOptions,
): Listener & { stats: GuardStats } {
  const now = opts.now ?? Date.now;
  const stats: GuardStats = { reading: 0, rejected: {} };

  const refuse = (
    res: ServerResponse,
    status: number,
    reason: string,
    extra: Record<string, string> = {},
  ) => {
    stats.rejected[reason] = (stats.rejected[reason] ?? 0) + 1;
    opts.log.debug({ status, reason }, 'refused a request to the Slack endpoint');
    if (res.headersSent || res.destroyed) return;
    // Close the connection: the rest of an unwanted body is not worth reading or keeping a socket for.
    res.writeHead(status, { connection: 'close', 'content-length': '0', ...extra });
    res.end();
  };

  const listener: Listener = (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || !opts.paths.includes(path)) {
      next(req, res);
      return;
    }
    const signature = header(req, 'x-slack-signature');
    const timestamp = header(req, 'x-slack-request-timestamp');
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    const unsigned = signature === undefined && timestamp === undefined;
    const limit = unsigned ? SSL_CHECK_MAX_BYTES : opts.bodyLimitBytes;

    if (stats.reading >= opts.maxUnauthenticated) {
      refuse(res, 503, 'busy', { 'retry-after': '1' });
      req.destroy();
      return;
    }
    if (!unsigned) {
      if (!signature || !SIGNATURE.test(signature) || !timestamp || !TIMESTAMP.test(timestamp)) {
        refuse(res, 401, 'malformed signature headers');
        return;
      }
      const skew = Math.abs(Math.floor(now() / 1000) - Number(timestamp));
      if (skew > opts.toleranceSeconds) {
        refuse(res, 401, 'timestamp outside the window');
        return;
      }
    }
    if (Number.isFinite(declared) && declared > limit) {
      refuse(res, 413, 'body too large');
      return;
    }

    stats.reading += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      stats.reading -= 1;
    };
    const timer = setTimeout(() => {
      refuse(res, 408, 'body too slow');
      req.destroy();
    }, opts.bodyTimeoutMs);
    req.once('close', () => {
      clearTimeout(timer);
      release();
    });

    HTTPModuleFunctions.bufferIncomingMessage(req, limit).then(
      (buffered) => {
        clearTimeout(timer);
        release();
        if (res.headersSent) return;
        const raw = buffered.rawBody;
        if (unsigned) {
          const form = parseQuery(raw.toString('utf8'));
          if (contentType(req) === 'application/x-www-form-urlencoded' && form.ssl_check === '1') {
            res.writeHead(200, { 'content-length': '0' });
            res.end();
          } else refuse(res, 401, 'unsigned');
          return;
        }
        if (!validSignature(opts.signingSecret, timestamp!, raw, signature!)) {
          refuse(res, 401, 'signature mismatch');
          return;
        }
        const form = contentType(req) === 'application/x-www-form-urlencoded' ? parseForm(raw) : undefined;
        if (!isObjectBody(req, raw, form)) {
          refuse(res, 400, 'body is not an object');
          return;
        }
        if (opts.verified?.(buffered, res, form, next)) return;
        next(buffered, res);
      },
      (err: unknown) => {
        clearTimeout(timer);
        release();
        const tooLarge =
          HTTPModuleFunctions.isRawBodyError(err) && (err as { statusCode: number }).statusCode === 413;
        refuse(res, tooLarge ? 413 : 400, tooLarge ? 'body too large' : 'body unreadable');
        req.destroy();
      },
    );
  };
  return Object.assign(listener, { stats });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function contentType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function validSignature(secret: string, timestamp: string, body: Buffer, signature: string): boolean {
  const mac = createHmac('sha256', secret);
  mac.update(`v0:${timestamp}:`);
  mac.update(body);
  const expected = Buffer.from(`v0=${mac.digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Slack sends JSON objects (events) or forms (commands; interactions carry a JSON object in `payload`). */
function isObjectBody(req: IncomingMessage, raw: Buffer, form: ParsedForm): boolean {
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  try {
    if (contentType(req) === 'application/x-www-form-urlencoded') {
      return typeof form?.payload === 'string' ? isObject(JSON.parse(form.payload)) : true;
    }
    return isObject(JSON.parse(raw.toString('utf8')));
  } catch {
    return false;
  }
}

function parseForm(raw: Buffer): ParsedForm {
  return parseQuery(raw.toString('utf8'));
}

/**
 * node:http server timeouts for the receiver: headers must arrive within 5 s and a whole request within
 * 10 s (Node's defaults are 60 s and 5 min), checked every second instead of every 30 s.
 */
export const HTTP_SERVER_TIMEOUTS = {
  headersTimeout: 5_000,
  requestTimeout: 10_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
};
