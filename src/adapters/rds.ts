/**
 * RDS targets (aws:rds:db: DB instances; aws:rds:cluster: Aurora and Multi-AZ DB clusters) over
 * @aws-sdk/client-rds: their descriptions from DescribeDBInstances / DescribeDBClusters (the documents FIS
 * evaluates a target filter's `path` against, e.g. `Engine` or `AvailabilityZone`) and their health after an
 * experiment. Resources are asked for through the `db-instance-id` / `db-cluster-id` filters, which accept
 * ARNs and, unlike the identifier parameters, leave a deleted resource out instead of failing the call.
 *
 * Health, from RDS's documented states: a DB instance is healthy when its status is `available` (or
 * `storage-optimization`, which RDS documents as fully operational); a cluster when its status is one of
 * those and every member instance is too, with a writer among them. Anything else is named as RDS says it
 * (`rebooting`, `failing-over`, `stopped`, …); a resource RDS no longer knows "does not exist any more".
 */
import type { DBCluster, DBInstance, Filter, RDSClient } from '@aws-sdk/client-rds';
import {
  type ResourceDescriptionPort,
  type TargetHealth,
  type TargetHealthPort,
  TargetReadError,
} from '../core/target-health.ts';
import { type AwsTarget, type LazyClients, lazyRegionalClients } from './regional-clients.ts';

/** The package, loaded on the first call (regional-clients.ts): only a FIS approval makes one. */
const loadSdk = () => import('@aws-sdk/client-rds');

const INSTANCE = 'aws:rds:db';
const CLUSTER = 'aws:rds:cluster';
/** How many identifiers go into one filter (pages of at most 100 records follow the Marker). */
const CHUNK = 100;
const SERVING = new Set(['available', 'storage-optimization']);
const GONE = 'does not exist any more';

export class AwsRdsTargets implements ResourceDescriptionPort, TargetHealthPort {
  private readonly client: LazyClients<Awaited<ReturnType<typeof loadSdk>>, RDSClient>;

  constructor(o: AwsTarget = {}) {
    this.client = lazyRegionalClients(loadSdk, (sdk, config) => new sdk.RDSClient(config), o);
  }

  describes(resourceType: string): boolean {
    return resourceType === INSTANCE || resourceType === CLUSTER;
  }

  checksHealthOf(resourceType: string): boolean {
    return this.describes(resourceType);
  }

  /**
   * A DB instance is in its AZ, and a Multi-AZ instance also in its standby's (a failover moves it there). A
   * cluster spans every AZ it lists: its storage is in all of them and a failover may promote a reader in any,
   * so a cluster target counts as multi-AZ, as FIS's `AvailabilityZones` filter matches any of them.
   */
  availabilityZone(resourceType: string, d: Record<string, unknown>): string[] | string | undefined {
    if (resourceType === CLUSTER) {
      const azs = (d as DBCluster).AvailabilityZones?.filter((z) => typeof z === 'string');
      return azs?.length ? azs : undefined;
    }
    const i = d as DBInstance;
    if (typeof i.AvailabilityZone !== 'string') return undefined;
    return i.MultiAZ && i.SecondaryAvailabilityZone
      ? [i.AvailabilityZone, i.SecondaryAvailabilityZone]
      : i.AvailabilityZone;
  }

  async describe(
    region: string,
    resourceType: string,
    arns: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    const byId = identifiers(arns, resourceType === CLUSTER ? 'cluster' : 'db');
    const found =
      resourceType === CLUSTER
        ? await this.clusters(region, [...byId.keys()])
        : await this.instances(region, 'db-instance-id', [...byId.keys()]);
    for (const [id, d] of found) out.set(byId.get(id)!, d as unknown as Record<string, unknown>);
    return out;
  }

  async health(region: string, resourceType: string, arns: readonly string[]): Promise<TargetHealth[]> {
    const kind = resourceType === CLUSTER ? 'cluster' : 'db';
    const byId = identifiers(arns, kind);
    if (kind === 'db') {
      const found = await this.instances(region, 'db-instance-id', [...byId.keys()]);
      return [...byId].map(([id, arn]) => {
        const status = found.get(id)?.DBInstanceStatus;
        if (!found.has(id)) return { arn, healthy: false, state: GONE };
        return { arn, healthy: SERVING.has(status ?? ''), state: status ?? 'status not reported' };
      });
    }
    const clusters = await this.clusters(region, [...byId.keys()]);
    const members = clusters.size
      ? await this.instances(region, 'db-cluster-id', [...clusters.keys()])
      : new Map<string, DBInstance>();
    return [...byId].map(([id, arn]) => {
      const c = clusters.get(id);
      return c ? { arn, ...clusterHealth(c, members) } : { arn, healthy: false, state: GONE };
    });
  }

  /** DB instances by lower-case identifier, asked for through `filter` (instance ids or cluster ids). */
  private async instances(region: string, filter: string, ids: string[]): Promise<Map<string, DBInstance>> {
    const out = new Map<string, DBInstance>();
    await this.pages(region, ids, async (Filters, Marker) => {
      const page = await this.client(region, (client, sdk) =>
        client.send(
          new sdk.DescribeDBInstancesCommand({ Filters: [{ Name: filter, Values: Filters }], Marker }),
        ),
      );
      for (const i of page.DBInstances ?? [])
        if (i.DBInstanceIdentifier) out.set(i.DBInstanceIdentifier.toLowerCase(), i);
      return page.Marker;
    });
    return out;
  }

  private async clusters(region: string, ids: string[]): Promise<Map<string, DBCluster>> {
    const out = new Map<string, DBCluster>();
    await this.pages(region, ids, async (Values, Marker) => {
      const filters: Filter[] = [{ Name: 'db-cluster-id', Values }];
      const page = await this.client(region, (client, sdk) =>
        client.send(new sdk.DescribeDBClustersCommand({ Filters: filters, Marker })),
      );
      for (const c of page.DBClusters ?? [])
        if (c.DBClusterIdentifier) out.set(c.DBClusterIdentifier.toLowerCase(), c);
      return page.Marker;
    });
    return out;
  }

  /** Calls `read` per chunk of ids and per page, following the Marker; errors become TargetReadErrors. */
  private async pages(
    region: string,
    ids: string[],
    read: (ids: string[], marker: string | undefined) => Promise<string | undefined>,
  ): Promise<void> {
    try {
      for (let i = 0; i < ids.length; i += CHUNK) {
        let marker: string | undefined;
        do marker = await read(ids.slice(i, i + CHUNK), marker);
        while (marker);
      }
    } catch (err) {
      const e = err as { name?: string; message?: string; $fault?: string };
      throw new TargetReadError(
        e?.name ?? 'Error',
        `RDS in ${region}: ${e?.message ?? String(err)}`,
        e?.$fault === 'client',
      );
    }
  }
}

function clusterHealth(c: DBCluster, instances: Map<string, DBInstance>): Omit<TargetHealth, 'arn'> {
  const status = c.Status ?? 'status not reported';
  if (!SERVING.has(status)) return { healthy: false, state: status };
  const members = c.DBClusterMembers ?? [];
  const problems: string[] = [];
  for (const m of members) {
    const id = m.DBInstanceIdentifier?.toLowerCase() ?? '?';
    const s = instances.get(id)?.DBInstanceStatus;
    if (!instances.has(id)) problems.push(`member ${id} not found`);
    else if (!SERVING.has(s ?? '')) problems.push(`member ${id} ${s ?? 'status not reported'}`);
  }
  if (members.length && !members.some((m) => m.IsClusterWriter)) problems.push('no writer');
  if (problems.length) return { healthy: false, state: `${status}, ${problems.join(', ')}` };
  return {
    healthy: true,
    state: members.length ? `${status}, ${members.length} of ${members.length} members available` : status,
  };
}

/** Lower-case identifier → ARN, for RDS ARNs of this kind (`arn:aws:rds:region:account:db:name`). */
function identifiers(arns: readonly string[], kind: 'db' | 'cluster'): Map<string, string> {
  const out = new Map<string, string>();
  for (const arn of arns) {
    const [scheme, , service, , account, type, name, ...rest] = arn.split(':');
    if (
      scheme === 'arn' &&
      service === 'rds' &&
      /^\d{12}$/.test(account ?? '') &&
      type === kind &&
      !rest.length
    )
      if (name && /^[A-Za-z][A-Za-z0-9-]*$/.test(name)) out.set(name.toLowerCase(), arn);
  }
  return out;
}
