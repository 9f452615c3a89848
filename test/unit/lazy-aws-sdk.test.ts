/**
 * Rarely used AWS SDK packages are imported on first use, not when the bot starts: EC2's alone is
 * about 45 MB of RSS and 14 MB of JS heap in every bot process, and only a FIS approval's interlocks
 * read EC2, ECS, RDS, Lambda, Auto Scaling, EKS, the tagging API, STS, FIS or CloudWatch (which an alarm
 * note's Investigate reads too); the embedded store (dynalite)
 * serves only a bot without SESSIONS_TABLE and without a shared store. Each package below records
 * when it is loaded (vi.mock runs the factory on the first import).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lazyRegionalClients } from '../../src/adapters/regional-clients.ts';
import { Ec2Emulator } from '../../src/stand-ins/ec2-emulator.ts';

const loaded = vi.hoisted(() => new Set<string>());
vi.mock('@aws-sdk/client-ec2', async (original) => {
  loaded.add('ec2');
  return await original();
});
vi.mock('@aws-sdk/client-ecs', async (original) => {
  loaded.add('ecs');
  return await original();
});
vi.mock('@aws-sdk/client-rds', async (original) => {
  loaded.add('rds');
  return await original();
});
vi.mock('@aws-sdk/client-lambda', async (original) => {
  loaded.add('lambda');
  return await original();
});
vi.mock('@aws-sdk/client-auto-scaling', async (original) => {
  loaded.add('auto-scaling');
  return await original();
});
vi.mock('@aws-sdk/client-eks', async (original) => {
  loaded.add('eks');
  return await original();
});
vi.mock('@aws-sdk/client-resource-groups-tagging-api', async (original) => {
  loaded.add('tagging');
  return await original();
});
vi.mock('@aws-sdk/client-sts', async (original) => {
  loaded.add('sts');
  return await original();
});
vi.mock('@aws-sdk/client-fis', async (original) => {
  loaded.add('fis');
  return await original();
});
vi.mock('@aws-sdk/client-cloudwatch', async (original) => {
  loaded.add('cloudwatch');
  return await original();
});
vi.mock('dynalite', async (original) => {
  loaded.add('dynalite');
  return await original();
});

const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };

describe('lazily loaded AWS SDK packages', () => {
  const ec2 = new Ec2Emulator();
  beforeAll(() => ec2.start());
  afterAll(() => ec2.stop());

  it('neither starting the bot nor building the approval gate loads them; the first call does', async () => {
    await import('../../src/bot.ts');
    const { AwsEc2Targets } = await import('../../src/adapters/ec2.ts');
    const others = [
      new (await import('../../src/adapters/ecs.ts')).AwsEcsTargets(),
      new (await import('../../src/adapters/rds.ts')).AwsRdsTargets(),
      new (await import('../../src/adapters/lambda.ts')).AwsLambdaTargets(),
      new (await import('../../src/adapters/autoscaling.ts')).AwsAutoScalingTargets(),
      new (await import('../../src/adapters/eks-nodegroups.ts')).AwsEksNodegroupTargets(),
      new (await import('../../src/adapters/tagging.ts')).AwsTagging(),
      new (await import('../../src/adapters/sts.ts')).AwsStartRole(),
      new (await import('../../src/adapters/fis.ts')).AwsFis(),
      new (await import('../../src/adapters/cloudwatch.ts')).AwsCloudWatch(),
    ];
    const targets = new AwsEc2Targets({ endpoint: ec2.url, credentials: CREDS });
    expect(others).toHaveLength(9);
    expect([...loaded]).toEqual([]);

    const arn = 'arn:aws:ec2:us-east-1:123456789012:instance/i-00000000000000001';
    ec2.putInstance(arn, { az: 'us-east-1a' });
    const health = await targets.health('us-east-1', 'aws:ec2:instance', [arn]);
    expect([...loaded]).toEqual(['ec2']);
    expect(health).toEqual([{ arn, healthy: true, state: 'running, status checks ok' }]);
    const described = await targets.describe('us-east-1', 'aws:ec2:instance', [arn]);
    expect(described.get(arn)?.Placement).toMatchObject({ AvailabilityZone: 'us-east-1a' });
  });

  it('the embedded store (dynalite) is loaded only when the bot starts one', async () => {
    await import('../../src/bot.ts');
    expect(loaded.has('dynalite')).toBe(false);
    const { startEmbeddedDynamo } = await import('../../src/adapters/embedded-dynamo.ts');
    const store = await startEmbeddedDynamo(undefined, 'us-east-1');
    expect(loaded.has('dynalite')).toBe(true);
    await store.close();
  });
});

describe('lazyRegionalClients', () => {
  const clientsOf = (load: () => Promise<{ Client: new () => object }>, made: string[] = []) =>
    lazyRegionalClients(
      load,
      (sdk, c) => {
        made.push(c.region);
        return new sdk.Client();
      },
      { endpoint: 'http://127.0.0.1:1' },
    );
  const clientIn = (clients: ReturnType<typeof clientsOf>, region: string) =>
    clients(region, async (client) => client);

  it('imports the package once, on the first call, and keeps one client per region', async () => {
    const load = vi.fn(async () => ({ Client: class {} }));
    const made: string[] = [];
    const clients = clientsOf(load, made);
    expect(load).not.toHaveBeenCalled();
    const [a, b, c] = await Promise.all([
      clientIn(clients, 'us-east-1'),
      clientIn(clients, 'us-east-1'),
      clientIn(clients, 'eu-west-1'),
    ]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(made).toEqual(['us-east-1', 'eu-west-1']);
    expect(await clientIn(clients, 'us-east-1')).toBe(a);
  });

  it('hands the call the package it loaded and returns what the call returns', async () => {
    const sdk = { Client: class {} };
    const clients = clientsOf(async () => sdk);
    expect(await clients('us-east-1', async (_, m) => m)).toBe(sdk);
  });

  it('a failed import is tried again on the next call', async () => {
    const load = vi
      .fn<() => Promise<{ Client: new () => object }>>()
      .mockRejectedValueOnce(new Error('EMFILE'))
      .mockResolvedValue({ Client: class {} });
    const clients = clientsOf(load);
    await expect(clientIn(clients, 'us-east-1')).rejects.toThrow('EMFILE');
    expect(await clientIn(clients, 'us-east-1')).toBeInstanceOf(Object);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
