/**
 * A local stand-in for the two RDS reads the approval gate makes, DescribeDBInstances (aws:rds:db targets:
 * their descriptions for FIS filters and AZs, and health after an experiment) and DescribeDBClusters
 * (aws:rds:cluster targets), in the AWS query protocol as @aws-sdk/client-rds speaks it. Reached through
 * AWS_ENDPOINT_URL_RDS.
 *
 * As strict as the service (test/contract/rds-emulator.test.ts checks it through the real SDK): SigV4 for the
 * `rds` signing name, each region its own databases; an identifier (or ARN) that names nothing is the SDK's
 * DBInstanceNotFoundFault / DBClusterNotFoundFault (query codes DBInstanceNotFound / DBClusterNotFoundFault,
 * HTTP 404), a malformed identifier InvalidParameterValue; MaxRecords from 20 to 100 and an opaque Marker
 * valid only for its own query; the documented filters (an unknown filter name is refused; documented ones the
 * stand-in does not implement are refused too, never ignored), each needing a name and values; parameters the
 * stand-in does not know are refused. Identifiers are not case-sensitive and RDS keeps them in lower case.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signedRegion } from './fis-emulator-model.ts';
import { bodyText, LoopbackService } from './loopback-service.ts';
import {
  clusterXml,
  type DbClusterStatus,
  type DbInstanceStatus,
  type EmulatedDbCluster,
  type EmulatedDbInstance,
  instanceXml,
  resourceId,
} from './rds-emulator-model.ts';
import { answer, el, error, type Filter, filtersOf, page, RdsError, VERSION } from './rds-emulator-wire.ts';

export type { DbClusterStatus, DbInstanceStatus, EmulatedDbCluster, EmulatedDbInstance };

export interface RdsCall {
  action: string;
  region: string;
  params: Record<string, string>;
}

/** Identifiers: a letter first, letters, digits and hyphens, no trailing or double hyphen, 1 to 63 long. */
const IDENTIFIER = /^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-)){0,62}$/;
const ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):(db|cluster):([^:]+)$/;
const ACCEPTED: Record<string, RegExp> = {
  DescribeDBInstances:
    /^(Action|Version|DBInstanceIdentifier|MaxRecords|Marker|Filters(\.Filter\.\d+(\.Name|\.Values(\.Value\.\d+)?)?)?)$/,
  DescribeDBClusters:
    /^(Action|Version|DBClusterIdentifier|MaxRecords|Marker|IncludeShared|Filters(\.Filter\.\d+(\.Name|\.Values(\.Value\.\d+)?)?)?)$/,
};
/** Filters RDS documents per operation; `null` marks a documented one this stand-in does not implement. */
const FILTERS: Record<string, Record<string, ((r: never, values: string[]) => boolean) | null>> = {
  DescribeDBInstances: {
    'db-cluster-id': (i: EmulatedDbInstance, v) =>
      i.clusterId !== undefined && names(v, 'cluster', i.clusterId),
    'db-instance-id': (i: EmulatedDbInstance, v) => names(v, 'db', i.id),
    'dbi-resource-id': (i: EmulatedDbInstance, v) => v.includes(resourceId('db', i.id)),
    engine: (i: EmulatedDbInstance, v) => v.includes(i.engine),
    domain: null,
  },
  DescribeDBClusters: {
    'db-cluster-id': (c: EmulatedDbCluster, v) => names(v, 'cluster', c.id),
    'db-cluster-resource-id': (c: EmulatedDbCluster, v) => v.includes(resourceId('cluster', c.id)),
    engine: (c: EmulatedDbCluster, v) => v.includes(c.engine),
    'clone-group-id': null,
    domain: null,
  },
};

export class RdsEmulator extends LoopbackService {
  readonly calls: RdsCall[] = [];
  private readonly instances = new Map<string, EmulatedDbInstance>();
  private readonly clusters = new Map<string, EmulatedDbCluster>();

  /** A DB instance (available unless said otherwise), from its ARN `arn:aws:rds:<region>:<account>:db:<id>`. */
  putInstance(arn: string, o: Partial<Omit<EmulatedDbInstance, 'id' | 'region' | 'account'>> = {}): void {
    const { region, account, id } = parse(arn, 'db');
    const before = this.instances.get(`${region}/${id}`);
    this.instances.set(`${region}/${id}`, {
      id,
      region,
      account,
      az: `${region}a`,
      status: 'available',
      engine: 'postgres',
      instanceClass: 'db.t4g.medium',
      tags: {},
      ...before,
      ...o,
    });
  }

  /** A DB cluster (available unless said otherwise); its members are the instances put with its `clusterId`. */
  putCluster(arn: string, o: Partial<Omit<EmulatedDbCluster, 'id' | 'region' | 'account'>> = {}): void {
    const { region, account, id } = parse(arn, 'cluster');
    const before = this.clusters.get(`${region}/${id}`);
    this.clusters.set(`${region}/${id}`, {
      id,
      region,
      account,
      azs: [`${region}a`, `${region}b`, `${region}c`],
      status: 'available',
      engine: 'aurora-postgresql',
      tags: {},
      ...before,
      ...o,
    });
  }

  /** Changes an instance (a reboot, a failover, a stop) by its ARN. */
  setInstance(arn: string, o: Partial<Pick<EmulatedDbInstance, 'status' | 'az' | 'secondaryAz'>>): void {
    const { region, id } = parse(arn, 'db');
    const i = this.instances.get(`${region}/${id}`);
    if (!i) throw new Error(`no DB instance ${arn}`);
    Object.assign(i, o);
  }

  setCluster(arn: string, o: Partial<Pick<EmulatedDbCluster, 'status' | 'writer'>>): void {
    const { region, id } = parse(arn, 'cluster');
    const c = this.clusters.get(`${region}/${id}`);
    if (!c) throw new Error(`no DB cluster ${arn}`);
    Object.assign(c, o);
  }

  /** The instance or cluster is deleted: RDS no longer knows it. */
  forget(arn: string): void {
    const m = ARN.exec(arn);
    if (!m) throw new Error(`not an RDS ARN: ${arn}`);
    (m[3] === 'db' ? this.instances : this.clusters).delete(`${m[1]}/${m[4]!.toLowerCase()}`);
  }

  clear(): void {
    this.instances.clear();
    this.clusters.clear();
  }

  protected internalError(res: ServerResponse, err: unknown): void {
    error(res, 500, 'InternalFailure', String(err));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const p = new URLSearchParams(await bodyText(req));
    const scope = signedRegion(req.headers.authorization);
    const action = p.get('Action') ?? '';
    this.calls.push({ action, region: scope?.region ?? '', params: Object.fromEntries(p) });
    if (scope?.service !== 'rds')
      return error(res, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const accepted = ACCEPTED[action];
    if (!accepted || p.get('Version') !== VERSION)
      return error(
        res,
        400,
        'InvalidAction',
        `Could not find operation ${action} for version ${p.get('Version')}`,
      );
    const unknown = [...p.keys()].find((k) => !accepted.test(k));
    if (unknown)
      return error(res, 400, 'InvalidQueryParameter', `The parameter ${unknown} is not recognized`);
    try {
      if (action === 'DescribeDBInstances') this.describeInstances(res, p, scope.region);
      else this.describeClusters(res, p, scope.region);
    } catch (err) {
      if (!(err instanceof RdsError)) throw err;
      error(res, err.status, err.code, err.message);
    }
  }

  private describeInstances(res: ServerResponse, p: URLSearchParams, region: string): void {
    const filters = filtersOf(p);
    let found = [...this.instances.values()].filter((i) => i.region === region);
    const named = p.get('DBInstanceIdentifier');
    if (named !== null) {
      const id = identifier(named, 'db', 'DBInstanceIdentifier', region);
      found = found.filter((i) => i.id === id);
      if (found.length === 0) throw new RdsError(404, 'DBInstanceNotFound', `DBInstance ${id} not found.`);
    }
    found = applyFilters('DescribeDBInstances', found, filters).sort((a, b) => a.id.localeCompare(b.id));
    const { items, marker } = page(found, p, ['DescribeDBInstances', region, named, filters]);
    answer(
      res,
      'DescribeDBInstances',
      `<DBInstances>${items.map(instanceXml).join('')}</DBInstances>${el('Marker', marker)}`,
    );
  }

  private describeClusters(res: ServerResponse, p: URLSearchParams, region: string): void {
    const shared = p.get('IncludeShared');
    if (shared !== null && shared !== 'true' && shared !== 'false')
      throw new RdsError(400, 'InvalidParameterValue', `Invalid value ${shared} for IncludeShared`);
    const filters = filtersOf(p);
    let found = [...this.clusters.values()].filter((c) => c.region === region);
    const named = p.get('DBClusterIdentifier');
    if (named !== null) {
      const id = identifier(named, 'cluster', 'DBClusterIdentifier', region);
      found = found.filter((c) => c.id === id);
      if (found.length === 0) throw new RdsError(404, 'DBClusterNotFoundFault', `DBCluster ${id} not found.`);
    }
    found = applyFilters('DescribeDBClusters', found, filters).sort((a, b) => a.id.localeCompare(b.id));
    const { items, marker } = page(found, p, ['DescribeDBClusters', region, named, filters]);
    const members = (c: EmulatedDbCluster) =>
      [...this.instances.values()].filter((i) => i.region === c.region && i.clusterId === c.id);
    answer(
      res,
      'DescribeDBClusters',
      `<DBClusters>${items.map((c) => clusterXml(c, members(c))).join('')}</DBClusters>${el('Marker', marker)}`,
    );
  }
}

function applyFilters<T>(op: string, items: T[], filters: Filter[]): T[] {
  for (const f of filters) {
    const known = FILTERS[op]!;
    if (!(f.name in known))
      throw new RdsError(400, 'InvalidParameterValue', `Unrecognized filter name: ${f.name}`);
    const test = known[f.name];
    if (!test)
      throw new RdsError(
        400,
        'InvalidParameterValue',
        `The filter ${f.name} is not implemented by this stand-in`,
      );
    items = items.filter((i) => (test as (r: T, v: string[]) => boolean)(i, f.values));
  }
  return items;
}

/** Whether any value names this identifier, as an identifier (any case) or as an ARN of this kind. */
function names(values: string[], kind: 'db' | 'cluster', id: string): boolean {
  return values.some((v) => {
    const m = ARN.exec(v);
    return m ? m[3] === kind && m[4]!.toLowerCase() === id : v.toLowerCase() === id;
  });
}

/** The identifier a parameter names (an identifier or an ARN of its kind in this region), validated. */
function identifier(value: string, kind: 'db' | 'cluster', param: string, region: string): string {
  const m = ARN.exec(value);
  if (m && m[3] === kind) return m[1] === region ? m[4]!.toLowerCase() : `${m[4]!.toLowerCase()} in ${m[1]}`;
  if (!IDENTIFIER.test(value) || value.endsWith('-'))
    throw new RdsError(
      400,
      'InvalidParameterValue',
      `The parameter ${param} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    );
  return value.toLowerCase();
}

function parse(arn: string, kind: 'db' | 'cluster'): { region: string; account: string; id: string } {
  const m = ARN.exec(arn);
  if (!m || m[3] !== kind || !IDENTIFIER.test(m[4]!)) throw new Error(`not an RDS ${kind} ARN: ${arn}`);
  return { region: m[1]!, account: m[2]!, id: m[4]!.toLowerCase() };
}
