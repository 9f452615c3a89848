/**
 * Rarely used AWS SDK packages are imported on first use, not when the bot starts: EC2's alone is
 * about 45 MB of RSS and 14 MB of JS heap in every bot process, and only a FIS approval's interlocks
 * read EC2. Each package below records when it is loaded (vi.mock runs the factory on the first import).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lazyRegionalClients } from '../../src/adapters/regional-clients.ts';
import { Ec2Emulator } from '../../src/stand-ins/ec2-emulator.ts';

const loaded = vi.hoisted(() => new Set<string>());
vi.mock('@aws-sdk/client-ec2', async (original) => {
  loaded.add('ec2');
  return await original();
});

const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };

describe('lazily loaded AWS SDK packages', () => {
  const ec2 = new Ec2Emulator();
  beforeAll(() => ec2.start());
  afterAll(() => ec2.stop());

  it('starting the bot does not load them; the first call does, and it answers as before', async () => {
    await import('../../src/bot.ts');
    const { AwsEc2Targets } = await import('../../src/adapters/ec2.ts');
    const targets = new AwsEc2Targets({ endpoint: ec2.url, credentials: CREDS });
    expect([...loaded]).toEqual([]);

    const arn = 'arn:aws:ec2:us-east-1:123456789012:instance/i-00000000000000001';
    ec2.putInstance(arn, { az: 'us-east-1a' });
    const health = await targets.health('us-east-1', 'aws:ec2:instance', [arn]);
    expect(loaded.has('ec2')).toBe(true);
    expect(health).toEqual([{ arn, healthy: true, state: 'running, status checks ok' }]);
    const described = await targets.describe('us-east-1', 'aws:ec2:instance', [arn]);
    expect(described.get(arn)?.Placement).toMatchObject({ AvailabilityZone: 'us-east-1a' });
  });
});

describe('lazyRegionalClients', () => {
  it('imports the package once, on the first call, and keeps one client per region', async () => {
    const load = vi.fn(async () => ({ Client: class {} }));
    const made: string[] = [];
    const clients = lazyRegionalClients(
      load,
      (sdk, c) => {
        made.push(c.region);
        return new sdk.Client();
      },
      { endpoint: 'http://127.0.0.1:1' },
    );
    expect(load).not.toHaveBeenCalled();
    const [a, b, c] = await Promise.all([clients('us-east-1'), clients('us-east-1'), clients('eu-west-1')]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(a.client).toBe(b.client);
    expect(c.client).not.toBe(a.client);
    expect(made).toEqual(['us-east-1', 'eu-west-1']);
    expect((await clients('us-east-1')).client).toBe(a.client);
  });

  it('a failed import is tried again on the next call', async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error('EMFILE')).mockResolvedValue({ ok: true });
    const clients = lazyRegionalClients(load, (sdk) => sdk, {});
    await expect(clients('us-east-1')).rejects.toThrow('EMFILE');
    expect((await clients('us-east-1')).sdk).toEqual({ ok: true });
    expect(load).toHaveBeenCalledTimes(2);
  });
});
