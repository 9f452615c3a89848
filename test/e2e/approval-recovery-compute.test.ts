/**
 * Recovery verified and blast radius resolved for compute targets beyond EC2 instances and ECS tasks, through
 * the real bot against the Auto Scaling, EKS and Lambda stand-ins: after the experiment, a node group still
 * DEGRADED (its issue codes named), an Auto Scaling group short of its desired capacity (the shortfall named)
 * and a function whose last update failed each give "Not recovered" naming them; Kubernetes pods, which the
 * bot cannot read, are said to be not checked and why. On the card, a Lambda target's filters are evaluated
 * on the functions' configurations (no "upper bound"), and a tagged function that no longer exists is not in
 * the pool. (The rig's experiments run 3 s; FIS_RECOVERY_MINUTES is 3 s.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AutoScalingEmulator } from '../../src/stand-ins/autoscaling-emulator.ts';
import { EksNodegroupEmulator } from '../../src/stand-ins/eks-nodegroup-emulator.ts';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { LambdaEmulator } from '../../src/stand-ins/lambda-emulator.ts';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { approveAndWaitForStart, requestTemplateRun, threadText, verdictLine } from '../helpers/approval.ts';
import { type Rig, resetWorld, startRig } from '../helpers/rig.ts';

const REGION = 'us-east-1';
const ENDPOINTS = [
  'AWS_ENDPOINT_URL_AUTO_SCALING',
  'AWS_ENDPOINT_URL_EKS',
  'AWS_ENDPOINT_URL_LAMBDA',
] as const;

describe('compute targets: recovery and blast radius', () => {
  let rig: Rig;
  const asg = new AutoScalingEmulator();
  const eks = new EksNodegroupEmulator();
  const lambda = new LambdaEmulator();
  let n = 0;

  beforeAll(async () => {
    await Promise.all([asg.start(), eks.start(), lambda.start()]);
    // The standard SDK variables, as an operator would set them (the bot reads no setting of its own for these).
    process.env.AWS_ENDPOINT_URL_AUTO_SCALING = asg.url;
    process.env.AWS_ENDPOINT_URL_EKS = eks.url;
    process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.url;
    rig = await startRig({
      env: { FIS_RECOVERY_MINUTES: '0.05', FIS_APPROVAL_TTL_MINUTES: '1' },
      harness: { defaultScenario: fisExecuteAgent() },
    });
  });
  afterAll(async () => {
    await rig.close();
    await Promise.all([asg.stop(), eks.stop(), lambda.stop()]);
    for (const k of ENDPOINTS) delete process.env[k];
  });
  beforeEach(() => {
    rig.fis.templates.clear();
    resetWorld(rig);
    asg.clear();
    eks.clear();
    lambda.clear();
  });

  /** The card for a template with these targets and actions, as the blocks' JSON. */
  async function cardFor(id: string, description: string, targets: object, actions: object) {
    const { card } = await requestTemplateRun(
      rig,
      sampleTemplate(id, { description, targets, actions } as never),
    );
    return JSON.stringify(card.blocks);
  }

  /** A template with this one target `fleet` and one action on it, run and approved; returns the thread. */
  async function approveRun(target: Record<string, unknown>, actionId: string, targetKey: string) {
    const { root, card } = await requestTemplateRun(
      rig,
      sampleTemplate(`EXT0compute0${String(++n).padStart(5, '0')}`, {
        description: `Exercise ${target.resourceType}`,
        targets: { fleet: { selectionMode: 'ALL', ...target } },
        actions: { act: { actionId, targets: { [targetKey]: 'fleet' } } },
      } as never),
    );
    await approveAndWaitForStart(rig, card, root.ts);
    return root;
  }

  it('an EKS node group still DEGRADED at the deadline: not recovered, naming it and its issue codes', async () => {
    const workers = eks.putNodegroup(REGION, 'shop', 'workers', { desired: 4 });
    const root = await approveRun(
      { resourceType: 'aws:eks:nodegroup', resourceArns: [workers] },
      'aws:eks:terminate-nodegroup-instances',
      'Nodegroups',
    );
    eks.setNodegroup(REGION, 'shop', 'workers', {
      status: 'DEGRADED',
      issues: [{ code: 'NodeCreationFailure', message: 'Instances failed to join the kubernetes cluster' }],
    });
    const verdict = await verdictLine(rig, root.ts, /Not recovered:/);
    expect(verdict).toMatch(/shop\/workers.{0,3} DEGRADED, health issues: NodeCreationFailure/);
  }, 60_000);

  it('an Auto Scaling group short of its desired capacity: not recovered, naming the shortfall', async () => {
    const g = asg.putGroup(REGION, 'checkout-asg', { desired: 4 });
    const root = await approveRun(
      { resourceType: 'aws:ec2:autoscaling-group', resourceArns: [AutoScalingEmulator.arnOf(g)] },
      'aws:ec2:asg-insufficient-instance-capacity-error',
      'AutoScalingGroups',
    );
    g.instances[0]!.lifecycle = 'Terminating';
    g.instances[1]!.health = 'Unhealthy';
    const verdict = await verdictLine(rig, root.ts, /Not recovered:/);
    expect(verdict).toMatch(/checkout-asg.{0,3} 2 of 4 desired instances in service and healthy \(2 short\)/);
  }, 60_000);

  it('an Auto Scaling group back at its desired capacity: recovered, counting it as checked', async () => {
    const g = asg.putGroup(REGION, 'checkout-asg', { desired: 2 });
    const root = await approveRun(
      { resourceType: 'aws:ec2:autoscaling-group', resourceArns: [AutoScalingEmulator.arnOf(g)] },
      'aws:ec2:asg-insufficient-instance-capacity-error',
      'AutoScalingGroups',
    );
    const verdict = await verdictLine(rig, root.ts, /Recovered:/);
    expect(verdict).toMatch(/the 1 checked target resource/);
    expect(threadText(rig, root.ts)).not.toMatch(/Not recovered|no health check/);
  }, 60_000);

  it('a Lambda function whose last update failed: not recovered, naming it', async () => {
    const fn = lambda.putFunction(REGION, 'checkout-api');
    const root = await approveRun(
      { resourceType: 'aws:lambda:function', resourceArns: [fn] },
      'aws:lambda:invocation-error',
      'Functions',
    );
    lambda.setFunction(REGION, 'checkout-api', {
      lastUpdateStatus: 'Failed',
      lastUpdateStatusReasonCode: 'EniLimitExceeded',
    });
    const verdict = await verdictLine(rig, root.ts, /Not recovered:/);
    expect(verdict).toMatch(/checkout-api.{0,3} state Active, last update Failed \(EniLimitExceeded\)/);
  }, 60_000);

  it('Kubernetes pods: not checked, and the verdict says the bot has no Kubernetes API access', async () => {
    const root = await approveRun(
      {
        resourceType: 'aws:eks:pod',
        parameters: {
          clusterIdentifier: 'shop',
          namespace: 'web',
          selectorType: 'labelSelector',
          selectorValue: 'app=web',
        },
        selectionMode: 'COUNT(1)',
      },
      'aws:eks:pod-delete',
      'Pods',
    );
    const verdict = await verdictLine(rig, root.ts, /Recovered:/);
    expect(verdict).toMatch(/Not checked: .{0,3}fleet.{0,3} \(aws:eks:pod: .*no access/);
    expect(verdict).not.toMatch(/no health check for this type/);
  }, 60_000);

  it("the card evaluates a Lambda target's filters, and a tagged function that no longer exists is not in the pool", async () => {
    const node = lambda.putFunction(REGION, 'orders-node');
    const python = lambda.putFunction(REGION, 'orders-py', { runtime: 'python3.13' });
    const gone = `arn:aws:lambda:${REGION}:123456789012:function:orders-old`;
    for (const arn of [node, python, gone]) rig.tagging.tag(arn, { app: 'orders' });
    const shown = await cardFor(
      'EXT0compute0lambda',
      'Add latency to the Node.js order functions',
      {
        fns: {
          resourceType: 'aws:lambda:function',
          resourceTags: { app: 'orders' },
          filters: [{ path: 'Runtime', values: ['nodejs22.x'] }],
          selectionMode: 'ALL',
        },
      },
      { delay: { actionId: 'aws:lambda:invocation-add-delay', targets: { Functions: 'fns' } } },
    );
    expect(shown).toContain('1 of 1');
    expect(shown).toContain('orders-node');
    expect(shown).not.toContain('orders-py');
    expect(shown).not.toContain('orders-old');
    expect(shown).not.toMatch(/upper bound/);
  }, 40_000);

  it('an Auto Scaling target chosen by tags is resolved through Auto Scaling (the tagging API lists no groups), its AZ filter evaluated', async () => {
    asg.putGroup(REGION, 'checkout-a', { desired: 2, azs: ['us-east-1a'], tags: { app: 'checkout' } });
    asg.putGroup(REGION, 'checkout-ab', {
      desired: 2,
      azs: ['us-east-1a', 'us-east-1b'],
      tags: { app: 'checkout' },
    });
    asg.putGroup(REGION, 'checkout-b', { desired: 2, azs: ['us-east-1b'], tags: { app: 'checkout' } });
    asg.putGroup(REGION, 'orders-a', { desired: 2, azs: ['us-east-1a'], tags: { app: 'orders' } });
    const shown = await cardFor(
      'EXT0compute0asgtags',
      'Insufficient capacity for the checkout groups in us-east-1a',
      {
        groups: {
          resourceType: 'aws:ec2:autoscaling-group',
          resourceTags: { app: 'checkout' },
          filters: [{ path: 'AvailabilityZones', values: ['us-east-1a'] }],
          selectionMode: 'ALL',
        },
      },
      {
        ice: {
          actionId: 'aws:ec2:asg-insufficient-instance-capacity-error',
          parameters: { availabilityZoneIdentifiers: 'us-east-1a', percentage: '100', duration: 'PT5M' },
          targets: { AutoScalingGroups: 'groups' },
        },
      },
    );
    expect(shown).toContain('2 of 2');
    expect(shown).toContain('checkout-a');
    expect(shown).toContain('checkout-ab');
    expect(shown).not.toContain('checkout-b"');
    expect(shown).not.toMatch(/checkout-b[^a-z]/);
    expect(shown).not.toContain('orders-a');
    expect(shown).not.toMatch(/cannot list it in advance|upper bound/);
  }, 40_000);

  it('a Spot target holds only the Spot Instances among the tagged ones', async () => {
    const spot = 'arn:aws:ec2:us-east-1:123456789012:instance/i-0dddddddddddddddd';
    rig.tagging.tag(spot, { app: 'checkout' });
    rig.ec2.putInstance(spot, { az: 'us-east-1c', lifecycle: 'spot' });
    const shown = await cardFor(
      'EXT0compute0spot',
      'Interrupt the checkout Spot Instances',
      {
        spots: {
          resourceType: 'aws:ec2:spot-instance',
          resourceTags: { app: 'checkout' },
          selectionMode: 'ALL',
        },
      },
      {
        interrupt: {
          actionId: 'aws:ec2:send-spot-instance-interruptions',
          parameters: { durationBeforeInterruption: 'PT2M' },
          targets: { SpotInstances: 'spots' },
        },
      },
    );
    expect(shown).toContain('1 of 1');
    expect(shown).toContain('i-0dddddddddddddddd');
    expect(shown).toMatch(/AZ us-east-1c\./);
  }, 40_000);
});
