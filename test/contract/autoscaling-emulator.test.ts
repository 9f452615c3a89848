/**
 * The Auto Scaling emulator through the real @aws-sdk/client-auto-scaling: answers parse into the SDK's
 * AutoScalingGroup shape (desired capacity, AZs, instances with lifecycle and health); the documented limits
 * hold (MaxRecords 1..100, 50 names at the default page size) and pages follow NextToken; a bad token is
 * InvalidNextToken, an error the SDK models for the operation; an unknown name is left out, not an error.
 * Then the adapter over it: descriptions by ARN with the group's AZs, health naming the shortfall, a deleted
 * group gone from the descriptions and reported as not existing.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsAutoScalingTargets } from '../../src/adapters/autoscaling.ts';
import { AutoScalingEmulator } from '../../src/stand-ins/autoscaling-emulator.ts';
import { errorOf, modelledErrors } from '../helpers/sdk-model.ts';

const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
const TYPE = 'aws:ec2:autoscaling-group';

describe('Auto Scaling emulator contract', () => {
  const asg = new AutoScalingEmulator();
  const client = (region = 'us-east-1') =>
    new AutoScalingClient({ region, endpoint: asg.url, credentials: CREDS, maxAttempts: 1 });
  const arn = (name: string, region = 'us-east-1') =>
    AutoScalingEmulator.arnOf({ region, account: '123456789012', name });
  beforeAll(() => asg.start());
  afterAll(() => asg.stop());
  beforeEach(() => {
    asg.clear();
    asg.putGroup('us-east-1', 'web', {
      desired: 3,
      azs: ['us-east-1a', 'us-east-1b'],
      tags: { app: 'shop' },
    });
    asg.putGroup('us-east-1', 'api', { desired: 2, azs: ['us-east-1c'] });
    asg.putGroup('us-west-2', 'web', { desired: 1 });
  });

  it('answers in the SDK shape; an unknown name is left out; each region has its own groups', async () => {
    const out = await client().send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web', 'nope'] }),
    );
    const [g] = out.AutoScalingGroups ?? [];
    expect(out.AutoScalingGroups).toHaveLength(1);
    expect([
      g?.AutoScalingGroupName,
      g?.AutoScalingGroupARN,
      g?.DesiredCapacity,
      g?.AvailabilityZones,
    ]).toEqual(['web', arn('web'), 3, ['us-east-1a', 'us-east-1b']]);
    expect(g?.Instances?.map((i) => [i.LifecycleState, i.HealthStatus])).toEqual([
      ['InService', 'Healthy'],
      ['InService', 'Healthy'],
      ['InService', 'Healthy'],
    ]);
    expect(g?.Tags).toEqual([
      {
        ResourceId: 'web',
        ResourceType: 'auto-scaling-group',
        Key: 'app',
        Value: 'shop',
        PropagateAtLaunch: true,
      },
    ]);
    const west = await client('us-west-2').send(new DescribeAutoScalingGroupsCommand({}));
    expect(west.AutoScalingGroups?.map((x) => x.DesiredCapacity)).toEqual([1]);
  });

  it('pages by MaxRecords with NextToken; a token of another query is InvalidNextToken (modelled)', async () => {
    const first = await client().send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }));
    expect(first.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['api']);
    const second = await client().send(
      new DescribeAutoScalingGroupsCommand({ MaxRecords: 1, NextToken: first.NextToken }),
    );
    expect(second.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['web']);
    expect(second.NextToken).toBeUndefined();
    const e = await errorOf(
      client().send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'], NextToken: first.NextToken }),
      ),
    );
    expect(e).toBe('InvalidNextToken');
    expect(modelledErrors('client-auto-scaling', 'DescribeAutoScalingGroups')).toContain(e);
  });

  it('tag filters: every filter must match, any of its values; an unsupported filter is refused', async () => {
    asg.putGroup('us-east-1', 'web-canary', { desired: 1, tags: { app: 'shop', stage: 'canary' } });
    const names = async (Filters: Array<{ Name: string; Values: string[] }>) =>
      (await client().send(new DescribeAutoScalingGroupsCommand({ Filters }))).AutoScalingGroups?.map(
        (g) => g.AutoScalingGroupName,
      );
    expect(await names([{ Name: 'tag:app', Values: ['shop'] }])).toEqual(['web', 'web-canary']);
    expect(
      await names([
        { Name: 'tag:app', Values: ['shop'] },
        { Name: 'tag:stage', Values: ['canary', 'beta'] },
      ]),
    ).toEqual(['web-canary']);
    expect(await names([{ Name: 'tag-key', Values: ['stage'] }])).toEqual(['web-canary']);
    expect(
      await errorOf(
        client().send(
          new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'instance-type', Values: ['x'] }] }),
        ),
      ),
    ).toBe('ValidationError');
    const port = new AwsAutoScalingTargets({ endpoint: asg.url, credentials: CREDS });
    expect(await port.findByTags('us-east-1', TYPE, { app: 'shop', stage: 'canary' })).toEqual([
      arn('web-canary'),
    ]);
  });

  it('the documented limits: MaxRecords 1..100, at most 50 names at the default page size', async () => {
    expect(await errorOf(client().send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })))).toBe(
      'ValidationError',
    );
    const names = Array.from({ length: 51 }, (_, i) => `g${i}`);
    expect(
      await errorOf(client().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names }))),
    ).toBe('ValidationError');
    expect(
      await errorOf(
        client().send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names, MaxRecords: 100 }),
        ),
      ),
    ).toBe('no error');
  });

  it('the adapter: descriptions with the AZs, health naming the shortfall, a deleted group gone', async () => {
    const port = new AwsAutoScalingTargets({ endpoint: asg.url, credentials: CREDS });
    const d = await port.describe('us-east-1', TYPE, [arn('web'), arn('api')]);
    expect(port.availabilityZone(TYPE, d.get(arn('web'))!)).toEqual(['us-east-1a', 'us-east-1b']);
    expect(d.get(arn('api'))?.DesiredCapacity).toBe(2);
    const web = asg.group('us-east-1', 'web');
    web.instances[0]!.lifecycle = 'Terminating';
    web.instances[1]!.health = 'Unhealthy';
    asg.remove('us-east-1', 'api');
    expect(await port.health('us-east-1', TYPE, [arn('web'), arn('api')])).toEqual([
      { arn: arn('web'), healthy: false, state: '1 of 3 desired instances in service and healthy (2 short)' },
      { arn: arn('api'), healthy: false, state: 'does not exist any more' },
    ]);
    expect([...(await port.describe('us-east-1', TYPE, [arn('web'), arn('api')])).keys()]).toEqual([
      arn('web'),
    ]);
  });
});
