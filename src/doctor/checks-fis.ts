/**
 * FIS: the experiment role's trust (FIS only, with the confused-deputy conditions), the log group
 * experiments write to, and the template tag the bot's role requires.
 */
import { harnessEnv, roleName } from './arns.ts';
import { templateTagOf } from './bot-calls.ts';
import { type Check, fail, pass, skip, warn } from './check.ts';
import { readyHarness } from './checks-harness.ts';
import { botRole, statementFor } from './checks-iam.ts';
import { awsOf, type DoctorContext } from './context.ts';
import { AwsProbeError } from './ports.ts';

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

export const FIS_CHECKS = [fisRole, fisLogGroup, fisTemplateTag];
