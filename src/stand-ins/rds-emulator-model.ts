/**
 * The RDS stand-in's model: DB instances and clusters with the states RDS documents, and how each is
 * answered in XML (member names as @aws-sdk/client-rds's schema names them).
 */
import { el, tagList } from './rds-emulator-wire.ts';

/** DB instance states from the RDS User Guide's "Viewing Amazon RDS DB instance status" (a subset). */
export type DbInstanceStatus =
  | 'available'
  | 'backing-up'
  | 'creating'
  | 'deleting'
  | 'failed'
  | 'maintenance'
  | 'modifying'
  | 'rebooting'
  | 'starting'
  | 'stopped'
  | 'stopping'
  | 'storage-full'
  | 'storage-optimization'
  | 'upgrading';

/** DB cluster states from the Aurora User Guide's "Viewing DB cluster status" (a subset). */
export type DbClusterStatus =
  | 'available'
  | 'backing-up'
  | 'creating'
  | 'deleting'
  | 'failing-over'
  | 'maintenance'
  | 'modifying'
  | 'starting'
  | 'stopped'
  | 'stopping'
  | 'storage-optimization'
  | 'upgrading';

export interface EmulatedDbInstance {
  id: string;
  region: string;
  account: string;
  az: string;
  /** A Multi-AZ instance's standby AZ. */
  secondaryAz?: string;
  status: DbInstanceStatus;
  engine: string;
  instanceClass: string;
  /** The cluster this instance is a member of. */
  clusterId?: string;
  tags: Record<string, string>;
}

export interface EmulatedDbCluster {
  id: string;
  region: string;
  account: string;
  /** The AZs the cluster's storage and instances may use (DBCluster.AvailabilityZones). */
  azs: string[];
  status: DbClusterStatus;
  engine: string;
  /** Its writer instance; the other member instances are readers. */
  writer?: string;
  tags: Record<string, string>;
}

/** A stable resource id per identifier, in RDS's form (db-… / cluster-…, 26 upper-case characters). */
export function resourceId(kind: 'db' | 'cluster', id: string): string {
  const body = Buffer.from(id).toString('hex').toUpperCase().padEnd(26, '0').slice(0, 26);
  return `${kind}-${body}`;
}

export function instanceXml(i: EmulatedDbInstance): string {
  return `<DBInstance>${el('DBInstanceIdentifier', i.id)}${el('DBInstanceClass', i.instanceClass)}${el('Engine', i.engine)}${el('DBInstanceStatus', i.status)}${el('AvailabilityZone', i.az)}${el('SecondaryAvailabilityZone', i.secondaryAz)}${el('MultiAZ', i.secondaryAz !== undefined)}${el('DBClusterIdentifier', i.clusterId)}${el('DbiResourceId', resourceId('db', i.id))}${el('DBInstanceArn', `arn:aws:rds:${i.region}:${i.account}:db:${i.id}`)}${tagList(i.tags)}</DBInstance>`;
}

export function clusterXml(c: EmulatedDbCluster, members: EmulatedDbInstance[]): string {
  const memberXml = members
    .map(
      (m) =>
        `<DBClusterMember>${el('DBInstanceIdentifier', m.id)}${el('IsClusterWriter', m.id === c.writer)}${el('DBClusterParameterGroupStatus', 'in-sync')}${el('PromotionTier', 1)}</DBClusterMember>`,
    )
    .join('');
  const multiAz = new Set(members.map((m) => m.az)).size > 1;
  return `<DBCluster>${el('DBClusterIdentifier', c.id)}<AvailabilityZones>${c.azs.map((z) => el('AvailabilityZone', z)).join('')}</AvailabilityZones>${el('Status', c.status)}${el('Engine', c.engine)}${el('MultiAZ', multiAz)}<DBClusterMembers>${memberXml}</DBClusterMembers>${el('DbClusterResourceId', resourceId('cluster', c.id))}${el('DBClusterArn', `arn:aws:rds:${c.region}:${c.account}:cluster:${c.id}`)}${tagList(c.tags)}</DBCluster>`;
}
