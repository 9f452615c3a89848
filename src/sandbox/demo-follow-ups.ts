/**
 * Answers to questions asked in a demo run's thread (or to a mention or DM that starts a
 * conversation). Each answer stays on the thread's skill and target: what was asked is classified
 * first (cost, how to fix, versions, anything else), then answered for that skill.
 */

import { SKILLS } from '../core/skills.ts';
import type { Reply } from '../stand-ins/harness-emulator.ts';
import { STOP_ALARM } from './demo-fis.ts';
import { report, sh, type Topic } from './demo-kit.ts';

export type Intent = 'cost' | 'fix' | 'versions' | 'other';

/** Order matters: "how much does it cost?" is about cost, though it starts with "how". */
export function intentOf(question: string): Intent {
  const q = question.toLowerCase();
  if (/\b(cost|costs|price|pricing|expensive|cheaper|bill|spend|saving|savings)\b|how much|\$/.test(q))
    return 'cost';
  if (/\b(node|nodes|version|versions|upgrade|kubelet|ami)\b/.test(q)) return 'versions';
  if (
    /\b(fix|remediate|resolve|mitigate|pdb|disruption|replicas?|roll ?back|steps)\b|how (do|can|should|would) (i|we|you)/.test(
      q,
    )
  )
    return 'fix';
  return 'other';
}

type Answers = Record<Intent, (t: Topic) => Reply>;

const eks: Answers = {
  versions: (t) =>
    report(
      `All 3 nodes of \`${t.target}\` run **kubelet v1.29.8**; the control plane is on **1.31**. Upgrade the node group \`ng-general\` one minor version at a time (1.30, then 1.31):

\`\`\`bash
aws eks update-nodegroup-version --cluster-name ${t.target} --nodegroup-name ng-general --kubernetes-version 1.30 --region ${t.region}
\`\`\``,
      [
        sh(
          'kubectl get nodes -o custom-columns=NAME:.metadata.name,VERSION:.status.nodeInfo.kubeletVersion',
          'NAME VERSION\nip-10-0-1-5 v1.29.8\nip-10-0-2-17 v1.29.8\nip-10-0-3-22 v1.29.8',
        ),
      ],
    ),
  fix: () =>
    report(`To fix the single-replica finding, scale each deployment to 2 and add a PodDisruptionBudget:

\`\`\`yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: checkout
  namespace: shop
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: checkout
\`\`\`

Then \`kubectl -n shop scale deploy/checkout --replicas=2\` (and the same for \`payments\` and \`cart\`). Spread the replicas over zones with a \`topologySpreadConstraints\` entry on \`topology.kubernetes.io/zone\`.`),
  cost: (t) =>
    report(
      `The biggest saving for \`${t.target}\`: its 3 \`m5.2xlarge\` nodes average **18% CPU**. Moving to \`m7g.xlarge\` (Graviton) would cut node cost by about **55%** (≈ $610 a month in ${t.region}).`,
      [
        sh(
          'kubectl top nodes',
          'NAME CPU% MEMORY%\nip-10-0-1-5 17% 41%\nip-10-0-2-17 19% 38%\nip-10-0-3-22 18% 44%',
        ),
      ],
    ),
  other: (t) =>
    report(
      `From the assessment above of \`${t.target}\` (${t.region}): the two findings to act on first are the **public endpoint** and the **single-replica deployments**. Ask me how to fix them, about node versions, or about cost.`,
    ),
};

const rds: Answers = {
  versions: (t) =>
    report(
      `\`${t.target}\` runs **PostgreSQL 15.4**; 15.8 is the latest minor version in ${t.region}. Minor upgrades are applied in the maintenance window when \`AutoMinorVersionUpgrade\` is on (it is).`,
      [
        sh(
          `aws rds describe-db-instances --db-instance-identifier ${t.target} --query 'DBInstances[0].[EngineVersion,AutoMinorVersionUpgrade]' --region ${t.region}`,
          '["15.4", true]',
        ),
      ],
    ),
  fix: (t) =>
    report(`Turn on Multi-AZ and keep backups for 7 days (the change is applied without downtime; the standby is created in the background):

\`\`\`bash
aws rds modify-db-instance --db-instance-identifier ${t.target} --multi-az --backup-retention-period 7 --apply-immediately --region ${t.region}
\`\`\`

Then test a restore: \`aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier ${t.target} --target-db-instance-identifier ${t.target}-restore-test --use-latest-restorable-time --region ${t.region}\`.`),
  cost: (t) =>
    report(
      `Multi-AZ roughly **doubles** the instance cost of \`${t.target}\`: a \`db.m6g.large\` is about $0.16 an hour in ${t.region}, so ≈ $117 more a month. A 1-year reserved instance takes about 35% off both.`,
    ),
  other: (t) =>
    report(
      `From the review above of \`${t.target}\` (${t.region}): enable **Multi-AZ** and raise **backup retention** to 7 days; encryption and deletion protection are already on. Ask me how to fix them, or about cost.`,
    ),
};

const general: Answers = {
  versions: (t) => rds.versions(t),
  fix: (t) =>
    report(
      `For ${t.target} (${t.region}): start with the reliability finding, spreading it over two Availability Zones, then the security one. The AWS documentation page linked in the run has the exact steps for ${t.service ?? t.target}.`,
    ),
  cost: (t) =>
    report(
      `I cannot see your bill from the sandbox. For ${t.target} in ${t.region}, Cost Explorer filtered by service and by the \`team\` tag shows where the money goes.`,
    ),
  other: (t) =>
    report(
      `From the review above of ${t.target} (${t.region}): reliability first, then security, then cost.`,
    ),
};

const chaos: Answers = {
  versions: (t) => (t.service === 'rds' ? rds.versions(t) : general.versions(t)),
  fix: (t) =>
    report(
      t.service === 'rds'
        ? `Make \`${t.target}\` survive the failures above: enable Multi-AZ (\`aws rds modify-db-instance --db-instance-identifier ${t.target} --multi-az --apply-immediately --region ${t.region}\`), give clients retries with backoff and a DNS TTL under 30 s, then prove it with \`/fis prepare reboot ${t.target} with failover in ${t.region}\`.`
        : `Run one instance-loss experiment first: \`/fis prepare stop one EC2 instance of the checkout ASG in ${t.region} for 5 minutes\`. If the group replaces the instance within the SLO, move on to the AZ-loss experiment.`,
    ),
  cost: (t) =>
    report(
      `FIS charges per action-minute (about $0.10 in ${t.region}): a 5-minute experiment with one action costs about **$0.50**, plus whatever the failure itself costs (a replacement instance for a few minutes).`,
    ),
  other: (t) =>
    report(
      t.service === 'rds'
        ? `From the research above on \`${t.target}\`: the riskiest failure is losing the primary while it is Single-AZ. Enable Multi-AZ, then test a reboot with failover. Ask me how, or what an experiment costs.`
        : `From the research above on ${t.target}: start with the instance-loss experiment, the smallest blast radius. Ask me how, or what an experiment costs.`,
    ),
};

const fis: Answers = {
  versions: (t) => fis.other(t),
  fix: (t) =>
    report(
      `To change the experiment \`${t.target}\`: edit its JSON (for example \`"selectionMode": "PERCENT(25)"\` or \`"startInstancesAfterDuration": "PT10M"\`) and apply it with \`aws fis update-experiment-template --id ${t.target} --region ${t.region}\`. The approval card always shows the template as FIS holds it at that moment.`,
    ),
  cost: fisCost,
  other: (t) =>
    report(
      `Template \`${t.target}\` (${t.region}) stops one checkout instance for 5 minutes; the alarm \`${STOP_ALARM}\` stops it early. Say “run it” for the pre-flight checks and the approval request.`,
    ),
};

function fisCost(t: Topic): Reply {
  return report(
    `One run of \`${t.target}\`: 1 action × 5 minutes at about $0.10 per action-minute in ${t.region} ≈ **$0.50**, plus a replacement instance for a few minutes.`,
  );
}

const logs: Answers = {
  versions: (t) => logs.other(t),
  fix: (t) =>
    report(
      `Roll back payments-api to the version before \`v2025.11.3\`, then watch the timeouts in \`${t.target}\` drop:

\`\`\`bash
aws deploy create-deployment --application-name payments-api --deployment-group-name prod --revision revisionType=AppSpecContent,appSpecContent={content=v2025.11.2} --region ${t.region}
\`\`\`

If they do not drop within 10 minutes, the cause is elsewhere: ask me to look at the payments API's own logs.`,
    ),
  cost: (t) =>
    report(
      `The Logs Insights queries for \`${t.target}\` scanned about 700 MB: at $0.005 per GB scanned in ${t.region} that is **under one cent**. The log group stores 734 MB (≈ $0.02 a month).`,
    ),
  other: (t) =>
    report(
      `From the analysis above of \`${t.target}\` (${t.region}): the errors are \`TimeoutError\` calls to payments-api that began one minute after its deployment \`v2025.11.3\`. Ask me how to fix it, or what the queries cost.`,
      [
        sh(
          `aws logs start-query --log-group-name ${t.target} --query-string 'filter @message like /TimeoutError/ | stats count() by bin(5m)' --region ${t.region}`,
          '{"queryId":"e5f6a7b8"}',
        ),
      ],
    ),
};

/** A question with no run behind it (a mention or a DM): no report to refer to. */
const conversation: Record<Intent, () => Reply> = {
  versions: () =>
    report(
      'Which cluster or database do you mean? `/assess eks <cluster> [region]` checks an EKS cluster, node versions included, and I can answer questions about it in that thread.',
    ),
  fix: () =>
    report(
      'Tell me what is broken (a service, an alarm, an error message) and I will look. To have a report to work from, start with `/assess`, `/chaos` or `/logs` (add `help` for usage).',
    ),
  cost: () =>
    report(
      'I cannot see your bill from the sandbox. Name a resource (`/assess rds orders-db us-east-1`) and I can tell you where its cost comes from.',
    ),
  other: () =>
    report(
      'Hi! I am the operations agent. In this sandbox I answer from demo data: try `/assess eks my-cluster us-west-2`, `/chaos rds orders-db us-east-1` or `/logs /aws/lambda/checkout 1h us-east-1`, then ask me questions in the thread.',
    ),
};

const BY_SKILL: Record<string, Answers> = {
  [SKILLS.eks]: eks,
  [SKILLS.bestPractice]: general,
  [SKILLS.chaos]: chaos,
  [SKILLS.fisPrepare]: fis,
  [SKILLS.fisExecute]: fis,
  [SKILLS.logs]: logs,
};

export function followUp(question: string, topic: Topic | undefined): Reply {
  const intent = intentOf(question);
  if (!topic) return conversation[intent]();
  const answers =
    topic.skill === SKILLS.bestPractice && topic.service === 'rds' ? rds : (BY_SKILL[topic.skill] ?? general);
  return answers[intent](topic);
}
