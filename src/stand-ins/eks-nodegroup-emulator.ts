/**
 * A local stand-in for the EKS read the approval gate makes about node group targets, DescribeNodegroup
 * (target filters on the card, node group health after an experiment), in the rest-json protocol as
 * @aws-sdk/client-eks sends it: GET /clusters/{clusterName}/node-groups/{nodegroupName}. Reached through
 * AWS_ENDPOINT_URL_EKS.
 *
 * As strict as the service (test/contract/eks-nodegroup-emulator.test.ts drives it with the real SDK): SigV4
 * for the `eks` signing name, each region its own clusters; an unknown cluster or node group is
 * ResourceNotFoundException (HTTP 404, the error the SDK models for this operation, with the cluster and
 * node group named in the body as EKS does); names outside EKS's 1..100 characters are
 * InvalidParameterException; any other route or method is refused.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signedRegion } from './fis-emulator-model.ts';
import { bodyText, LoopbackService } from './loopback-service.ts';

export type NodegroupStatus =
  | 'CREATING'
  | 'ACTIVE'
  | 'UPDATING'
  | 'DELETING'
  | 'CREATE_FAILED'
  | 'DELETE_FAILED'
  | 'DEGRADED';

export interface EmulatedNodegroup {
  cluster: string;
  name: string;
  region: string;
  account: string;
  /** The id part of its ARN (EKS gives each node group a UUID). */
  uuid: string;
  status: NodegroupStatus;
  capacityType: 'ON_DEMAND' | 'SPOT' | 'CAPACITY_BLOCK';
  instanceTypes: string[];
  desired: number;
  subnets: string[];
  labels: Record<string, string>;
  tags: Record<string, string>;
  issues: Array<{ code: string; message: string; resourceIds?: string[] }>;
}

export class EksNodegroupEmulator extends LoopbackService {
  readonly calls: Array<{ method: string; path: string; region: string }> = [];
  /** `<region>/<cluster>` → node group name → node group. */
  private readonly clusters = new Map<string, Map<string, EmulatedNodegroup>>();

  /** A cluster with no node groups yet. */
  putCluster(region: string, cluster: string): void {
    if (!this.clusters.has(`${region}/${cluster}`)) this.clusters.set(`${region}/${cluster}`, new Map());
  }

  /** A node group (ACTIVE, healthy, unless said otherwise) in a cluster it creates if needed; returns its ARN. */
  putNodegroup(
    region: string,
    cluster: string,
    name: string,
    o: Partial<Omit<EmulatedNodegroup, 'cluster' | 'name' | 'region'>> = {},
  ): string {
    this.putCluster(region, cluster);
    const g: EmulatedNodegroup = {
      cluster,
      name,
      region,
      account: '123456789012',
      uuid: randomUUID(),
      status: 'ACTIVE',
      capacityType: 'ON_DEMAND',
      instanceTypes: ['m6i.large'],
      desired: 3,
      subnets: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      labels: {},
      tags: {},
      issues: [],
      ...o,
    };
    this.clusters.get(`${region}/${cluster}`)!.set(name, g);
    return arnOf(g);
  }

  /** Changes a node group's status or health issues (an experiment terminating its instances). */
  setNodegroup(
    region: string,
    cluster: string,
    name: string,
    o: Partial<Pick<EmulatedNodegroup, 'status' | 'issues' | 'desired'>>,
  ): void {
    const g = this.clusters.get(`${region}/${cluster}`)?.get(name);
    if (!g) throw new Error(`no node group ${cluster}/${name} in ${region}`);
    Object.assign(g, o);
  }

  /** The node group is deleted. */
  remove(region: string, cluster: string, name: string): void {
    this.clusters.get(`${region}/${cluster}`)?.delete(name);
  }

  clear(): void {
    this.clusters.clear();
  }

  protected internalError(res: ServerResponse, err: unknown): void {
    error(res, 500, 'ServerException', String(err));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await bodyText(req);
    const url = new URL(req.url ?? '/', 'http://x');
    const scope = signedRegion(req.headers.authorization);
    this.calls.push({ method: req.method ?? '', path: url.pathname, region: scope?.region ?? '' });
    if (scope?.service !== 'eks')
      return error(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method !== 'GET' || parts.length !== 4 || parts[0] !== 'clusters' || parts[2] !== 'node-groups')
      return error(res, 404, 'UnknownOperationException', `${req.method} ${url.pathname} is not served here`);
    const [, clusterName, , nodegroupName] = parts as [string, string, string, string];
    for (const [what, v] of [
      ['clusterName', clusterName],
      ['nodegroupName', nodegroupName],
    ] as const)
      if (v.length < 1 || v.length > 100)
        return error(res, 400, 'InvalidParameterException', `${what} must be between 1 and 100 characters.`, {
          clusterName,
        });
    const cluster = this.clusters.get(`${scope.region}/${clusterName}`);
    if (!cluster)
      return error(res, 404, 'ResourceNotFoundException', `No cluster found for name: ${clusterName}.`, {
        clusterName,
      });
    const g = cluster.get(nodegroupName);
    if (!g)
      return error(res, 404, 'ResourceNotFoundException', `No node group found for name: ${nodegroupName}.`, {
        clusterName,
        nodegroupName,
      });
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify({ nodegroup: describe(g) }));
  }
}

export function arnOf(
  g: Pick<EmulatedNodegroup, 'region' | 'account' | 'cluster' | 'name' | 'uuid'>,
): string {
  return `arn:aws:eks:${g.region}:${g.account}:nodegroup/${g.cluster}/${g.name}/${g.uuid}`;
}

function describe(g: EmulatedNodegroup): Record<string, unknown> {
  return {
    nodegroupName: g.name,
    nodegroupArn: arnOf(g),
    clusterName: g.cluster,
    version: '1.33',
    releaseVersion: '1.33.0-20260101',
    createdAt: 1767225600,
    modifiedAt: 1767225600,
    status: g.status,
    capacityType: g.capacityType,
    scalingConfig: { minSize: 0, maxSize: Math.max(g.desired, 1), desiredSize: g.desired },
    instanceTypes: g.instanceTypes,
    subnets: g.subnets,
    amiType: 'AL2023_x86_64_STANDARD',
    nodeRole: `arn:aws:iam::${g.account}:role/${g.cluster}-nodes`,
    labels: g.labels,
    resources: { autoScalingGroups: [{ name: `eks-${g.name}-${g.uuid}` }] },
    diskSize: 20,
    health: { issues: g.issues },
    updateConfig: { maxUnavailable: 1 },
    tags: g.tags,
  };
}

function error(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message, ...extra }));
}
