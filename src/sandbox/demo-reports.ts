/** The sandbox's first-run reports, one per skill (the FIS ones are in demo-fis.ts). Invented data. */
import type { Reply } from '../stand-ins/harness-emulator.ts';
import { docs, report, sh } from './demo-kit.ts';

export function eks(cluster: string, region: string): Reply {
  return report(
    `## EKS assessment: \`${cluster}\` (${region})

**Score: 78 / 100.** 31 checks passed, 6 failed, 2 could not be assessed (no access to the \`kube-system\` audit logs).

### High
- **The cluster endpoint is public to the whole internet.** \`endpointPublicAccess=true\` with \`publicAccessCidrs=["0.0.0.0/0"]\`. Restrict it to your office and CI ranges, or make the endpoint private.
- **3 deployments run a single replica** (\`checkout\`, \`payments\`, \`cart\`), and none has a PodDisruptionBudget. A node drain takes them down.

### Medium
- **11 containers have no resource requests**, so the scheduler cannot place them reliably. Set CPU and memory requests.
- **Control plane logging is off** for \`audit\` and \`authenticator\`.
- **Node group \`ng-general\` runs AMI release 1.29**, two minor versions behind the control plane (1.31).

| Pillar | Passed | Failed |
|---|---|---|
| Security | 8 | 2 |
| Reliability | 9 | 3 |
| Cost | 7 | 1 |
| Operations | 7 | 0 |

Find the single-replica deployments yourself:

\`\`\`bash
kubectl get deploy -A -o json | jq -r '.items[] | select(.spec.replicas == 1) | "\\(.metadata.namespace)/\\(.metadata.name)"'
\`\`\`

Ask me in this thread how to fix any finding.`,
    [
      sh(
        `aws eks describe-cluster --name ${cluster} --region ${region}`,
        `{"cluster":{"name":"${cluster}","version":"1.31","resourcesVpcConfig":{"endpointPublicAccess":true,"publicAccessCidrs":["0.0.0.0/0"]}}}`,
      ),
      sh(
        'kubectl get nodes -o wide',
        'NAME                         STATUS   ROLES    AGE   VERSION\nip-10-0-1-5.ec2.internal     Ready    <none>   41d   v1.29.8\nip-10-0-2-17.ec2.internal    Ready    <none>   41d   v1.29.8\nip-10-0-3-22.ec2.internal    Ready    <none>   12d   v1.29.8',
      ),
      sh(
        'kubectl get deploy,pdb -A',
        'NAMESPACE   NAME                 READY   UP-TO-DATE\nshop        deployment/checkout  1/1     1\nshop        deployment/payments  1/1     1\nshop        deployment/cart      1/1     1',
      ),
      docs(
        'EKS best practices pod disruption budgets',
        'https://docs.aws.amazon.com/eks/latest/best-practices/application.html',
      ),
    ],
  );
}

export function bestPractice(service: string, resource: string | undefined, region: string): Reply {
  if (service === 'rds') {
    const db = resource ?? 'orders-db';
    return report(
      `## Best-practice review: RDS \`${db}\` (${region})

**Summary:** the basics are in place; two findings affect availability.

- **Single-AZ deployment.** Enable Multi-AZ so a zone failure does not take the database down.
- **Automated backups are kept 1 day.** Keep them at least 7 days and test a restore.
- Encryption at rest and in transit: **enabled**.
- Deletion protection: **enabled**.`,
      [
        sh(
          `aws rds describe-db-instances --db-instance-identifier ${db} --region ${region}`,
          `{"DBInstances":[{"DBInstanceIdentifier":"${db}","MultiAZ":false,"BackupRetentionPeriod":1,"StorageEncrypted":true,"DeletionProtection":true}]}`,
        ),
        docs(
          'RDS best practices high availability',
          'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_BestPractices.html',
        ),
      ],
    );
  }
  const what = resource ? `${service} \`${resource}\`` : service;
  return report(
    `## Best-practice review: ${what} (${region})

**Summary:** I researched the ${service} guidance in the AWS documentation${resource ? ` and read the configuration of \`${resource}\`` : ''}.

- **Reliability:** spread the workload over at least two Availability Zones and alarm on the service's error metrics.
- **Security:** encrypt at rest with a customer managed KMS key and grant access by IAM role, not by long-lived keys.
- **Cost:** tag the resources so the bill can be split by team, and review unused capacity monthly.

The sandbox has detailed demo data for \`/assess rds\` and \`/assess eks\`; other services get this general review.`,
    [docs(`${service} best practices`, `https://docs.aws.amazon.com/${service}/`)],
  );
}

export function chaos(service: string, resource: string | undefined, region: string): Reply {
  if (service === 'rds') {
    const db = resource ?? 'orders-db';
    return report(
      `## Chaos research: RDS \`${db}\` (${region})

### How it can fail
1. **The primary instance fails or its Availability Zone goes away.** With Multi-AZ, RDS fails over to the standby in 60–120 s; \`${db}\` is Single-AZ, so it would be down until RDS recovers the instance.
2. **A reboot or maintenance window.** Connections drop; clients without retries and a short DNS TTL surface errors.
3. **Connections run out.** \`max_connections\` is 405 on this instance class; a burst of new pods can exhaust it.
4. **Storage fills up.** Free storage is 18%; the instance becomes read-only when it is full.

### FIS experiments that test it
| Failure | FIS action | Stop condition |
|---|---|---|
| Reboot / failover | \`aws:rds:reboot-db-instances\` (\`forceFailover=true\` once Multi-AZ is on) | \`orders-api-5xx-high\` alarm |
| Lost network path | \`aws:network:disrupt-connectivity\` on the database subnets | \`orders-api-5xx-high\` alarm |

Enable Multi-AZ first (\`/assess rds ${db} ${region}\` shows the finding), then start with the reboot experiment: it has the smallest blast radius. \`/fis prepare\` can design it.`,
      [
        sh(
          `aws rds describe-db-instances --db-instance-identifier ${db} --region ${region}`,
          `{"DBInstances":[{"DBInstanceIdentifier":"${db}","MultiAZ":false,"DBInstanceClass":"db.m6g.large","AvailabilityZone":"${region}a"}]}`,
        ),
        sh(
          `aws cloudwatch get-metric-statistics --namespace AWS/RDS --metric-name FreeStorageSpace --dimensions Name=DBInstanceIdentifier,Value=${db} --statistics Minimum --period 3600 --start-time -P1D --region ${region}`,
          '{"Datapoints":[{"Minimum":19327352832}]}',
        ),
        docs(
          'AWS FIS actions for Amazon RDS',
          'https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html',
        ),
      ],
    );
  }
  const what = resource ? `${service} \`${resource}\`` : service;
  return report(
    `## Chaos research: ${what} (${region})

### How it can fail
1. **An Availability Zone goes away.** Instances in that zone stop; the load balancer must route around them.
2. **An instance is lost.** The Auto Scaling group must replace it before the remaining capacity saturates.
3. **API throttling.** Bursty callers get \`ThrottlingException\` and must back off.

### FIS experiments that test it
| Failure | FIS action | Stop condition |
|---|---|---|
| AZ loss | \`aws:network:disrupt-connectivity\` on one subnet | 5xx rate alarm |
| Instance loss | \`aws:ec2:stop-instances\` (1 of N) | healthy host count alarm |
| API throttling | \`aws:fis:inject-api-throttle-error\` | error rate alarm |

Start with the instance-loss experiment: it has the smallest blast radius. \`/fis prepare\` can design it.`,
    [
      sh(
        `aws ec2 describe-instances --region ${region} --filters Name=tag:app,Values=${resource ?? 'checkout'} --query 'Reservations[].Instances[].Placement.AvailabilityZone'`,
        `["${region}a","${region}b","${region}b"]`,
      ),
      docs(
        'AWS FIS actions reference',
        'https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html',
      ),
    ],
  );
}

const RANGE_HOURS: Record<string, number> = { m: 1 / 60, h: 1, d: 24 };
const rangeHours = (range: string) => Number(range.slice(0, -1)) * (RANGE_HOURS[range.slice(-1)] ?? 1);

/** A deterministic, plausible error count for an hour of the week. */
const errorsAt = (h: number) =>
  40 + ((h * 37) % 23) + (h % 24 >= 14 && h % 24 <= 16 ? 180 + ((h * 11) % 60) : 0);

function daySummary(d: number): string {
  const counts = Array.from({ length: 24 }, (_, h) => errorsAt(d * 24 + h));
  const total = counts.reduce((a, b) => a + b, 0);
  const peak = Math.max(...counts);
  return `**Day ${d + 1}:** ${total.toLocaleString('en-US')} errors, peak ${peak} at ${String(counts.indexOf(peak)).padStart(2, '0')}:00 UTC; the afternoon peak matches the payments-api batch window.`;
}

export function logs(source: string, range: string, region: string): Reply {
  const hours = rangeHours(range);
  const days = Math.min(Math.floor(hours / 24), 7);
  const row = (h: number) =>
    `| ${String(h % 24).padStart(2, '0')}:00 | ${errorsAt(h)} | ${Math.floor(errorsAt(h) * 0.8)} | ${900 + errorsAt(h) * 9} | ${Math.floor(errorsAt(h) / 7)} | ${errorsAt(h) > 150 ? '`TimeoutError: payments-api 3000ms`' : '`ConnectionResetError`'} |`;
  // Three days or more get the hourly breakdown, one table per day: a long answer, continued in
  // further replies (split between days) and attached as answer.md, as a week-long investigation is.
  const hourly =
    days >= 3
      ? `\n\n### Errors per hour${Array.from(
          { length: days },
          (_, d) =>
            `\n\n#### Day ${d + 1}\n\n| Hour (UTC) | Errors | Timeouts | p99 (ms) | 5xx | Top pattern |\n|---|---|---|---|---|---|\n${Array.from({ length: 24 }, (_, h) => row(d * 24 + h)).join('\n')}\n\n${daySummary(d)}`,
        ).join('')}`
      : '';
  return report(
    `## Log analysis: \`${source}\`, last ${range} (${region})

**Summary:** errors rose from ~0.2% to **4.1%** at 14:05 UTC, all \`TimeoutError\` calls to the payments API.

| Pattern | Count | First seen |
|---|---|---|
| \`TimeoutError: payments-api 3000ms\` | 1,284 | 14:05 |
| \`ConnectionResetError\` | 37 | 14:06 |
| \`Task timed out after 30.00 seconds\` | 12 | 14:11 |

The timeouts begin one minute after deployment \`v2025.11.3\` of payments-api. Check that deployment first; roll it back if its latency is still high.

\`\`\`
fields @timestamp, @message
| filter @message like /TimeoutError/
| stats count() by bin(5m)
\`\`\`${hourly}`,
    [
      sh(
        `aws logs describe-log-groups --log-group-name-prefix ${source} --region ${region}`,
        `{"logGroups":[{"logGroupName":"${source}","storedBytes":734003200}]}`,
      ),
      sh(
        `aws logs start-query --log-group-name ${source} --query-string 'fields @message | filter @message like /Error/ | stats count() by @message' --region ${region}`,
        '{"queryId":"a1b2c3d4"}',
      ),
      sh(
        `aws logs get-query-results --query-id a1b2c3d4 --region ${region}`,
        '{"status":"Complete","results":[[]]}',
      ),
    ],
  );
}
