/**
 * What the agent reaches and leaves behind: EKS access entries for the clusters it will assess, the
 * runtime's log groups and their retention, and Transaction Search.
 */
import { harnessEnv, roleName } from './arns.ts';
import { type Check, fail, type Outcome, pass, skip, warn } from './check.ts';
import { readyHarness } from './checks-harness.ts';
import { awsOf, type DoctorContext } from './context.ts';
import { AwsProbeError } from './ports.ts';

const EKS_VIEW_POLICY = 'AmazonEKSViewPolicy';

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

export const EKS_CHECKS = [eksAccess];
export const OBSERVABILITY_CHECKS = [runtimeLogs, transactionSearch];
