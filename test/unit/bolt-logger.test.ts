/** Bolt's debug messages are built only when debug logging is on (Bolt logs on every request). */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../src/slack/bolt-logger.ts';

function payload() {
  const seen = { serialized: 0 };
  const body = {
    toJSON: () => {
      seen.serialized++;
      return { text: 'what someone wrote' };
    },
  };
  return { seen, body };
}

function capture(level: string) {
  const lines: string[] = [];
  const log = pino({ level }, { write: (l: string) => lines.push(l) });
  return { log, lines };
}

describe('Bolt logger', () => {
  it('does not build debug messages while debug is off', () => {
    const { log, lines } = capture('info');
    const { seen, body } = payload();
    boltLogger(log).debug('http request', body);
    expect(seen.serialized).toBe(0);
    expect(lines).toEqual([]);
  });

  it('builds and logs them, without the content, when debug is on', () => {
    const { log, lines } = capture('debug');
    const { seen, body } = payload();
    boltLogger(log).debug('http request', body);
    expect(seen.serialized).toBe(1);
    expect(lines.join()).toContain('http request');
    expect(lines.join()).not.toContain('what someone wrote');
  });
});
