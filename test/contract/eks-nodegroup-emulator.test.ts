/**
 * The EKS node group emulator through the real @aws-sdk/client-eks: DescribeNodegroup answers parse into the
 * SDK's Nodegroup shape (status, scaling, health issues); an unknown cluster or node group is
 * ResourceNotFoundException and a name over 100 characters InvalidParameterException, both errors the SDK
 * models for the operation; each region has its own clusters. Then the adapter over it: descriptions by ARN,
 * health naming the issue codes, a deleted node group gone from the descriptions and not existing.
 */
import { DescribeNodegroupCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsEksNodegroupTargets } from '../../src/adapters/eks-nodegroups.ts';
import { EksNodegroupEmulator } from '../../src/stand-ins/eks-nodegroup-emulator.ts';
import { errorOf, modelledErrors } from '../helpers/sdk-model.ts';

const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
const TYPE = 'aws:eks:nodegroup';

describe('EKS node group emulator contract', () => {
  const eks = new EksNodegroupEmulator();
  const client = (region = 'us-east-1') =>
    new EKSClient({ region, endpoint: eks.url, credentials: CREDS, maxAttempts: 1 });
  let workers = '';
  let batch = '';
  beforeAll(() => eks.start());
  afterAll(() => eks.stop());
  beforeEach(() => {
    eks.clear();
    workers = eks.putNodegroup('us-east-1', 'shop', 'workers', { desired: 4, capacityType: 'SPOT' });
    batch = eks.putNodegroup('us-east-1', 'shop', 'batch');
  });

  it('answers in the SDK shape', async () => {
    const out = await client().send(
      new DescribeNodegroupCommand({ clusterName: 'shop', nodegroupName: 'workers' }),
    );
    const g = out.nodegroup!;
    expect([
      g.nodegroupArn,
      g.status,
      g.capacityType,
      g.scalingConfig?.desiredSize,
      g.health?.issues,
    ]).toEqual([workers, 'ACTIVE', 'SPOT', 4, []]);
    expect(g.createdAt).toBeInstanceOf(Date);
  });

  it('unknown cluster or node group, other region, long name: the errors the SDK models', async () => {
    const modelled = modelledErrors('client-eks', 'DescribeNodegroup');
    const cases = [
      client().send(new DescribeNodegroupCommand({ clusterName: 'nope', nodegroupName: 'workers' })),
      client().send(new DescribeNodegroupCommand({ clusterName: 'shop', nodegroupName: 'nope' })),
      client('us-west-2').send(
        new DescribeNodegroupCommand({ clusterName: 'shop', nodegroupName: 'workers' }),
      ),
    ];
    for (const c of cases) expect(await errorOf(c)).toBe('ResourceNotFoundException');
    const long = await errorOf(
      client().send(new DescribeNodegroupCommand({ clusterName: 'shop', nodegroupName: 'x'.repeat(101) })),
    );
    expect(long).toBe('InvalidParameterException');
    for (const e of ['ResourceNotFoundException', 'InvalidParameterException']) expect(modelled).toContain(e);
  });

  it('the adapter: descriptions by ARN, health naming issue codes, a deleted node group gone', async () => {
    const port = new AwsEksNodegroupTargets({ endpoint: eks.url, credentials: CREDS });
    const d = await port.describe('us-east-1', TYPE, [workers, batch]);
    expect(d.get(workers)?.capacityType).toBe('SPOT');
    expect(port.availabilityZone()).toBeUndefined();
    eks.setNodegroup('us-east-1', 'shop', 'workers', {
      status: 'DEGRADED',
      issues: [
        { code: 'AsgInstanceLaunchFailures', message: 'Could not launch On-Demand Instances' },
        { code: 'InsufficientFreeAddresses', message: 'subnet has no free addresses' },
      ],
    });
    eks.remove('us-east-1', 'shop', 'batch');
    expect(await port.health('us-east-1', TYPE, [workers, batch])).toEqual([
      {
        arn: workers,
        healthy: false,
        state: 'DEGRADED, health issues: AsgInstanceLaunchFailures, InsufficientFreeAddresses',
      },
      { arn: batch, healthy: false, state: 'does not exist any more' },
    ]);
    expect([...(await port.describe('us-east-1', TYPE, [workers, batch])).keys()]).toEqual([workers]);
    // A node group made again under the same name is a new resource (new ARN), not the approved one.
    eks.putNodegroup('us-east-1', 'shop', 'batch');
    expect((await port.health('us-east-1', TYPE, [batch]))[0]?.state).toBe('does not exist any more');
  });
});
