/** The sessions table: reachable (startup), keys and index, TTL, point-in-time recovery. */
import { type Check, fail, type Outcome, pass, skip, warn } from './check.ts';
import { awsOf, type DoctorContext } from './context.ts';
import { AwsProbeError } from './ports.ts';

/** What src/adapters/session-store.ts and approval-store.ts need (deploy/lib/constructs/sessions-table.ts builds it). */
export const TABLE_SHAPE = {
  keys: [
    { name: 'pk', type: 'HASH', attributeType: 'S' },
    { name: 'sk', type: 'RANGE', attributeType: 'S' },
  ],
  index: {
    name: 'gsi1',
    keys: [
      { name: 'gsi1pk', type: 'HASH' },
      { name: 'gsi1sk', type: 'RANGE' },
    ],
  },
  ttl: 'ttl',
} as const;

function tableName(ctx: DoctorContext): string {
  const t = ctx.config.store.table;
  if (!t) throw new TableUnset();
  return t;
}
class TableUnset extends Error {}

async function tableCheck(
  ctx: DoctorContext,
  body: (name: string, region: string) => Promise<Outcome>,
): Promise<Outcome> {
  let name: string;
  try {
    name = tableName(ctx);
  } catch {
    return skip('SESSIONS_TABLE is not set: the embedded store (one replica only, data under DATA_DIR)');
  }
  return body(name, ctx.config.store.region);
}

export const tableReachable: Check<DoctorContext> = {
  id: 'table.reachable',
  title: 'the session store answers (DescribeTable, then a probe write)',
  quick: true,
  async run(ctx) {
    if (!ctx.store) return skip('no store opened');
    try {
      await ctx.store.ping();
      return pass(`${ctx.config.store.table ?? 'embedded store'} answers`);
    } catch (err) {
      const name = (err as { name?: string }).name ?? 'error';
      const { table, region } = ctx.config.store;
      return name === 'ResourceNotFoundException'
        ? fail(
            `The DynamoDB table "${table}" does not exist in ${region}`,
            'create it (see deploy/) or unset SESSIONS_TABLE for the embedded store.',
          )
        : fail(
            `The DynamoDB table "${table ?? 'embedded'}" is not reachable (${name})`,
            "check AWS credentials, AWS_REGION and the bot's IAM permissions.",
          );
    }
  },
};

export const tableShape: Check<DoctorContext> = {
  id: 'table.shape',
  title: 'SESSIONS_TABLE exists with keys pk/sk and the index gsi1 (gsi1pk/gsi1sk)',
  run: (ctx) =>
    tableCheck(ctx, async (name, region) => {
      let t: Awaited<ReturnType<ReturnType<typeof awsOf>['table']>>;
      try {
        t = await awsOf(ctx).table(name);
      } catch (err) {
        if (err instanceof AwsProbeError && err.notFound)
          return fail(
            `no table "${name}" in ${region}`,
            'deploy it (npm run deploy) or correct SESSIONS_TABLE and AWS_REGION',
          );
        throw err;
      }
      const problems: string[] = [];
      for (const k of TABLE_SHAPE.keys) {
        const got = t.keys.find((x) => x.type === k.type);
        if (got?.name !== k.name || (got.attributeType && got.attributeType !== k.attributeType))
          problems.push(
            `${k.type === 'HASH' ? 'partition' : 'sort'} key is ${got ? `${got.name} (${got.attributeType ?? '?'})` : 'missing'}, not ${k.name} (S)`,
          );
      }
      const idx = t.indexes.find((i) => i.name === TABLE_SHAPE.index.name);
      if (!idx) problems.push(`index ${TABLE_SHAPE.index.name} is missing`);
      else if (
        TABLE_SHAPE.index.keys.some((k) => !idx.keys.some((x) => x.name === k.name && x.type === k.type))
      )
        problems.push(`index ${TABLE_SHAPE.index.name} is not keyed gsi1pk/gsi1sk`);
      if (problems.length > 0)
        return fail(
          `table "${name}": ${problems.join('; ')}`,
          'keys cannot be changed in place: create the table as deploy/lib/constructs/sessions-table.ts does (npm run deploy) and point SESSIONS_TABLE at it',
        );
      if (t.status !== 'ACTIVE') return warn(`table "${name}" is ${t.status}`, 'wait until it is ACTIVE');
      return pass(`table "${name}" has keys pk/sk and index gsi1`);
    }),
};

export const tableTtl: Check<DoctorContext> = {
  id: 'table.ttl',
  title: 'TTL is enabled on the attribute ttl',
  run: (ctx) =>
    tableCheck(ctx, async (name, region) => {
      const ttl = await awsOf(ctx).tableTtl(name);
      if (ttl.status === 'ENABLED' && ttl.attribute === TABLE_SHAPE.ttl)
        return pass(`TTL on "${TABLE_SHAPE.ttl}"`);
      return warn(
        `TTL is ${ttl.status}${ttl.attribute ? ` on "${ttl.attribute}"` : ''}: sessions and approvals are never deleted`,
        `aws dynamodb update-time-to-live --table-name ${name} --time-to-live-specification Enabled=true,AttributeName=ttl --region ${region}`,
      );
    }),
};

export const tablePitr: Check<DoctorContext> = {
  id: 'table.pitr',
  title: 'point-in-time recovery is on (the table holds the approval audit trail)',
  run: (ctx) =>
    tableCheck(ctx, async (name, region) => {
      const status = await awsOf(ctx).tablePitr(name);
      if (status === 'ENABLED') return pass('point-in-time recovery is ENABLED');
      return warn(
        `point-in-time recovery is ${status}: a bad write cannot be undone`,
        `aws dynamodb update-continuous-backups --table-name ${name} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true --region ${region}`,
      );
    }),
};

export const TABLE_CHECKS = [tableShape, tableTtl, tablePitr];
