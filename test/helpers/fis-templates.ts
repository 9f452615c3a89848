/** FIS templates that stress the approval card: long action chains and multi-account experiments. */
import type { ApprovalRecord } from '../../src/core/approval-types.ts';
import { fingerprint } from '../../src/core/fingerprint.ts';
import type { FisTemplate } from '../../src/core/fis.ts';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';

export const ARNS = [
  'arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0',
  'arn:aws:ec2:us-east-1:123456789012:instance/i-0fedcba9876543210',
];

/** `n - 1` harmless one-minute waits in a chain, then the dangerous action last. */
export function longChain(n: number): FisTemplate {
  const actions: FisTemplate['actions'] = {};
  for (let i = 1; i < n; i++) {
    actions[`wait${i}`] = {
      actionId: 'aws:fis:wait',
      parameters: { duration: 'PT1M' },
      ...(i > 1 ? { startAfter: [`wait${i - 1}`] } : {}),
    };
  }
  actions.terminateAll = {
    actionId: 'aws:ec2:terminate-instances',
    targets: { Instances: 'fleet' },
    startAfter: [`wait${n - 1}`],
  };
  return {
    ...sampleTemplate('EXTlongchain0001'),
    actions,
    targets: { fleet: { resourceType: 'aws:ec2:instance', resourceArns: ARNS, selectionMode: 'ALL' } },
  } as FisTemplate;
}

export function multiAccount(): FisTemplate {
  return {
    ...sampleTemplate('EXTmultiacct0001'),
    targets: {
      pods: {
        resourceType: 'aws:eks:pod',
        selectionMode: 'PERCENT(50)',
        parameters: {
          clusterIdentifier: 'arn:aws:eks:us-east-1:123456789012:cluster/shop',
          namespace: 'checkout',
          selectorType: 'labelSelector',
          selectorValue: 'app=checkout',
        },
      },
    },
    actions: {
      killPods: {
        actionId: 'aws:eks:pod-delete',
        parameters: { kubernetesServiceAccount: 'fis-sa' },
        targets: { Pods: 'pods' },
      },
      cpuStress: {
        actionId: 'aws:eks:pod-cpu-stress',
        parameters: { duration: 'PT10M', percent: '80', kubernetesServiceAccount: 'fis-sa' },
        targets: { Pods: 'pods' },
      },
      network: {
        actionId: 'aws:eks:pod-network-latency',
        parameters: { duration: 'PT5M', delayMilliseconds: '200', kubernetesServiceAccount: 'fis-sa' },
        targets: { Pods: 'pods' },
        startAfter: ['cpuStress'],
      },
    },
    experimentOptions: { accountTargeting: 'multi-account', emptyTargetResolutionMode: 'skip' },
  } as FisTemplate;
}

/** The target accounts FIS lists for multiAccount() (ListTargetAccountConfigurations). */
export const TARGET_ACCOUNTS = [
  {
    accountId: '222233334444',
    roleArn: 'arn:aws:iam::222233334444:role/fis-target',
    description: 'payments prod',
  },
  { accountId: '555566667777', roleArn: 'arn:aws:iam::555566667777:role/fis-target' },
];

export function approvalFor(template: FisTemplate): ApprovalRecord {
  return {
    id: 'apprv_0123456789abcdef',
    thread: { teamId: 'T1', channel: 'C1', threadTs: '1700000000.000100' },
    runtimeSessionId: 'slack-T1-C1-1700000000_000100-0123456789abcdef',
    toolUseId: 'tooluse_1',
    assistantMessage: {},
    input: {
      experimentTemplateId: template.id,
      region: 'us-east-1',
      summary: 'Harmless waits.',
      expectedImpact: 'None.',
    },
    templateId: template.id,
    region: 'us-east-1',
    fingerprint: fingerprint(template),
    template,
    requester: 'U0ALICE01',
    createdAt: 1_795_000_000_000,
    expiresAt: 1_795_000_900_000,
    status: 'pending',
  };
}
