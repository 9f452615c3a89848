/**
 * The AgentCore data plane's wire format, shared by the emulator's operations: rest-json errors
 * (x-amzn-errortype and a JSON message) before a stream, AWS event-stream frames after it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** An event (`:event-type`) or modeled exception (`:exception-type`) frame with a JSON payload. */
export function frame(kind: 'event' | 'exception', type: string, data: unknown): Buffer {
  return Buffer.from(
    codec.encode({
      headers: {
        ':message-type': { type: 'string', value: kind },
        [kind === 'event' ? ':event-type' : ':exception-type']: { type: 'string', value: type },
        ':content-type': { type: 'string', value: 'application/json' },
      },
      body: fromUtf8(JSON.stringify(data)),
    }),
  );
}

/** An unmodeled error frame (`:message-type=error`), which the SDK throws as a plain Error. */
export function errorFrame(code: string, message: string): Buffer {
  return Buffer.from(
    codec.encode({
      headers: {
        ':message-type': { type: 'string', value: 'error' },
        ':error-code': { type: 'string', value: code },
        ':error-message': { type: 'string', value: message },
      },
      body: new Uint8Array(0),
    }),
  );
}

export interface HttpError {
  status: number;
  errorType: string;
  message: string;
}

export function sendError(res: ServerResponse, e: HttpError): void {
  res.writeHead(e.status, { 'content-type': 'application/json', 'x-amzn-errortype': e.errorType });
  res.end(JSON.stringify({ message: e.message }));
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export const SESSION_ID = /^[a-zA-Z0-9][a-zA-Z0-9-_]*$/;

/** `runtimeSessionId` as each operation constrains it (InvokeHarness 33–100, the runtime operations 33–256). */
export function sessionIdProblem(id: string, max: 100 | 256): HttpError | undefined {
  if (id.length >= 33 && id.length <= max && SESSION_ID.test(id)) return undefined;
  return {
    status: 400,
    errorType: 'ValidationException',
    message: `1 validation error detected: Value '${id}' at 'runtimeSessionId' failed to satisfy constraint: Member must have length between 33 and ${max} and match [a-zA-Z0-9][a-zA-Z0-9-_]*`,
  };
}

export const missingAuth: HttpError = {
  status: 403,
  errorType: 'AccessDeniedException',
  message: 'Missing Authentication Token',
};
