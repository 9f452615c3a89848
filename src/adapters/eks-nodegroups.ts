/**
 * EKS managed node group targets (aws:eks:nodegroup) over @aws-sdk/client-eks, from DescribeNodegroup:
 * its `nodegroup` is what FIS evaluates a filter's `path` against, and after an experiment the node group
 * is healthy again when EKS says ACTIVE with no health issues (the issue codes are named otherwise). EKS
 * describes a node group by its subnets, not its zones, so the bot names no AZs for it (an AZ limit on such
 * a target is reported as not checkable rather than guessed). One call per node group; a node group or
 * cluster that no longer exists (ResourceNotFoundException) is absent.
 */
import { DescribeNodegroupCommand, EKSClient, type Nodegroup } from '@aws-sdk/client-eks';
import {
  type ResourceDescriptionPort,
  type TargetHealth,
  type TargetHealthPort,
  TargetReadError,
} from '../core/target-health.ts';
import { type AwsTarget, regionalClients } from './regional-clients.ts';

const TYPE = 'aws:eks:nodegroup';

export class AwsEksNodegroupTargets implements ResourceDescriptionPort, TargetHealthPort {
  private readonly client: (region: string) => EKSClient;

  constructor(o: AwsTarget = {}) {
    this.client = regionalClients((config) => new EKSClient(config), o);
  }

  describes(resourceType: string): boolean {
    return resourceType === TYPE;
  }

  checksHealthOf(resourceType: string): boolean {
    return resourceType === TYPE;
  }

  availabilityZone(): undefined {
    return undefined;
  }

  async describe(
    region: string,
    _resourceType: string,
    arns: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const arn of arns) {
      const g = await this.nodegroup(region, arn);
      if (g) out.set(arn, g as unknown as Record<string, unknown>);
    }
    return out;
  }

  async health(region: string, _resourceType: string, arns: readonly string[]): Promise<TargetHealth[]> {
    const out: TargetHealth[] = [];
    for (const arn of arns) {
      const g = await this.nodegroup(region, arn);
      if (!g) {
        out.push({ arn, healthy: false, state: 'does not exist any more' });
        continue;
      }
      const issues = g.health?.issues ?? [];
      const codes = [...new Set(issues.map((i) => i.code ?? 'Unknown'))];
      const healthy = g.status === 'ACTIVE' && issues.length === 0;
      out.push({
        arn,
        healthy,
        state: `${g.status ?? 'status unknown'}${codes.length ? `, health issues: ${codes.join(', ')}` : ''}`,
      });
    }
    return out;
  }

  /** The node group an ARN names, or undefined when EKS no longer has it (or it is a new one of the same name). */
  private async nodegroup(region: string, arn: string): Promise<Nodegroup | undefined> {
    const m = /:nodegroup\/([^/]+)\/([^/]+)\/[^/]+$/.exec(arn);
    if (!m) return undefined;
    try {
      const out = await this.client(region).send(
        new DescribeNodegroupCommand({ clusterName: m[1]!, nodegroupName: m[2]! }),
      );
      const g = out.nodegroup;
      return g && (!g.nodegroupArn || g.nodegroupArn === arn) ? g : undefined;
    } catch (err) {
      const e = err as { name?: string; message?: string; $fault?: string };
      if (e?.name === 'ResourceNotFoundException') return undefined;
      throw new TargetReadError(
        e?.name ?? 'Error',
        `EKS in ${region}: ${e?.message ?? String(err)}`,
        e?.$fault === 'client',
      );
    }
  }
}
