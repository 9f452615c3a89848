/**
 * EKS managed node group targets (aws:eks:nodegroup) over @aws-sdk/client-eks, from DescribeNodegroup:
 * its `nodegroup` is what FIS evaluates a filter's `path` against, and after an experiment the node group
 * is healthy again when EKS says ACTIVE with no health issues (the issue codes are named otherwise). EKS
 * describes a node group by its subnets, not its zones, so the bot names no AZs for it (an AZ limit on such
 * a target is reported as not checkable rather than guessed). One call per node group; a node group or
 * cluster that no longer exists (ResourceNotFoundException) is absent.
 */
import type { EKSClient, Nodegroup } from '@aws-sdk/client-eks';
import type { TargetHealth } from '../core/target-health.ts';
import { PerResourceTargets } from './per-resource-targets.ts';
import { type AwsTarget, type LazyClients, lazyRegionalClients } from './regional-clients.ts';

/** The package, loaded on the first call (regional-clients.ts): only a FIS approval makes one. */
const loadSdk = () => import('@aws-sdk/client-eks');

export class AwsEksNodegroupTargets extends PerResourceTargets<Nodegroup> {
  private readonly client: LazyClients<Awaited<ReturnType<typeof loadSdk>>, EKSClient>;

  constructor(o: AwsTarget = {}) {
    super('aws:eks:nodegroup', 'EKS');
    this.client = lazyRegionalClients(loadSdk, (sdk, config) => new sdk.EKSClient(config), o);
  }

  protected verdict(g: Nodegroup): Omit<TargetHealth, 'arn'> {
    const issues = g.health?.issues ?? [];
    const codes = [...new Set(issues.map((i) => i.code ?? 'Unknown'))];
    return {
      healthy: g.status === 'ACTIVE' && issues.length === 0,
      state: `${g.status ?? 'status unknown'}${codes.length ? `, health issues: ${codes.join(', ')}` : ''}`,
    };
  }

  /** The node group an ARN names, or undefined when EKS no longer has it (or it is a new one of the same name). */
  protected async fetch(region: string, arn: string): Promise<Nodegroup | undefined> {
    const m = /:nodegroup\/([^/]+)\/([^/]+)\/[^/]+$/.exec(arn);
    if (!m) return undefined;
    const out = await this.client(region, (client, sdk) =>
      client.send(new sdk.DescribeNodegroupCommand({ clusterName: m[1]!, nodegroupName: m[2]! })),
    );
    const g = out.nodegroup;
    return g && (!g.nodegroupArn || g.nodegroupArn === arn) ? g : undefined;
  }
}
