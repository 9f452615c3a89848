/**
 * The EC2 emulator through the real @aws-sdk/client-ec2: what it answers parses into the SDK's output
 * shapes (Reservations[].Instances[] with State and Placement; InstanceStatuses[] with both checks), the
 * rules the SDK model documents hold (at most 100 ids for DescribeInstanceStatus, MaxResults not with
 * ids, running instances only unless IncludeAllInstances), and EC2's errors come back as EC2 names them
 * (InvalidInstanceID.NotFound fails the whole call). Then the adapter over it: descriptions by ARN,
 * health, and instances that are gone.
 */
import { DescribeInstanceStatusCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsEc2Targets } from '../../src/adapters/ec2.ts';
import { Ec2Emulator } from '../../src/stand-ins/ec2-emulator.ts';

const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
const id = (n: number) => `i-${String(n).padStart(17, '0')}`;
const arn = (n: number, region = 'us-east-1') => `arn:aws:ec2:${region}:123456789012:instance/${id(n)}`;

describe('EC2 emulator contract', () => {
  const ec2 = new Ec2Emulator();
  const client = (region = 'us-east-1') =>
    new EC2Client({ region, endpoint: ec2.url, credentials: CREDS, maxAttempts: 1 });
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => 'no error',
      (e: Error) => e.name,
    );
  beforeAll(() => ec2.start());
  afterAll(() => ec2.stop());
  beforeEach(() => {
    ec2.clear();
    ec2.putInstance(arn(1), { az: 'us-east-1a', tags: { app: 'checkout' } });
    ec2.putInstance(arn(2), { az: 'us-east-1b', state: 'stopped' });
    ec2.putInstance(arn(3, 'us-west-2'));
  });

  it('DescribeInstances answers in the SDK shape: state, placement, tags', async () => {
    const out = await client().send(new DescribeInstancesCommand({ InstanceIds: [id(1), id(2)] }));
    const instances = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    expect(
      instances.map((i) => [i.InstanceId, i.State?.Name, i.State?.Code, i.Placement?.AvailabilityZone]),
    ).toEqual([
      [id(1), 'running', 16, 'us-east-1a'],
      [id(2), 'stopped', 80, 'us-east-1b'],
    ]);
    expect(instances[0]!.Tags).toEqual([{ Key: 'app', Value: 'checkout' }]);
  });

  it('each region has its own instances; an unknown id fails the whole call', async () => {
    expect(await errorOf(client().send(new DescribeInstancesCommand({ InstanceIds: [id(1), id(3)] })))).toBe(
      'InvalidInstanceID.NotFound',
    );
    expect(await errorOf(client().send(new DescribeInstancesCommand({ InstanceIds: ['i-123'] })))).toBe(
      'InvalidInstanceID.Malformed',
    );
    const all = await client('us-west-2').send(new DescribeInstancesCommand({}));
    expect(all.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([id(3)]);
  });

  it('DescribeInstanceStatus: running only unless IncludeAllInstances; checks not applicable when not running', async () => {
    const c = client();
    const running = await c.send(new DescribeInstanceStatusCommand({ InstanceIds: [id(1), id(2)] }));
    expect(running.InstanceStatuses?.map((s) => s.InstanceId)).toEqual([id(1)]);
    expect(running.InstanceStatuses?.[0]?.InstanceStatus?.Status).toBe('ok');
    expect(running.InstanceStatuses?.[0]?.SystemStatus?.Details?.[0]).toEqual({
      Name: 'reachability',
      Status: 'passed',
    });
    const all = await c.send(
      new DescribeInstanceStatusCommand({ InstanceIds: [id(1), id(2)], IncludeAllInstances: true }),
    );
    const stopped = all.InstanceStatuses?.find((s) => s.InstanceId === id(2));
    expect(stopped?.InstanceState?.Name).toBe('stopped');
    expect(stopped?.InstanceStatus?.Status).toBe('not-applicable');
  });

  it('the documented limits: 100 ids for DescribeInstanceStatus, MaxResults not with ids', async () => {
    const many = Array.from({ length: 101 }, (_, i) => id(i + 10));
    expect(await errorOf(client().send(new DescribeInstanceStatusCommand({ InstanceIds: many })))).toBe(
      'InvalidParameterValue',
    );
    expect(
      await errorOf(client().send(new DescribeInstancesCommand({ InstanceIds: [id(1)], MaxResults: 5 }))),
    ).toBe('InvalidParameterCombination');
  });

  it('a request not signed for ec2 is refused', async () => {
    const res = await fetch(ec2.url, {
      method: 'POST',
      body: 'Action=DescribeInstances&Version=2016-11-15',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('<Code>AuthFailure</Code>');
  });

  it('the adapter: descriptions by ARN, health with the state, and instances that are gone', async () => {
    const port = new AwsEc2Targets({ endpoint: ec2.url, credentials: CREDS });
    const gone = arn(9);
    const d = await port.describe('us-east-1', 'aws:ec2:instance', [arn(1), arn(2), gone]);
    expect([...d.keys()].sort()).toEqual([arn(1), arn(2)]);
    expect(port.availabilityZone('aws:ec2:instance', d.get(arn(2))!)).toBe('us-east-1b');
    ec2.setInstance(id(1), { instanceStatus: 'impaired' });
    const health = await port.health('us-east-1', 'aws:ec2:instance', [arn(1), arn(2), gone]);
    expect(health).toEqual([
      { arn: arn(1), healthy: false, state: 'running, instance check impaired, system check ok' },
      { arn: arn(2), healthy: false, state: 'stopped' },
      { arn: gone, healthy: false, state: 'does not exist any more' },
    ]);
    ec2.setInstance(id(1), { instanceStatus: 'ok' });
    expect(await port.health('us-east-1', 'aws:ec2:instance', [arn(1)])).toEqual([
      { arn: arn(1), healthy: true, state: 'running, status checks ok' },
    ]);
    expect(port.checksHealthOf('aws:eks:pod')).toBe(false);
  });

  it('Spot targets: only Spot instances are in an aws:ec2:spot-instance pool, read like any instance', async () => {
    ec2.putInstance(arn(4), { az: 'us-east-1c', lifecycle: 'spot' });
    const out = await client().send(new DescribeInstancesCommand({ InstanceIds: [id(4), id(1)] }));
    const lifecycles = (out.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => i.InstanceLifecycle);
    expect(lifecycles).toEqual(['spot', undefined]);
    const port = new AwsEc2Targets({ endpoint: ec2.url, credentials: CREDS });
    const d = await port.describe('us-east-1', 'aws:ec2:spot-instance', [arn(1), arn(4)]);
    expect([...d.keys()]).toEqual([arn(4)]);
    expect(port.availabilityZone('aws:ec2:spot-instance', d.get(arn(4))!)).toBe('us-east-1c');
    ec2.setInstance(id(4), { state: 'stopped' });
    expect(await port.health('us-east-1', 'aws:ec2:spot-instance', [arn(4)])).toEqual([
      { arn: arn(4), healthy: false, state: 'stopped' },
    ]);
  });
});
