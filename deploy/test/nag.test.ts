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
  'further harnesses, a created and an existing Gateway, secret-backed headers, skills from S3': {
    account: '111122223333',
    region: 'us-east-1',
    skillsSource: 's3',
    harnessToolGuard: 'on',
    harnessTools: JSON.stringify([
      { type: 'remote_mcp', name: 'aws-knowledge-mcp', url: 'https://knowledge-mcp.global.api.aws' },
      {
        type: 'agentcore_gateway',
        name: 'jira',
        gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:111122223333:gateway/jira-gw-0a1b2c3d4e',
      },
    ]),
    harnesses: JSON.stringify([
      {
        id: 'cost',
        commands: ['/cost'],
        tools: [
          {
            type: 'agentcore_gateway',
            name: 'billing',
            create: {
              targetName: 'billing-mcp',
              runtimeArn: 'arn:aws:bedrock-agentcore:us-east-1:111122223333:runtime/billing_mcp-Zy9Xw8Vu7T',
              endpoint:
                'https://bedrock-agentcore.us-east-1.amazonaws.com/runtimes/billing/invocations?qualifier=DEFAULT',
            },
          },
          {
            type: 'remote_mcp',
            name: 'github',
            url: 'https://api.githubcopilot.com/mcp/',
            headers: {
              Authorization: {
                secretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:github-mcp-token-AbCdEf',
              },
            },
          },
        ],
      },
      { id: 'chaos', commands: ['/chaos', '/fis'] },
    ]),
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
