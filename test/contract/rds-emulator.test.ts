/**
 * The RDS emulator against material nobody here wrote, driven through the real @aws-sdk/client-rds: its
 * errors are the exceptions the SDK models for each operation (the `@throws` of dist-types/commands, mapped by
 * the model's awsQueryError codes, so `instanceof` holds) or RDS's common query errors; every element it
 * answers with is a member of the SDK's output structures (dist-types/models/models_0.d.ts); the documented
 * limits hold (MaxRecords 20 to 100, a Marker only for its own query, the filters each operation documents).
 * Then the adapter over it: descriptions by ARN, AZs, and health of instances and clusters.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  DBClusterNotFoundFault,
  DBInstanceNotFoundFault,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  paginateDescribeDBInstances,
  RDSClient,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsRdsTargets } from '../../src/adapters/rds.ts';
import { RdsEmulator } from '../../src/stand-ins/rds-emulator.ts';

const sdkDir = dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-rds/package.json'));
const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
/** RDS's common query errors (RDS API reference, "Common Errors") any operation may return. */
const COMMON = new Set([
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidQueryParameter',
  'MissingParameter',
  'MissingAuthenticationToken',
  'InvalidAction',
]);

function modeledErrors(op: string): Set<string> {
  const dts = readFileSync(join(sdkDir, 'dist-types', 'commands', `${op}Command.d.ts`), 'utf8');
  return new Set(
    [...dts.matchAll(/@throws \{@link (\w+)\}/g)]
      .map((m) => m[1]!)
      .filter((n) => n !== 'RDSServiceException'),
  );
}

/** The query error code and HTTP status the SDK's schema gives a modelled fault (its awsQueryError trait). */
function queryError(fault: string): { code: string; status: number } {
  const js = readFileSync(join(sdkDir, 'dist-es', 'schemas', 'schemas_0.js'), 'utf8');
  const m = new RegExp(
    `export var ${fault}\\$ = \\[-3, n0, \\w+,\\s*\\{ \\[_aQE\\]: \\[\`(\\w+)\`, (\\d+)\\]`,
  ).exec(js);
  if (!m) throw new Error(`no awsQueryError for ${fault} in the SDK schema`);
  return { code: m[1]!, status: Number(m[2]) };
}

/** Member names of a structure as the SDK declares it. */
function members(shape: string): Set<string> {
  const dts = readFileSync(join(sdkDir, 'dist-types', 'models', 'models_0.d.ts'), 'utf8');
  const start = dts.indexOf(`export interface ${shape} {`);
  if (start < 0) throw new Error(`no ${shape} in the SDK model`);
  const body = dts.slice(start, dts.indexOf('\n}\n', start));
  return new Set([...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]!));
}

/** The child element names of each `<tag>` element in an XML answer. */
function childNames(xml: string, tag: string): Set<string> {
  const out = new Set<string>();
  for (const m of xml.matchAll(new RegExp(`<${tag}>(.*?)</${tag}>`, 'gs'))) {
    let depth = 0;
    for (const t of m[1]!.matchAll(/<(\/?)(\w+)(\/?)>/g)) {
      if (t[1]) depth--;
      else {
        if (depth === 0) out.add(t[2]!);
        if (!t[3]) depth++;
      }
    }
  }
  return out;
}

const db = (name: string, region = 'us-east-1') => `arn:aws:rds:${region}:123456789012:db:${name}`;
const cluster = (name: string, region = 'us-east-1') => `arn:aws:rds:${region}:123456789012:cluster:${name}`;

describe('RDS emulator contract (SDK model)', () => {
  const rds = new RdsEmulator();
  const client = (region = 'us-east-1') =>
    new RDSClient({ region, endpoint: rds.url, credentials: CREDS, maxAttempts: 1 });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: Error & { $metadata?: { httpStatusCode?: number } }) => e,
    );
  const errorOf = async (p: Promise<unknown>) => (await failure(p))?.name ?? 'no error';
  /** A raw query request with a SigV4-shaped Authorization (the stand-in reads the scope, not the signature). */
  const raw = (body: string, service = 'rds') =>
    fetch(rds.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body,
    });
  beforeAll(() => rds.start());
  afterAll(() => rds.stop());
  beforeEach(() => {
    rds.clear();
    rds.putCluster(cluster('orders'), { writer: 'orders-1', tags: { app: 'orders' } });
    rds.putInstance(db('orders-1'), { clusterId: 'orders', engine: 'aurora-postgresql', az: 'us-east-1a' });
    rds.putInstance(db('orders-2'), { clusterId: 'orders', engine: 'aurora-postgresql', az: 'us-east-1b' });
    rds.putInstance(db('billing'), { engine: 'mysql', az: 'us-east-1c', secondaryAz: 'us-east-1a' });
    rds.putInstance(db('reports', 'us-west-2'));
  });

  it('refuses requests not signed for rds', async () => {
    const r = await raw('Action=DescribeDBInstances&Version=2014-10-31', 'ec2');
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('DescribeDBInstances answers in the SDK shape, each region its own', async () => {
    const out = await client().send(new DescribeDBInstancesCommand({}));
    expect(
      out.DBInstances?.map((i) => [
        i.DBInstanceIdentifier,
        i.DBInstanceStatus,
        i.AvailabilityZone,
        i.MultiAZ,
      ]),
    ).toEqual([
      ['billing', 'available', 'us-east-1c', true],
      ['orders-1', 'available', 'us-east-1a', false],
      ['orders-2', 'available', 'us-east-1b', false],
    ]);
    expect(out.DBInstances?.[0]).toMatchObject({
      SecondaryAvailabilityZone: 'us-east-1a',
      Engine: 'mysql',
      DBInstanceArn: db('billing'),
    });
    expect(out.DBInstances?.[1]?.DBClusterIdentifier).toBe('orders');
    const west = await client('us-west-2').send(new DescribeDBInstancesCommand({}));
    expect(west.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual(['reports']);
  });

  it('DescribeDBClusters answers in the SDK shape: status, AZs, members with the writer', async () => {
    const out = await client().send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'ORDERS' }));
    const c = out.DBClusters?.[0];
    expect(c).toMatchObject({
      DBClusterIdentifier: 'orders',
      Status: 'available',
      AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      DBClusterArn: cluster('orders'),
      MultiAZ: true,
      TagList: [{ Key: 'app', Value: 'orders' }],
    });
    expect(c?.DBClusterMembers?.map((m) => [m.DBInstanceIdentifier, m.IsClusterWriter])).toEqual([
      ['orders-1', true],
      ['orders-2', false],
    ]);
  });

  it('every element answered is a member of the SDK output structures', async () => {
    const instances = await (await raw('Action=DescribeDBInstances&Version=2014-10-31')).text();
    const clusters = await (await raw('Action=DescribeDBClusters&Version=2014-10-31')).text();
    const extra = (found: Set<string>, shape: string) => [...found].filter((n) => !members(shape).has(n));
    expect(extra(childNames(instances, 'DBInstance'), 'DBInstance')).toEqual([]);
    expect(extra(childNames(clusters, 'DBCluster'), 'DBCluster')).toEqual([]);
    expect(extra(childNames(clusters, 'DBClusterMember'), 'DBClusterMember')).toEqual([]);
    expect(extra(childNames(instances, 'DescribeDBInstancesResult'), 'DBInstanceMessage')).toEqual([]);
    expect(childNames(instances, 'DBInstance').size).toBeGreaterThan(5);
  });

  it('an identifier that names nothing is the modelled not-found fault (404), by id or by ARN', async () => {
    const i = await failure(client().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })));
    expect(i).toBeInstanceOf(DBInstanceNotFoundFault);
    expect(i?.$metadata?.httpStatusCode).toBe(404);
    expect(modeledErrors('DescribeDBInstances').has(i!.name)).toBe(true);
    const c = await failure(
      client().send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster('gone') })),
    );
    expect(c).toBeInstanceOf(DBClusterNotFoundFault);
    expect(c?.$metadata?.httpStatusCode).toBe(404);
    expect(modeledErrors('DescribeDBClusters').has(c!.name)).toBe(true);
    // Another region's database is not found here.
    expect(
      await failure(client().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'reports' }))),
    ).toBeInstanceOf(DBInstanceNotFoundFault);
  });

  it('on the wire, each fault carries the awsQueryError code and status of the SDK schema', async () => {
    for (const [body, fault] of [
      ['Action=DescribeDBInstances&Version=2014-10-31&DBInstanceIdentifier=nope', 'DBInstanceNotFoundFault'],
      ['Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=nope', 'DBClusterNotFoundFault'],
    ] as const) {
      const want = queryError(fault);
      const r = await raw(body);
      expect(r.status, fault).toBe(want.status);
      expect(await r.text(), fault).toContain(`<Code>${want.code}</Code>`);
    }
  });

  it('identifiers: not case-sensitive, and a malformed one is InvalidParameterValue', async () => {
    const out = await client().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'Orders-1' }));
    expect(out.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual(['orders-1']);
    for (const bad of ['1orders', 'orders--1', 'orders-', 'a'.repeat(64)])
      expect(
        await errorOf(client().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: bad }))),
      ).toBe('InvalidParameterValue');
  });

  it('the documented filters: ids or ARNs, unknown ones left out; members by cluster; unknown filter names refused', async () => {
    const byId = await client().send(
      new DescribeDBInstancesCommand({
        Filters: [{ Name: 'db-instance-id', Values: [db('orders-2'), 'BILLING', db('deleted-long-ago')] }],
      }),
    );
    expect(byId.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual(['billing', 'orders-2']);
    const membersOf = await client().send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [cluster('orders')] }] }),
    );
    expect(membersOf.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual(['orders-1', 'orders-2']);
    const both = await client().send(
      new DescribeDBInstancesCommand({
        Filters: [
          { Name: 'db-cluster-id', Values: ['orders'] },
          { Name: 'db-instance-id', Values: ['orders-2', 'billing'] },
        ],
      }),
    );
    expect(both.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual(['orders-2']);
    const engines = await client().send(
      new DescribeDBClustersCommand({ Filters: [{ Name: 'engine', Values: ['aurora-mysql'] }] }),
    );
    expect(engines.DBClusters).toEqual([]);
    expect(
      await errorOf(
        client().send(
          new DescribeDBInstancesCommand({ Filters: [{ Name: 'status', Values: ['available'] }] }),
        ),
      ),
    ).toBe('InvalidParameterValue');
    // db-instance-id is not a DescribeDBClusters filter.
    expect(
      await errorOf(
        client().send(
          new DescribeDBClustersCommand({ Filters: [{ Name: 'db-instance-id', Values: ['x'] }] }),
        ),
      ),
    ).toBe('InvalidParameterValue');
    // Name and Values are both required members of Filter.
    expect(
      await errorOf(
        client().send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'engine', Values: [] }] })),
      ),
    ).toBe('InvalidParameterValue');
    expect(
      await errorOf(
        client().send(new DescribeDBInstancesCommand({ Filters: [{ Values: ['mysql'] } as never] })),
      ),
    ).toBe('MissingParameter');
  });

  it('MaxRecords from 20 to 100, and a Marker pages through, valid only for its own query', async () => {
    for (let n = 0; n < 45; n++) rds.putInstance(db(`fleet-${String(n).padStart(2, '0')}`));
    for (const bad of [19, 101, 0])
      expect(await errorOf(client().send(new DescribeDBInstancesCommand({ MaxRecords: bad })))).toBe(
        'InvalidParameterValue',
      );
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const p of paginateDescribeDBInstances({ client: client(), pageSize: 20 }, {})) {
      pages.push(p.DBInstances?.length ?? 0);
      seen.push(...(p.DBInstances ?? []).map((i) => i.DBInstanceIdentifier!));
    }
    expect(pages).toEqual([20, 20, 8]);
    expect(new Set(seen).size).toBe(48);
    const first = await client().send(new DescribeDBInstancesCommand({ MaxRecords: 20 }));
    expect(first.Marker).toBeTruthy();
    expect(
      await errorOf(
        client().send(
          new DescribeDBInstancesCommand({
            MaxRecords: 20,
            Marker: first.Marker,
            Filters: [{ Name: 'engine', Values: ['postgres'] }],
          }),
        ),
      ),
    ).toBe('InvalidParameterValue');
    expect(await errorOf(client().send(new DescribeDBClustersCommand({ Marker: first.Marker })))).toBe(
      'InvalidParameterValue',
    );
  });

  it('every error it returns is modelled for the operation or one of the common query errors', async () => {
    const calls: Array<[string, Promise<unknown>]> = [
      [
        'DescribeDBInstances',
        client().send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })),
      ],
      ['DescribeDBInstances', client().send(new DescribeDBInstancesCommand({ MaxRecords: 5 }))],
      ['DescribeDBInstances', client().send(new DescribeDBInstancesCommand({ Marker: 'junk' }))],
      ['DescribeDBClusters', client().send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'x-' }))],
      ['DescribeDBClusters', client().send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' }))],
    ];
    for (const [op, call] of calls) {
      const name = await errorOf(call);
      expect(modeledErrors(op).has(name) || COMMON.has(name), `${op}: ${name}`).toBe(true);
    }
    const unknown = await raw('Action=DescribeDBInstances&Version=2014-10-31&IncludeShared=true');
    expect(await unknown.text()).toContain('<Code>InvalidQueryParameter</Code>');
  });
});

describe('the RDS adapter over the emulator', () => {
  const rds = new RdsEmulator();
  let targets: AwsRdsTargets;
  beforeAll(async () => {
    await rds.start();
    targets = new AwsRdsTargets({ endpoint: rds.url, credentials: CREDS });
  });
  afterAll(() => rds.stop());
  beforeEach(() => {
    rds.clear();
    rds.putCluster(cluster('orders'), { writer: 'orders-1' });
    rds.putInstance(db('orders-1'), { clusterId: 'orders', az: 'us-east-1a' });
    rds.putInstance(db('orders-2'), { clusterId: 'orders', az: 'us-east-1b' });
    rds.putInstance(db('billing'), { engine: 'mysql', az: 'us-east-1c', secondaryAz: 'us-east-1a' });
    rds.putInstance(db('ledger'), { az: 'us-east-1b' });
  });

  it('describes instances and clusters by ARN; one that is gone is absent', async () => {
    const d = await targets.describe('us-east-1', 'aws:rds:db', [db('billing'), db('ledger'), db('gone')]);
    expect([...d.keys()].sort()).toEqual([db('billing'), db('ledger')]);
    expect(d.get(db('billing'))).toMatchObject({ Engine: 'mysql', DBInstanceStatus: 'available' });
    const c = await targets.describe('us-east-1', 'aws:rds:cluster', [cluster('orders'), cluster('gone')]);
    expect([...c.keys()]).toEqual([cluster('orders')]);
  });

  it('AZs: a single-AZ instance its one, a Multi-AZ instance both, a cluster every AZ it lists', async () => {
    const d = await targets.describe('us-east-1', 'aws:rds:db', [db('billing'), db('ledger')]);
    expect(targets.availabilityZone('aws:rds:db', d.get(db('ledger'))!)).toBe('us-east-1b');
    expect(targets.availabilityZone('aws:rds:db', d.get(db('billing'))!)).toEqual([
      'us-east-1c',
      'us-east-1a',
    ]);
    const c = await targets.describe('us-east-1', 'aws:rds:cluster', [cluster('orders')]);
    expect(targets.availabilityZone('aws:rds:cluster', c.get(cluster('orders'))!)).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
    ]);
  });

  it('instance health: available is healthy; any other state, or gone, is named', async () => {
    rds.setInstance(db('ledger'), { status: 'rebooting' });
    const h = await targets.health('us-east-1', 'aws:rds:db', [db('billing'), db('ledger'), db('gone')]);
    expect(h).toEqual([
      { arn: db('billing'), healthy: true, state: 'available' },
      { arn: db('ledger'), healthy: false, state: 'rebooting' },
      { arn: db('gone'), healthy: false, state: 'does not exist any more' },
    ]);
  });

  it('cluster health: its status, then every member and a writer', async () => {
    const read = async () => (await targets.health('us-east-1', 'aws:rds:cluster', [cluster('orders')]))[0];
    expect(await read()).toEqual({
      arn: cluster('orders'),
      healthy: true,
      state: 'available, 2 of 2 members available',
    });
    rds.setCluster(cluster('orders'), { status: 'failing-over' });
    expect(await read()).toMatchObject({ healthy: false, state: 'failing-over' });
    rds.setCluster(cluster('orders'), { status: 'available' });
    rds.setInstance(db('orders-2'), { status: 'rebooting' });
    expect(await read()).toMatchObject({ healthy: false, state: 'available, member orders-2 rebooting' });
    rds.setInstance(db('orders-2'), { status: 'available' });
    rds.setCluster(cluster('orders'), { writer: undefined });
    expect(await read()).toMatchObject({ healthy: false, state: 'available, no writer' });
    rds.forget(cluster('orders'));
    expect(await read()).toMatchObject({ healthy: false, state: 'does not exist any more' });
  });

  it('more targets than one filter or page holds: asked for in chunks, every page read', async () => {
    const many = Array.from({ length: 130 }, (_, n) => db(`fleet-${String(n).padStart(3, '0')}`));
    for (const arn of many) rds.putInstance(arn);
    rds.calls.length = 0;
    const h = await targets.health('us-east-1', 'aws:rds:db', many);
    expect(h.filter((x) => x.healthy)).toHaveLength(130);
    expect(rds.calls.map((c) => c.action)).toEqual(['DescribeDBInstances', 'DescribeDBInstances']);
  });
});
