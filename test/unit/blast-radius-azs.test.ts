/**
 * Blast-radius AZs of resources that span several (issue 16): a Multi-AZ DB instance counts its standby's AZ
 * too and a DB cluster every AZ it lists, so an AZ limit sees what a failover can touch; descriptionsOf()
 * routes each resource type to the port that describes it.
 */
import { describe, expect, it } from 'vitest';
import { limitProblems, resolveBlastRadius } from '../../src/core/blast-radius.ts';
import type { FisTemplate } from '../../src/core/fis.ts';
import type { TaggingPort } from '../../src/core/tagging.ts';
import { descriptionsOf, type ResourceDescriptionPort } from '../../src/core/target-health.ts';

const db = (n: string) => `arn:aws:rds:us-east-1:123456789012:db:${n}`;
const cluster = (n: string) => `arn:aws:rds:us-east-1:123456789012:cluster:${n}`;
const docs: Record<string, Record<string, unknown>> = {
  [db('single')]: { AvailabilityZone: 'us-east-1a', MultiAZ: false },
  [db('multi')]: { AvailabilityZone: 'us-east-1a', SecondaryAvailabilityZone: 'us-east-1b', MultiAZ: true },
  [cluster('orders')]: { AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
};
/** Describes RDS resources the way src/adapters/rds.ts reads their AZs. */
const rdsPort: ResourceDescriptionPort = {
  describes: (t) => t.startsWith('aws:rds:'),
  describe: async (_r, _t, arns) => new Map(arns.filter((a) => docs[a]).map((a) => [a, docs[a]!])),
  availabilityZone: (t, d) =>
    t === 'aws:rds:cluster'
      ? (d.AvailabilityZones as string[])
      : d.MultiAZ
        ? [d.AvailabilityZone as string, d.SecondaryAvailabilityZone as string]
        : (d.AvailabilityZone as string),
};
const nothingTagged: TaggingPort = { findResources: async () => [] };
const ec2Port: ResourceDescriptionPort = {
  describes: (t) => t === 'aws:ec2:instance',
  describe: async () => {
    throw new Error('not asked');
  },
  availabilityZone: () => undefined,
};

const template = (resourceType: string, arns: string[]): FisTemplate =>
  ({
    id: 'EXT1',
    targets: { t: { resourceType, resourceArns: arns, selectionMode: 'ALL' } },
    actions: {},
    stopConditions: [],
  }) as unknown as FisTemplate;

describe('blast-radius AZs of resources spanning several', () => {
  const ports = descriptionsOf(ec2Port, rdsPort);

  it('a single-AZ instance is in one AZ; a Multi-AZ instance in both of its', async () => {
    const one = await resolveBlastRadius(
      nothingTagged,
      'us-east-1',
      template('aws:rds:db', [db('single')]),
      ports,
    );
    expect(one.targets[0]!.azs).toEqual(['us-east-1a']);
    const both = await resolveBlastRadius(
      nothingTagged,
      'us-east-1',
      template('aws:rds:db', [db('single'), db('multi')]),
      ports,
    );
    expect(both.targets[0]!.azs).toEqual(['us-east-1a', 'us-east-1b']);
  });

  it('a cluster spans every AZ it lists, so a one-AZ limit refuses it', async () => {
    const r = await resolveBlastRadius(
      nothingTagged,
      'us-east-1',
      template('aws:rds:cluster', [cluster('orders')]),
      ports,
    );
    expect(r.targets[0]!.azs).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(limitProblems(r, { maxAzs: 1 })).toEqual([
      'target `t` spans 3 Availability Zones, over the limit of 1',
    ]);
  });

  it('descriptionsOf asks the port that describes the type, and says which types none describes', async () => {
    expect(ports.describes('aws:rds:cluster')).toBe(true);
    expect(ports.describes('aws:lambda:function')).toBe(false);
    expect(ports.availabilityZone('aws:rds:db', docs[db('single')]!)).toBe('us-east-1a');
    expect([...(await ports.describe('us-east-1', 'aws:rds:db', [db('multi'), db('gone')])).keys()]).toEqual([
      db('multi'),
    ]);
  });
});
