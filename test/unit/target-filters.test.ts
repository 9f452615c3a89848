/**
 * Target filters evaluated as FIS does (a `path` into each resource's description; every filter must
 * match, any of its values), AZs from the descriptions, honest upper bounds where the bot cannot read
 * descriptions, and the recovery check of target health naming what it cannot check.
 */
import { describe, expect, it } from 'vitest';
import { matches, resolveBlastRadius } from '../../src/core/blast-radius.ts';
import type { FisTemplate } from '../../src/core/fis.ts';
import type { TaggingPort } from '../../src/core/tagging.ts';
import {
  checkTargets,
  type ResourceDescriptionPort,
  type TargetHealthPort,
} from '../../src/core/target-health.ts';

const arn = (n: number) => `arn:aws:ec2:us-east-1:123456789012:instance/i-${String(n).padStart(17, '0')}`;
const described = new Map<string, Record<string, unknown>>([
  [
    arn(1),
    {
      State: { Name: 'running' },
      Placement: { AvailabilityZone: 'us-east-1a' },
      Tags: [{ Key: 'tier', Value: 'web' }],
    },
  ],
  [arn(2), { State: { Name: 'stopped' }, Placement: { AvailabilityZone: 'us-east-1b' }, Tags: [] }],
  [
    arn(3),
    {
      State: { Name: 'running' },
      Placement: { AvailabilityZone: 'us-east-1c' },
      Tags: [{ Key: 'tier', Value: 'api' }],
    },
  ],
]);
const tagging: TaggingPort = {
  findResources: async () => [1, 2, 3, 4].map((n) => ({ arn: arn(n), tags: { app: 'checkout' } })),
};
const descriptions: ResourceDescriptionPort = {
  describes: (t) => t === 'aws:ec2:instance',
  // Instance 4 no longer exists: EC2 does not describe it.
  describe: async (_r, _t, arns) =>
    new Map(arns.filter((a) => described.has(a)).map((a) => [a, described.get(a)!])),
  availabilityZone: (_t, d) => (d.Placement as { AvailabilityZone: string }).AvailabilityZone,
};
const template = (target: Record<string, unknown>): FisTemplate =>
  ({
    targets: { fleet: { resourceTags: { app: 'checkout' }, selectionMode: 'ALL', ...target } },
  }) as unknown as FisTemplate;

describe('FIS filter paths', () => {
  it('a dotted path into the description; lists on the way match when any element does', () => {
    const d = described.get(arn(1))!;
    expect(matches(d, 'State.Name', ['running'])).toBe(true);
    expect(matches(d, 'State.Name', ['stopped', 'pending'])).toBe(false);
    expect(matches(d, 'Tags.Value', ['web'])).toBe(true);
    expect(matches(d, 'Placement.Missing', ['x'])).toBe(false);
  });

  it('filters narrow the pool the way FIS does, and AZs come from the resources, not only from an AZ filter', async () => {
    const r = await resolveBlastRadius(
      tagging,
      'us-east-1',
      template({ resourceType: 'aws:ec2:instance', filters: [{ path: 'State.Name', values: ['running'] }] }),
      descriptions,
    );
    expect(r.targets[0]!.pool).toEqual([arn(1), arn(3)]);
    expect(r.targets[0]!.azs).toEqual(['us-east-1a', 'us-east-1c']);
    expect(r.targets[0]!.caveat).toBeUndefined();
  });

  it('every filter must match (AND), any value of one (OR)', async () => {
    const r = await resolveBlastRadius(
      tagging,
      'us-east-1',
      template({
        resourceType: 'aws:ec2:instance',
        filters: [
          { path: 'State.Name', values: ['running', 'stopped'] },
          { path: 'Placement.AvailabilityZone', values: ['us-east-1b', 'us-east-1c'] },
        ],
      }),
      descriptions,
    );
    expect(r.targets[0]!.pool).toEqual([arn(2), arn(3)]);
  });

  it('a type the bot cannot describe: filters not evaluated, the count is said to be an upper bound', async () => {
    const r = await resolveBlastRadius(
      tagging,
      'us-east-1',
      template({
        resourceType: 'aws:rds:db',
        filters: [{ path: 'DBInstanceStatus', values: ['available'] }],
      }),
      descriptions,
    );
    expect(r.targets[0]!.pool).toHaveLength(4);
    expect(r.targets[0]!.caveat).toMatch(
      /`DBInstanceStatus` are not evaluated: the count shown is an upper bound/,
    );
    expect(r.targets[0]!.azs).toBeUndefined();
  });
});

describe('recovery check of the targets', () => {
  const health: TargetHealthPort = {
    checksHealthOf: (t) => t === 'aws:ec2:instance',
    health: async (_r, _t, arns) =>
      arns.map((a) => ({
        arn: a,
        healthy: a !== arn(2),
        state: a === arn(2) ? 'stopped' : 'running, status checks ok',
      })),
  };

  it('names unhealthy resources and says which targets it did not check, never counting them healthy', async () => {
    const v = await checkTargets(health, 'us-east-1', [
      { name: 'fleet', resourceType: 'aws:ec2:instance', arns: [arn(1), arn(2)] },
      { name: 'pods', resourceType: 'aws:eks:pod', arns: [] },
      { name: 'buckets', resourceType: 'aws:s3:bucket', arns: ['arn:aws:s3:::orders'] },
    ]);
    expect(v.healthy).toBe(1);
    expect(v.unhealthy).toEqual(['`fleet`: `i-00000000000000002` stopped']);
    // Pods are named with why the bot can never read them; other types just have no check yet.
    expect(v.notChecked).toEqual([
      "`pods` (aws:eks:pod: Kubernetes pods are read through the cluster's Kubernetes API, which the bot has no access to; check the pods with kubectl)",
      '`buckets` (aws:s3:bucket: the bot has no health check for this type)',
    ]);
  });
});
