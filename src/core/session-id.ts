/**
 * Harness runtime session ids: 33–100 characters of [a-zA-Z0-9][a-zA-Z0-9-_]*. The id carries the
 * thread (for tracing in AWS logs) plus a random part, so a new session for the same thread never
 * collides with an old microVM.
 */
import { randomBytes } from 'node:crypto';
import type { ThreadKey } from './ports.ts';

const VALID = /^[a-zA-Z0-9][a-zA-Z0-9-_]{32,99}$/;

export function newRuntimeSessionId(
  key: ThreadKey,
  random: () => string = () => randomBytes(8).toString('hex'),
): string {
  const clean = (s: string, n: number) => s.replace(/[^a-zA-Z0-9]/g, '_').slice(0, n);
  const id = `slack-${clean(key.teamId, 16)}-${clean(key.channel, 16)}-${clean(key.threadTs, 20)}-${random()}`;
  if (!VALID.test(id)) throw new Error(`generated an invalid runtime session id: ${id}`);
  return id;
}

export function isValidRuntimeSessionId(id: string): boolean {
  return VALID.test(id);
}
