import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../../src/log.ts';

// Token-shaped test values are assembled at run time, so the repository holds nothing that looks real.
const botToken = (digits: string, rest: string) => ['xoxb', digits, rest].join('-');
const appToken = (rest: string) => ['xapp', '1', rest].join('-');

describe('log redaction', () => {
  it('masks Slack tokens and AWS secrets inside any string', () => {
    const s = redactSecrets(
      `token ${botToken('1234567890', 'abcdefghij')} and ${appToken('A0-123456')} key AKIAIOSFODNN7EXAMPLE aws_secret_access_key=abc/def Credential=AKIA/2026/us-east-1`,
    );
    expect(s).not.toMatch(/xoxb-1234|xapp-1-A0|AKIAIOSFODNN7EXAMPLE|abc\/def/);
    expect(s).toContain('[redacted]');
  });

  it('keeps secrets out of structured logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink as never);
    log.info(
      {
        token: 'xoxb-9999999999-secret',
        nested: { note: 'used xoxb-1111111111-leak' },
        headers: { authorization: 'Bearer x' },
      },
      'calling Slack with xoxb-2222222222-inmsg',
    );
    log.error({ err: new Error(`failed with ${appToken('SECRET-999')}`) }, 'boom');
    await new Promise((r) => setTimeout(r, 20));
    const out = lines.join('');
    expect(out).not.toMatch(/xoxb-\d|xapp-1-SECRET|Bearer x/);
    expect(out).toContain('[redacted]');
  });
});
