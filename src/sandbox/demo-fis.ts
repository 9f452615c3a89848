/**
 * The sandbox's FIS story, told the same way at every step: `/fis prepare` creates one template (in
 * the sandbox's FIS emulator), `/fis run` or "run it" checks that very template before asking for
 * approval, the approval card reads it from FIS, and the agent's report names the same region,
 * targets and stop alarm. An id FIS does not hold in that region fails pre-flight; nothing is asked.
 */
import { createHash } from 'node:crypto';
import { ROUTES } from '../core/commands.ts';
import type { FisTemplateRecord } from '../stand-ins/fis-emulator.ts';
import type { Reply } from '../stand-ins/harness-emulator.ts';
import { requestApproval } from '../stand-ins/scenarios.ts';
import { report, sh } from './demo-kit.ts';

/** The template the help text shows (`/fis run help`) is the one the sandbox holds in us-east-1. */
export const DEMO_TEMPLATE = /EXT[A-Za-z0-9]+/.exec(ROUTES.find((r) => r.id === 'fis-run')!.example)![0];
export const DEMO_TEMPLATE_REGION = 'us-east-1';

const ACCOUNT = '123456789012';
export const STOP_ALARM = 'checkout-5xx-high';
const ASG = 'checkout';

export type DemoTemplate = Omit<FisTemplateRecord, 'creationTime' | 'lastUpdateTime'>;

/** The one experiment the demo designs: stop one checkout instance for 5 minutes, guarded by an alarm. */
export function demoTemplate(id: string, region: string): DemoTemplate {
  return {
    id,
    description: `Stop one instance of the ${ASG} Auto Scaling group in ${region} for 5 minutes`,
    targets: {
      checkoutInstances: {
        resourceType: 'aws:ec2:instance',
        resourceTags: { 'aws:autoscaling:groupName': ASG },
        selectionMode: 'COUNT(1)',
      },
    },
    actions: {
      stopOne: {
        actionId: 'aws:ec2:stop-instances',
        description: 'Stop the selected instance; FIS starts it again after 5 minutes',
        parameters: { startInstancesAfterDuration: 'PT5M' },
        targets: { Instances: 'checkoutInstances' },
      },
    },
    stopConditions: [
      {
        source: 'aws:cloudwatch:alarm',
        value: `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${STOP_ALARM}`,
      },
    ],
    roleArn: `arn:aws:iam::${ACCOUNT}:role/fis-experiment-role`,
    tags: { Name: 'checkout-stop-one' },
    experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
  };
}

/** The demo's world in a region: its stop-condition alarm, OK, and the three instances of its Auto Scaling group. */
export function seedDemoWorld(
  region: string,
  cloudwatch: {
    alarm(name: string, region: string): unknown;
    putAlarm(a: { name: string; state: 'OK'; reason: string }, region: string): unknown;
  },
  tagging: { tag(arn: string, tags: Record<string, string>): void },
  ec2?: { putInstance(arn: string): void },
): void {
  if (!cloudwatch.alarm(STOP_ALARM, region))
    cloudwatch.putAlarm({ name: STOP_ALARM, state: 'OK', reason: 'Threshold not crossed' }, region);
  for (const n of [1, 2, 3]) {
    // 17 hex digits, as EC2 instance ids have (the EC2 stand-in refuses others as malformed).
    const arn = `arn:aws:ec2:${region}:${ACCOUNT}:instance/i-0c0ffee00000000${n}0`;
    tagging.tag(arn, { 'aws:autoscaling:groupName': ASG });
    ec2?.putInstance(arn);
  }
}

/** The id `/fis prepare` gives the demo template in a region (the help's id in us-east-1). */
export function templateIdFor(region: string): string {
  return region === DEMO_TEMPLATE_REGION
    ? DEMO_TEMPLATE
    : `EXT${createHash('sha256').update(region).digest('hex').slice(0, 13)}`;
}

/** The FIS the demo agent sees: which templates exist where, and creating the demo template. */
export interface FisWorld {
  /** The region the template was created in; undefined when FIS holds no such template. */
  regionOf(id: string): string | undefined;
  /** Creates the demo template in a region, as `aws fis create-experiment-template` would; its id. */
  create(region: string): string;
}

/** A world over the sandbox's FIS emulator (`add` stores a template there), seeded with the help's template. */
export function fisWorld(add: (t: DemoTemplate, region: string) => void): FisWorld {
  const regions = new Map<string, string>();
  const world: FisWorld = {
    regionOf: (id) => regions.get(id),
    create(region) {
      const id = templateIdFor(region);
      regions.set(id, region);
      add(demoTemplate(id, region), region);
      return id;
    },
  };
  world.create(DEMO_TEMPLATE_REGION);
  return world;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 200);

/** The prepare run's report; the caller has created template `id` in `region` (FisWorld.create). */
export function fisPrepare(goal: string, region: string, id: string): Reply {
  const template = demoTemplate(id, region);
  const { id: _id, ...body } = template;
  return report(
    `## FIS experiment template (not started)

**Goal:** ${oneLine(goal)}

The template stops **one** instance of the \`${ASG}\` Auto Scaling group in ${region} for 5 minutes; the alarm \`${STOP_ALARM}\` stops the experiment early.

\`\`\`json
${JSON.stringify(body, null, 2)}
\`\`\`

Created as template **${id}** in ${region}. Review it, then say “run it” in this thread, or run \`/fis run ${id} ${region}\`. An approver has to approve it before anything is stopped.`,
    [
      sh(
        `aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names ${ASG} --region ${region}`,
        '{"AutoScalingGroups":[{"DesiredCapacity":3,"MinSize":2}]}',
      ),
      sh(
        `aws cloudwatch describe-alarms --alarm-names ${STOP_ALARM} --region ${region}`,
        `{"MetricAlarms":[{"AlarmName":"${STOP_ALARM}","StateValue":"OK"}]}`,
      ),
      sh(
        `aws fis create-experiment-template --cli-input-json file://template.json --region ${region}`,
        `{"experimentTemplate":{"id":"${id}"}}`,
      ),
    ],
  );
}

function notFound(template: string, region: string, world: FisWorld): Reply {
  const elsewhere = world.regionOf(template);
  return report(
    `## Pre-flight failed for \`${template}\` (${region})

FIS has no experiment template \`${template}\` in ${region}${elsewhere ? ` (it exists in **${elsewhere}**: run \`/fis run ${template} ${elsewhere}\`)` : ''}. I did not request approval and nothing was changed.

Check the id with \`aws fis list-experiment-templates --region ${region}\`, or design one with \`/fis prepare\`.`,
    [
      sh(
        `aws fis get-experiment-template --id ${template} --region ${region}`,
        `An error occurred (ResourceNotFoundException) when calling the GetExperimentTemplate operation: Experiment template not found: ${template}`,
        'error',
      ),
    ],
  );
}

function preflight(template: string, region: string): Reply {
  return report(
    `## Pre-flight checks for \`${template}\` (${region})

- Stop condition alarm \`${STOP_ALARM}\` is **OK**.
- The \`${ASG}\` group has **3 healthy** instances; the experiment stops 1 (\`COUNT(1)\`).
- No other experiment is running.

The checks passed. The experiment needs a human approval before it starts.`,
    [
      sh(
        `aws fis get-experiment-template --id ${template} --region ${region}`,
        JSON.stringify({ experimentTemplate: demoTemplate(template, region) }),
      ),
      sh(
        `aws cloudwatch describe-alarms --alarm-names ${STOP_ALARM} --region ${region}`,
        `{"MetricAlarms":[{"AlarmName":"${STOP_ALARM}","StateValue":"OK"}]}`,
      ),
      sh(`aws fis list-experiments --region ${region}`, '{"experiments":[]}'),
    ],
  );
}

/** Without the approval tool (a plain `/fis run` is always offered it): the checks only. */
export function fisChecks(template: string, region: string, world: FisWorld): Reply {
  return world.regionOf(template) === region
    ? preflight(template, region)
    : notFound(template, region, world);
}

/** Pre-flight checks, then the approval request (the agent never starts the experiment itself). */
export function fisRequest(template: string, region: string, world: FisWorld): Reply {
  if (world.regionOf(template) !== region) return notFound(template, region, world);
  const checks = preflight(template, region);
  const ask = requestApproval(
    {
      experimentTemplateId: template,
      region,
      summary: `Stop one instance of the ${ASG} Auto Scaling group in ${region} for 5 minutes to verify that it is replaced without breaching the SLO.`,
      expectedImpact: `Checkout capacity drops by one instance for up to 5 minutes; p99 latency may rise briefly. The alarm ${STOP_ALARM} stops the experiment.`,
    },
    '\n\nRequesting approval to start it now.',
  );
  const steps = 'steps' in checks ? checks.steps : [];
  // The checks without their final stop and usage, then the approval call.
  const body = steps.slice(
    0,
    steps.findLastIndex((s) => 'event' in s && s.event === 'messageStop'),
  );
  return { steps: [...body, ...('steps' in ask ? ask.steps.slice(1) : [])] };
}

/**
 * What the agent says once the bot returns the decision. The experiment has only just started (the
 * card shows its live state), so the agent reports what it observed so far, not a verdict.
 */
export function fisOutcome(result: Record<string, unknown>, template: string, region: string): Reply {
  if (result.decision !== 'approved') {
    return report(
      `The experiment was **not started** (decision: ${String(result.decision)}${result.reason ? `: ${String(result.reason)}` : ''}). Nothing was changed.`,
    );
  }
  const id = String(result.experimentId);
  return report(
    `## Experiment \`${id}\` from \`${template}\` (${region}), approved by <@${String(result.approver)}>

- FIS reports the experiment **running**; it stopped 1 of 3 \`${ASG}\` instances.
- The Auto Scaling group launched a replacement; checkout p99 rose from 180 ms to 410 ms, the error rate stayed below 0.3%.
- The stop alarm \`${STOP_ALARM}\` is **OK**.

**So far the hypothesis holds**: losing one instance does not breach the checkout SLO. The experiment runs for 5 minutes; its card in this thread shows the live state, and **Emergency stop** there ends it at once. I will give the verdict when FIS reports it completed.`,
    [
      sh(
        `aws fis get-experiment --id ${id} --region ${region}`,
        `{"experiment":{"id":"${id}","experimentTemplateId":"${template}","state":{"status":"running"}}}`,
      ),
      sh(
        `aws cloudwatch describe-alarms --alarm-names ${STOP_ALARM} --region ${region}`,
        `{"MetricAlarms":[{"AlarmName":"${STOP_ALARM}","StateValue":"OK"}]}`,
      ),
    ],
  );
}
