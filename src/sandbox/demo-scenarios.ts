/**
 * Scripted agent runs for the sandbox's harness emulator: one demo per skill, with the tool calls a
 * real run makes (kubectl, aws CLI, MCP documentation search) and a report, plus plausible answers to
 * follow-up questions in the same session. Everything here is invented sample data.
 */
import { type Invocation, type Reply, type Scenario, userText } from '../stand-ins/harness-emulator.ts';
import {
  APPROVAL_TOOL_NAME,
  answer,
  offered,
  requestApproval,
  resumedResult,
  toolCall,
} from '../stand-ins/scenarios.ts';

/** Pauses as a real run has them; the emulator's timeScale shrinks them in tests. */
const TOOL_MS = 1400;
const TEXT_MS = 45;
const CHUNK = 48;

interface SessionTopic {
  skill: string;
  target: string;
  region: string;
}

const sh = (command: string, output: string) => toolCall('shell', { command }, output, { delayMs: TOOL_MS });
const docs = (phrase: string, url: string) =>
  toolCall(
    'aws___search_documentation',
    { search_phrase: phrase },
    JSON.stringify([{ url, title: phrase }]),
    {
      serverName: 'aws-knowledge-mcp',
      delayMs: TOOL_MS,
    },
  );
const report = (text: string, tools: ReturnType<typeof toolCall>[]): Reply =>
  answer(text, { tools, chunk: CHUNK, delayMs: TEXT_MS });

function eks(cluster: string, region: string): Reply {
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
        '{"cluster":{"name":"' +
          cluster +
          '","version":"1.31","resourcesVpcConfig":{"endpointPublicAccess":true,"publicAccessCidrs":["0.0.0.0/0"]}}}',
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

function bestPractice(target: string, region: string): Reply {
  return report(
    `## Best-practice review: ${target} (${region})

**Summary:** the basics are in place; two findings affect availability.

- **Single-AZ deployment.** Enable Multi-AZ so a zone failure does not take the database down.
- **Automated backups are kept 1 day.** Keep them at least 7 days and test a restore.
- Encryption at rest and in transit: **enabled**.
- Deletion protection: **enabled**.`,
    [
      sh(
        `aws ${target.split(' ')[0]} describe-db-instances --region ${region}`,
        '{"DBInstances":[{"MultiAZ":false,"BackupRetentionPeriod":1}]}',
      ),
      docs('RDS best practices high availability', 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/'),
    ],
  );
}

function chaos(target: string, region: string): Reply {
  return report(
    `## Chaos research: ${target} (${region})

### How it can fail
1. **An Availability Zone goes away.** Instances in that zone stop; the load balancer must route around them.
2. **The database fails over.** Connections drop for 30–60 s; clients without retries surface errors.
3. **API throttling.** Bursty callers get \`ThrottlingException\` and must back off.

### FIS experiments that test it
| Failure | FIS action | Stop condition |
|---|---|---|
| AZ loss | \`aws:network:disrupt-connectivity\` on one subnet | 5xx rate alarm |
| DB failover | \`aws:rds:failover-db-cluster\` | p99 latency alarm |
| Instance loss | \`aws:ec2:stop-instances\` (1 of N) | healthy host count alarm |

Start with the instance-loss experiment: it has the smallest blast radius. \`/fis prepare\` can design it.`,
    [
      sh(
        `aws ec2 describe-instances --region ${region} --filters Name=tag:app,Values=checkout --query 'Reservations[].Instances[].Placement.AvailabilityZone'`,
        `["${region}a","${region}b","${region}b"]`,
      ),
      docs(
        'AWS FIS actions reference',
        'https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html',
      ),
    ],
  );
}

function fisPrepare(goal: string, region: string): Reply {
  return report(
    `## FIS experiment template (not started)

**Goal:** ${goal.replace(/\s+/g, ' ').slice(0, 200)}

The template stops **one** instance of the \`checkout\` Auto Scaling group for 5 minutes; the alarm \`checkout-5xx-high\` stops the experiment.

\`\`\`json
{
  "description": "Stop one checkout instance for 5 minutes",
  "targets": {
    "checkout": {
      "resourceType": "aws:ec2:instance",
      "resourceTags": { "aws:autoscaling:groupName": "checkout" },
      "selectionMode": "COUNT(1)"
    }
  },
  "actions": {
    "stop-one": {
      "actionId": "aws:ec2:stop-instances",
      "parameters": { "startInstancesAfterDuration": "PT5M" },
      "targets": { "Instances": "checkout" }
    }
  },
  "stopConditions": [{ "source": "aws:cloudwatch:alarm", "value": "arn:aws:cloudwatch:${region}:123456789012:alarm:checkout-5xx-high" }]
}
\`\`\`

Created as template **EXT7fQ2kLm9Xa1b**. Review it, then run it with \`/fis run EXT7fQ2kLm9Xa1b ${region}\`.`,
    [
      sh(
        `aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names checkout --region ${region}`,
        '{"AutoScalingGroups":[{"DesiredCapacity":3,"MinSize":2}]}',
      ),
      sh(
        `aws cloudwatch describe-alarms --alarm-name-prefix checkout --region ${region}`,
        '{"MetricAlarms":[{"AlarmName":"checkout-5xx-high","StateValue":"OK"}]}',
      ),
      sh(
        `aws fis create-experiment-template --cli-input-json file://template.json --region ${region}`,
        '{"experimentTemplate":{"id":"EXT7fQ2kLm9Xa1b"}}',
      ),
    ],
  );
}

/** The template `/fis prepare` creates in the demo, and the one the sandbox's FIS emulator holds. */
export const DEMO_TEMPLATE = 'EXT7fQ2kLm9Xa1b';

/** Pre-flight checks, then the approval request (the agent never starts the experiment itself). */
function fisRequest(template: string, region: string): Reply {
  const preflight = fisExecute(template, region);
  const ask = requestApproval(
    { experimentTemplateId: template, region },
    '\n\nRequesting approval to start it now.',
  );
  const steps = 'steps' in preflight ? preflight.steps : [];
  // The pre-flight run without its final stop and usage, then the approval call.
  const body = steps.slice(
    0,
    steps.findLastIndex((s) => 'event' in s && s.event === 'messageStop'),
  );
  return { steps: [...body, ...('steps' in ask ? ask.steps.slice(1) : [])] };
}

/** What the agent says once the bot returns the approval decision. */
function fisOutcome(result: Record<string, unknown>): Reply {
  if (result.decision !== 'approved') {
    return report(
      `The experiment was **not started** (decision: ${String(result.decision)}${result.reason ? `: ${String(result.reason)}` : ''}). Nothing was changed.`,
      [],
    );
  }
  const id = String(result.experimentId);
  return report(
    `## Experiment \`${id}\` (approved by <@${String(result.approver)}>)

- 0:00 state **running**; 1 of 3 checkout instances stopped in us-east-1a.
- 0:40 the Auto Scaling group launched a replacement; checkout p99 rose from 180 ms to 410 ms, error rate stayed below 0.3%.
- 1:35 the replacement passed health checks; p99 back to 190 ms.

**Hypothesis confirmed:** losing one instance in one AZ does not breach the checkout SLO. Stop alarm \`checkout-5xx-high\` stayed OK.`,
    [
      sh(
        `aws fis get-experiment --id ${id} --region us-east-1`,
        '{"experiment":{"state":{"status":"running"}}}',
      ),
      sh(
        'aws cloudwatch get-metric-data --metric-data-queries file:///tmp/q.json --start-time -PT10M',
        '{"MetricDataResults":[]}',
      ),
    ],
  );
}

function fisExecute(template: string, region: string): Reply {
  return report(
    `## Pre-flight checks for \`${template}\` (${region})

- Stop condition alarm \`checkout-5xx-high\` is **OK**.
- Target group has **3 healthy** instances; the experiment stops 1.
- No other experiment is running.

The checks passed. The experiment needs a human approval before it starts.`,
    [
      sh(`aws fis get-experiment-template --id ${template} --region ${region}`, '{"experimentTemplate":{}}'),
      sh(`aws fis list-experiments --region ${region}`, '{"experiments":[]}'),
    ],
  );
}

function logs(source: string, range: string, region: string): Reply {
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
\`\`\``,
    [
      sh(
        `aws logs describe-log-groups --log-group-name-prefix ${source} --region ${region}`,
        `{"logGroups":[{"logGroupName":"${source}","storedBytes":734003200}]}`,
      ),
      sh(
        `aws logs start-query --log-group-name ${source} --query-string 'fields @message | filter @message like /Error/ | stats count() by @message' --region ${region}`,
        '{"queryId":"a1b2c3d4"}',
      ),
      sh('aws logs get-query-results --query-id a1b2c3d4', '{"status":"Complete","results":[[]]}'),
    ],
  );
}

/** An answer to a question asked in a run's thread, drawing on what the run was about. */
function followUp(question: string, topic: SessionTopic | undefined): Reply {
  const q = question.toLowerCase();
  const target = topic?.target ?? 'the resource';
  if (/node|version|upgrade/.test(q)) {
    return report(
      `All 3 nodes of \`${target}\` run **kubelet v1.29.8**; the control plane is on **1.31**. Upgrade the node group \`ng-general\` one minor version at a time (1.30, then 1.31):

\`\`\`bash
aws eks update-nodegroup-version --cluster-name ${target} --nodegroup-name ng-general --kubernetes-version 1.30
\`\`\``,
      [
        sh(
          'kubectl get nodes -o custom-columns=NAME:.metadata.name,VERSION:.status.nodeInfo.kubeletVersion',
          'NAME VERSION\nip-10-0-1-5 v1.29.8',
        ),
      ],
    );
  }
  if (/pdb|disruption|replica|fix|how/.test(q)) {
    return report(
      `To fix the single-replica finding, scale each deployment to 2 and add a PodDisruptionBudget:

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

Then \`kubectl -n shop scale deploy/checkout --replicas=2\` (and the same for \`payments\` and \`cart\`). Spread the replicas over zones with a \`topologySpreadConstraints\` entry on \`topology.kubernetes.io/zone\`.`,
      [],
    );
  }
  if (/cost|price|expensive|\$/.test(q)) {
    return report(
      `The biggest saving for ${target}: the 3 \`m5.2xlarge\` nodes average **18% CPU**. Moving to \`m7g.xlarge\` (Graviton) would cut node cost by about **55%** (≈ $610 a month in ${topic?.region ?? 'this region'}).`,
      [sh('kubectl top nodes', 'NAME CPU% MEMORY%\nip-10-0-1-5 17% 41%')],
    );
  }
  return report(
    `Good question. For ${target}${topic ? ` (${topic.region})` : ''}: I checked again and nothing changed since the report above. ` +
      `The two findings to act on first are still the **public endpoint** and the **single-replica deployments**. ` +
      'Ask me “how do I fix it?” for the concrete steps, or about node versions or cost.',
    [],
  );
}

const quoted = (text: string, after: string) => new RegExp(`${after} "([^"]+)"`).exec(text)?.[1];
const regionIn = (text: string) => /region ([a-z]{2}(?:-gov)?-[a-z]+-\d)/.exec(text)?.[1] ?? 'us-east-1';

/**
 * The emulator's default scenario in the sandbox. It remembers what each session's first run was
 * about, so follow-up questions get answers about the same cluster or service.
 */
export function demoScenarios(): Scenario {
  const topics = new Map<string, SessionTopic>();
  return (inv: Invocation) => {
    const result = resumedResult(inv);
    if (result) return fisOutcome(result);
    const text = userText(inv);
    const region = regionIn(text);
    const canAsk = offered(inv, APPROVAL_TOOL_NAME);
    if (canAsk && !/Use the ([a-z-]+) skill/.test(text) && /\b(run|start|execute)\b/i.test(text)) {
      return fisRequest(DEMO_TEMPLATE, region);
    }
    const skill = /Use the ([a-z-]+) skill/.exec(text)?.[1];
    if (!skill) return followUp(text, topics.get(inv.sessionId));
    const remember = (target: string) => topics.set(inv.sessionId, { skill, target, region });
    switch (skill) {
      case 'eks-workload-best-practice-assessment': {
        const cluster = quoted(text, 'cluster') ?? 'my-cluster';
        remember(cluster);
        return eks(cluster, region);
      }
      case 'aws-best-practice-research': {
        const service = /AWS service ([a-z0-9-]+)/i.exec(text)?.[1] ?? 'rds';
        const resource = quoted(text, 'resource');
        remember(resource ?? service);
        return bestPractice(resource ? `${service} ${resource}` : service, region);
      }
      case 'aws-service-chaos-research': {
        const service = /AWS service ([a-z0-9-]+)/i.exec(text)?.[1] ?? 'ec2';
        remember(quoted(text, 'resource') ?? service);
        return chaos(service, region);
      }
      case 'aws-fis-experiment-prepare': {
        const goal = /Goal \(from the user\):\n([\s\S]*?)\n\n/.exec(text)?.[1] ?? text;
        remember('the experiment template');
        return fisPrepare(goal, region);
      }
      case 'aws-fis-experiment-execute': {
        const template = /template (EXT[A-Za-z0-9]+)/.exec(text)?.[1] ?? DEMO_TEMPLATE;
        remember(template);
        return canAsk ? fisRequest(template, region) : fisExecute(template, region);
      }
      case 'app-service-log-analysis': {
        const source = quoted(text, 'logs of') ?? '/aws/lambda/checkout';
        const range = /over the last (\S+)\./.exec(text)?.[1] ?? '1h';
        remember(source);
        return logs(source, range, region);
      }
      default:
        return report(`I ran the ${skill} skill, but the sandbox has no demo for it yet.`, []);
    }
  };
}
