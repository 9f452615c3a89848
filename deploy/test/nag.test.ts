/**
 * cdk-nag's AwsSolutions rules over the stack in its main variants: every finding is justified in deploy/lib/nag.ts
 * (rule and construct, with a reason), every justification is still needed, and a new finding fails.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../lib/app.ts';
import {
  acknowledgeNagFindings,
  NAG_JUSTIFICATIONS,
  type NagJustification,
  nagFindings,
} from '../lib/nag.ts';

const VARIANTS: Record<string, Record<string, unknown>> = {
  default: {},
  'http mode, deploy role, EKS, VPC, tool guard': {
    slackMode: 'http',
    harnessToolGuard: 'on',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
    desiredCount: 2,
    githubRepository: 'example/agentcore-slack-bot',
    eksClusters: 'orders',
    harnessSubnetIds: 'subnet-0123456789abcdef0',
    harnessSecurityGroupIds: 'sg-0123456789abcdef0',
  },
};

describe('cdk-nag AwsSolutions', () => {
  const used = new Set<NagJustification>();

  it.each(Object.keys(VARIANTS))('%s: no unjustified finding', (name) => {
    const { stack } = buildApp({ context: VARIANTS[name] });
    for (const j of acknowledgeNagFindings(stack)) used.add(j);
    const left = nagFindings(stack).map((f) => `${f.rule} at ${f.path}`);
    expect(left).toEqual([]);
  });

  it('every justification is still needed', () => {
    const stale = NAG_JUSTIFICATIONS.filter((j) => !used.has(j)).map((j) => `${j.rule} at ${j.path}`);
    expect(stale).toEqual([]);
  });

  it('a new finding is reported, not swallowed by an existing justification', () => {
    const { stack } = buildApp({ context: {} });
    new s3.Bucket(stack, 'Careless', { removalPolicy: RemovalPolicy.DESTROY });
    acknowledgeNagFindings(stack);
    const left = nagFindings(stack).map((f) => f.rule);
    expect(left).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });
});
