/**
 * Auto Scaling group targets (aws:ec2:autoscaling-group) over @aws-sdk/client-auto-scaling, from one call,
 * DescribeAutoScalingGroups: the group as it returns it is what FIS evaluates a filter's `path` against, its
 * AvailabilityZones are the zones it spans, and after an experiment it is healthy again when at least its
 * DesiredCapacity instances are InService and Healthy. A group that no longer exists is simply not in the
 * answer (Auto Scaling does not fail the call for it). The tagging API's GetResources lists no Auto Scaling
 * groups (its API reference says so), so a target chosen by tags is resolved here, by the groups' tag filters.
 */
import type { AutoScalingClient, AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import {
  type ResourceDescriptionPort,
  type TargetHealth,
  type TargetHealthPort,
  TargetReadError,
} from '../core/target-health.ts';
import { type AwsTarget, type LazyClients, lazyRegionalClients } from './regional-clients.ts';

/** The package, loaded on the first call (regional-clients.ts): only a FIS approval makes one. */
const loadSdk = () => import('@aws-sdk/client-auto-scaling');

const TYPE = 'aws:ec2:autoscaling-group';
/** Auto Scaling takes at most 50 names per call at its default MaxRecords (50). */
const PAGE = 50;

export class AwsAutoScalingTargets implements ResourceDescriptionPort, TargetHealthPort {
  private readonly client: LazyClients<Awaited<ReturnType<typeof loadSdk>>, AutoScalingClient>;

  constructor(o: AwsTarget = {}) {
    this.client = lazyRegionalClients(loadSdk, (sdk, config) => new sdk.AutoScalingClient(config), o);
  }

  describes(resourceType: string): boolean {
    return resourceType === TYPE;
  }

  checksHealthOf(resourceType: string): boolean {
    return resourceType === TYPE;
  }

  availabilityZone(_resourceType: string, d: Record<string, unknown>): string[] | undefined {
    const azs = d.AvailabilityZones;
    return Array.isArray(azs) && azs.length && azs.every((a) => typeof a === 'string') ? azs : undefined;
  }

  async describe(
    region: string,
    _resourceType: string,
    arns: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const found = await this.groups(region, arns);
    const out = new Map<string, Record<string, unknown>>();
    for (const [arn, g] of found) out.set(arn, g as unknown as Record<string, unknown>);
    return out;
  }

  async health(region: string, _resourceType: string, arns: readonly string[]): Promise<TargetHealth[]> {
    const found = await this.groups(region, arns);
    return [...groupNames(arns).values()].map((arn) => {
      const g = found.get(arn);
      if (!g) return { arn, healthy: false, state: 'does not exist any more' };
      const desired = g.DesiredCapacity ?? 0;
      const ready = (g.Instances ?? []).filter(
        (i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy',
      ).length;
      if (g.Status)
        return {
          arn,
          healthy: false,
          state: `${g.Status}, ${ready} of ${desired} desired instances in service and healthy`,
        };
      return ready >= desired
        ? { arn, healthy: true, state: `${ready} of ${desired} desired instances in service and healthy` }
        : {
            arn,
            healthy: false,
            state: `${ready} of ${desired} desired instances in service and healthy (${desired - ready} short)`,
          };
    });
  }

  /** Groups carrying every one of these tags (DescribeAutoScalingGroups' `tag:<key>` filters), every page. */
  async findByTags(
    region: string,
    _resourceType: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<string[]> {
    const Filters = Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));
    const out: string[] = [];
    try {
      let NextToken: string | undefined;
      do {
        const page = await this.client(region, (client, sdk) =>
          client.send(
            new sdk.DescribeAutoScalingGroupsCommand({ Filters, NextToken, IncludeInstances: false }),
          ),
        );
        for (const g of page.AutoScalingGroups ?? [])
          if (g.AutoScalingGroupARN) out.push(g.AutoScalingGroupARN);
        NextToken = page.NextToken;
      } while (NextToken);
    } catch (err) {
      throw readError(err, region);
    }
    return out;
  }

  /** The groups these ARNs name that still exist, by ARN. */
  private async groups(region: string, arns: readonly string[]): Promise<Map<string, AutoScalingGroup>> {
    const byName = groupNames(arns);
    const names = [...byName.keys()];
    const out = new Map<string, AutoScalingGroup>();
    try {
      for (let i = 0; i < names.length; i += PAGE) {
        let NextToken: string | undefined;
        do {
          const page = await this.client(region, (client, sdk) =>
            client.send(
              new sdk.DescribeAutoScalingGroupsCommand({
                AutoScalingGroupNames: names.slice(i, i + PAGE),
                NextToken,
              }),
            ),
          );
          for (const g of page.AutoScalingGroups ?? []) {
            const arn = g.AutoScalingGroupName ? byName.get(g.AutoScalingGroupName) : undefined;
            // A group deleted and made again under the same name has a new ARN: not the approved target.
            if (arn && (!g.AutoScalingGroupARN || g.AutoScalingGroupARN === arn)) out.set(arn, g);
          }
          NextToken = page.NextToken;
        } while (NextToken);
      }
    } catch (err) {
      throw readError(err, region);
    }
    return out;
  }
}

function readError(err: unknown, region: string): TargetReadError {
  const e = err as { name?: string; message?: string; $fault?: string };
  return new TargetReadError(
    e?.name ?? 'Error',
    `Auto Scaling in ${region}: ${e?.message ?? String(err)}`,
    e?.$fault === 'client',
  );
}

/** group name → ARN (`arn:aws:autoscaling:region:account:autoScalingGroup:uuid:autoScalingGroupName/name`). */
function groupNames(arns: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arn of arns) {
    const name = /:autoScalingGroupName\/(.+)$/.exec(arn)?.[1];
    if (name) out.set(name, arn);
  }
  return out;
}
