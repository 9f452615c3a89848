import { describe, expect, it } from 'vitest';
import { parseInvestigate } from '../../src/alerts/investigate-command.ts';

describe('/investigate arguments', () => {
  it('an alarm name may contain spaces; a trailing Region is taken off; otherwise the default Region', () => {
    expect(parseInvestigate('checkout 5xx eu-west-1', 'us-east-1')).toEqual({
      ok: true,
      name: 'checkout 5xx',
      region: 'eu-west-1',
    });
    expect(parseInvestigate('  checkout-5xx ', 'us-east-1')).toEqual({
      ok: true,
      name: 'checkout-5xx',
      region: 'us-east-1',
    });
    // A one-word name that looks like a Region is a name, not a Region.
    expect(parseInvestigate('us-east-1', 'us-west-2')).toMatchObject({
      ok: true,
      name: 'us-east-1',
      region: 'us-west-2',
    });
  });

  it('an ARN names the alarm and its Region, and nothing may follow it', () => {
    expect(
      parseInvestigate('arn:aws:cloudwatch:ap-south-1:123456789012:alarm:db cpu', 'us-east-1'),
    ).toMatchObject({
      ok: false,
    });
    expect(parseInvestigate('arn:aws:cloudwatch:ap-south-1:123456789012:alarm:db-cpu', 'us-east-1')).toEqual({
      ok: true,
      name: 'db-cpu',
      region: 'ap-south-1',
    });
    expect(parseInvestigate('arn:aws:sns:us-east-1:123456789012:topic', 'us-east-1')).toMatchObject({
      ok: false,
      kind: 'invalid',
    });
  });

  it('help, unknown Regions and over-long names get usage and a reason', () => {
    expect(parseInvestigate('help', 'us-east-1')).toMatchObject({ ok: false, kind: 'help' });
    expect(parseInvestigate('', 'us-east-1')).toMatchObject({ ok: false, kind: 'help' });
    const r = parseInvestigate('x us-west-9', 'us-east-1');
    expect(r).toMatchObject({ ok: false, kind: 'invalid' });
    expect(!r.ok && r.message).toMatch(/`us-west-9` is not an AWS Region/);
    expect(parseInvestigate('a'.repeat(256), 'us-east-1')).toMatchObject({ ok: false, kind: 'invalid' });
  });
  it('refuses account:<alias> plainly instead of reading it as part of the alarm name', () => {
    for (const text of ['HighCPU account:prod', 'HighCPU us-west-2 account:prod', 'account:prod HighCPU']) {
      const r = parseInvestigate(text, 'us-east-1');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain("reads alarms in this bot's own account only");
    }
  });
});
