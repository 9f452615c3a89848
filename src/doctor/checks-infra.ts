/**
 * The rest of the deployment: the sessions table's shape, the FIS experiment role (trust with
 * confused-deputy conditions), its log group and template tag, EKS access entries for the clusters the
 * agent will assess, the runtime log groups' retention and Transaction Search.
 */

import { harnessEnv, roleName } from './arns.ts';
import { templateTagOf } from './bot-calls.ts';
import { type Check, fail, type Outcome, pass, skip, warn } from './check.ts';
import { readyHarness } from './checks-harness.ts';
import { botRole, statementFor } from './checks-iam.ts';
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

const EKS_VIEW_POLICY = 'AmazonEKSViewPolicy';

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

interface TrustStatement {
  Effect?: string;
  Principal?: { Service?: string | string[] };
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Does the statement let FIS assume the role only for this account's experiments? */
function guardedFisTrust(
  s: TrustStatement,
  account: string,
  partition: string,
): 'guarded' | 'open' | 'other' {
  if (s.Effect !== 'Allow' || !asList(s.Principal?.Service).includes('fis.amazonaws.com')) return 'other';
  if (!asList(s.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*')) return 'other';
  const c = s.Condition ?? {};
  const values = (op: string, key: string) =>
    Object.entries(c)
      .filter(([o]) => o === op || o === `${op}IfExists`)
      .flatMap(([, kv]) => asList(kv[key]));
  const sourceAccount = values('StringEquals', 'aws:SourceAccount');
  const sourceArn = [...values('ArnLike', 'aws:SourceArn'), ...values('ArnEquals', 'aws:SourceArn')];
  const accountOk = sourceAccount.length > 0 && sourceAccount.every((v) => v === account);
  const arnOk =
    sourceArn.length > 0 &&
    sourceArn.every((v) => new RegExp(`^arn:${partition}:fis:[^:]+:${account}:experiment/`).test(v));
  return accountOk && arnOk ? 'guarded' : 'open';
}

export const fisRole: Check<DoctorContext> = {
  id: 'fis.role',
  title: 'the FIS experiment role exists and trusts FIS only for this account (confused-deputy conditions)',
  async run(ctx) {
    const h = await readyHarness(ctx);
    const arn = h.environmentVariables.FIS_EXPERIMENT_ROLE_ARN;
    if (!arn)
      return warn(
        'the harness has no FIS_EXPERIMENT_ROLE_ARN: /fis prepare cannot name a role',
        'deploy the harness with deploy/ (it sets the variable)',
      );
    const { partition, account } = harnessEnv(h.arn);
    let trust: unknown;
    try {
      trust = await awsOf(ctx).roleTrust(roleName(arn));
    } catch (err) {
      if (err instanceof AwsProbeError && err.notFound)
        return fail(
          `the FIS experiment role ${arn} does not exist`,
          'deploy it (npm run deploy) or correct FIS_EXPERIMENT_ROLE_ARN on the harness',
        );
      throw err;
    }
    const statements = asList((trust as { Statement?: TrustStatement | TrustStatement[] }).Statement);
    const kinds = statements.map((s) => guardedFisTrust(s, account, partition));
    const wanted = JSON.stringify({
      Effect: 'Allow',
      Principal: { Service: 'fis.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:fis:*:${account}:experiment/*` },
      },
    });
    if (kinds.includes('open'))
      return fail(
        `${roleName(arn)} trusts fis.amazonaws.com without aws:SourceAccount and aws:SourceArn conditions: any account's experiment could use it (confused deputy)`,
        `replace that trust statement with ${wanted}`,
      );
    if (!kinds.includes('guarded'))
      return fail(
        `${roleName(arn)} does not trust fis.amazonaws.com: experiments cannot start`,
        `add the trust statement ${wanted}`,
      );
    return pass(`${roleName(arn)} trusts FIS for account ${account}'s experiments only`);
  },
};

export const fisLogGroup: Check<DoctorContext> = {
  id: 'fis.log-group',
  title: 'the log group FIS experiments write to exists',
  async run(ctx) {
    const h = await readyHarness(ctx);
    const arn = h.environmentVariables.FIS_LOG_GROUP_ARN;
    if (!arn)
      return skip('the harness names no FIS log group (FIS_LOG_GROUP_ARN): experiments are not logged');
    const m = /^arn:[^:]+:logs:([^:]+):\d{12}:log-group:([^:]+)/.exec(arn);
    if (!m)
      return fail(`FIS_LOG_GROUP_ARN is not a log group ARN: ${arn}`, 'deploy the harness with deploy/');
    const [, region, name] = m as unknown as [string, string, string];
    const groups = await awsOf(ctx).logGroups(name, region);
    if (groups.some((g) => g.name === name)) return pass(`${name} exists in ${region}`);
    return fail(
      `the log group ${name} does not exist in ${region}: templates that log there fail to start`,
      `aws logs create-log-group --log-group-name ${name} --region ${region}`,
    );
  },
};

export const fisTemplateTag: Check<DoctorContext> = {
  id: 'fis.template-tag',
  title: "the bot's role starts templates with the tag the harness puts on them, and no others",
  async run(ctx) {
    if (ctx.config.approvals.approvers.length === 0)
      return skip('FIS_APPROVERS is not set: the bot starts no experiments');
    const role = await botRole(ctx);
    const h = await readyHarness(ctx);
    const tag = templateTagOf(h);
    const { partition: P, account: A } = harnessEnv(h.arn);
    const template = `arn:${P}:fis:${ctx.config.defaultTargetRegion}:${A}:experiment-template/EXTdoctorcheck`;
    const [tagged, untagged] = await awsOf(ctx).simulate(role, [
      {
        action: 'fis:StartExperiment',
        resource: template,
        context: { [`aws:ResourceTag/${tag.key}`]: tag.value },
      },
      {
        action: 'fis:StartExperiment',
        resource: template,
        context: { [`aws:ResourceTag/${tag.key}`]: 'something-else' },
      },
    ]);
    if (tagged?.decision !== 'allowed')
      return fail(
        `${roleName(role)} may not start templates tagged ${tag.key}=${tag.value} (the tag the harness puts on them): every approved experiment would be refused`,
        `${statementFor([tagged!])} with Condition {"StringEquals":{"aws:ResourceTag/${tag.key}":"${tag.value}"}}`,
      );
    if (untagged?.decision === 'allowed')
      return warn(
        `${roleName(role)} may start templates without ${tag.key}=${tag.value}: any template in the account can be started after an approval`,
        `add the condition {"StringEquals":{"aws:ResourceTag/${tag.key}":"${tag.value}"}} to its fis:StartExperiment statement on experiment-template/*`,
      );
    return pass(`only templates tagged ${tag.key}=${tag.value} can be started`);
  },
};

export const eksAccess: Check<DoctorContext> = {
  id: 'eks.access',
  title: 'the harness role has an EKS access entry with the view policy on each --cluster',
  async run(ctx) {
    if (ctx.clusters.length === 0) return skip('no cluster named (--cluster name@region)');
    const h = await readyHarness(ctx);
    const role = h.executionRoleArn;
    const out: Outcome[] = [];
    for (const { name, region } of ctx.clusters) {
      const subject = `${name}@${region}`;
      const entry = `aws eks create-access-entry --cluster-name ${name} --principal-arn ${role} --region ${region}`;
      const associate = `aws eks associate-access-policy --cluster-name ${name} --principal-arn ${role} --policy-arn arn:${harnessEnv(h.arn).partition}:eks::aws:cluster-access-policy/${EKS_VIEW_POLICY} --access-scope type=cluster --region ${region}`;
      let e: Awaited<ReturnType<ReturnType<typeof awsOf>['accessEntry']>>;
      try {
        e = await awsOf(ctx).accessEntry(name, region, role);
      } catch (err) {
        if (err instanceof AwsProbeError && err.code === 'ClusterNotFound') {
          out.push(fail(`no cluster ${name} in ${region}`, 'correct the --cluster name or region', subject));
          continue;
        }
        throw err;
      }
      if (!e)
        out.push(
          fail(
            `${roleName(role)} has no access entry: kubectl calls by /assess eks are refused`,
            `${entry} && ${associate}`,
            subject,
          ),
        );
      else if (!e.policies.some((p) => p.policyArn.endsWith(`/${EKS_VIEW_POLICY}`) && p.scope === 'cluster'))
        out.push(
          fail(
            `${roleName(role)} has an access entry but not ${EKS_VIEW_POLICY} on the whole cluster${e.policies.length ? ` (has ${e.policies.map((p) => `${p.policyArn.split('/').pop()} (${p.scope})`).join(', ')})` : ''}`,
            associate,
            subject,
          ),
        );
      else out.push(pass(`${roleName(role)} has ${EKS_VIEW_POLICY} on the cluster`, subject));
    }
    return out;
  },
};

export const runtimeLogs: Check<DoctorContext> = {
  id: 'observability.runtime-logs',
  title: "the harness runtime's log groups exist and expire (retention set)",
  async run(ctx) {
    const h = await readyHarness(ctx);
    const { region } = harnessEnv(h.arn);
    if (!h.agentRuntimeId) return skip('the harness reports no runtime id');
    const prefix = `/aws/bedrock-agentcore/runtimes/${h.agentRuntimeId}`;
    const groups = await awsOf(ctx).logGroups(prefix, region);
    if (groups.length === 0)
      return warn(
        `no log group ${prefix}-* yet (AgentCore creates it at the first invocation)`,
        'run one command in Slack, then run the doctor again',
      );
    const forever = groups.filter((g) => !g.retentionDays);
    if (forever.length > 0)
      return warn(
        `${forever.map((g) => g.name).join(', ')} never expire${forever.length === 1 ? 's' : ''}: logs (with what people asked) are kept forever`,
        forever
          .map(
            (g) =>
              `aws logs put-retention-policy --log-group-name ${g.name} --retention-in-days 30 --region ${region}`,
          )
          .join(' && '),
      );
    return pass(groups.map((g) => `${g.name} (${g.retentionDays} days)`).join(', '));
  },
};

export const transactionSearch: Check<DoctorContext> = {
  id: 'observability.transaction-search',
  title: 'CloudWatch Transaction Search is enabled (X-Ray segments to CloudWatch Logs)',
  async run(ctx) {
    const { region } = harnessEnv(ctx.config.harness.arn);
    const d = await awsOf(ctx).traceDestination(region);
    if (d.destination === 'CloudWatchLogs' && d.status === 'ACTIVE') return pass(`enabled in ${region}`);
    return warn(
      `Transaction Search is not enabled in ${region} (destination ${d.destination}, ${d.status}): harness traces are not searchable`,
      `aws xray update-trace-segment-destination --destination CloudWatchLogs --region ${region} (once per account and Region; CloudWatch console → Application Signals → Transaction Search)`,
    );
  },
};

export const TABLE_CHECKS = [tableShape, tableTtl, tablePitr];
export const FIS_CHECKS = [fisRole, fisLogGroup, fisTemplateTag];
export const EKS_CHECKS = [eksAccess];
export const OBSERVABILITY_CHECKS = [runtimeLogs, transactionSearch];
