/**
 * Other accounts: the read-only role template a team deploys to each account (StackSet-ready), evaluated with a
 * policy evaluator, and the bot stack's side (the harness may assume that role in the listed accounts only).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TARGET_ROLE_NAME, TargetAccountRoleStack } from '../lib/target-account-stack.ts';
import {
  evaluate,
  identityPoliciesOf,
  type NamedPolicy,
  principalOf,
  resolveIntrinsics,
  SIM_ENV,
} from './helpers/iam-eval.ts';
import { type CfnTemplate, logicalId, synth } from './helpers/synth.ts';

const HARNESS_ROLE = 'arn:aws:iam::111122223333:role/AgentCoreSlackBot-HarnessExecutionRole';
const TARGET = '444455556666';

function targetTemplate() {
  const app = new App();
  const stack = new TargetAccountRoleStack(app, 'Target');
  return Template.fromStack(stack).toJSON() as CfnTemplate & {
    Parameters: Record<string, unknown>;
    Rules?: Record<string, { Assertions: Array<{ AssertDescription: string }> }>;
    Conditions: Record<string, unknown>;
  };
}

/** The template's trust policy with its parameters and conditions as a deployment would resolve them. */
function trustAsDeployed(json: ReturnType<typeof targetTemplate>, params: Record<string, string>): unknown {
  const role = Object.values(json.Resources).find((r) => r.Type === 'AWS::IAM::Role')!;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if ('Ref' in o && typeof o.Ref === 'string' && o.Ref in params) return params[o.Ref];
    if ('Fn::If' in o) {
      const [cond, yes, no] = o['Fn::If'] as [string, unknown, unknown];
      const param = cond === 'HasExternalId' ? 'ExternalId' : 'OrganizationId';
      return walk(params[param] ? yes : no);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      const w = walk(x);
      if (!(w && typeof w === 'object' && 'Ref' in w && (w as { Ref: string }).Ref === 'AWS::NoValue'))
        out[k] = w;
    }
    return out;
  };
  return walk(role.Properties!.AssumeRolePolicyDocument);
}

describe('target-account read-only role template', () => {
  const json = targetTemplate();
  const role = Object.values(json.Resources).find((r) => r.Type === 'AWS::IAM::Role')!;
  const policies: NamedPolicy[] = (
    role.Properties!.Policies as Array<{ PolicyDocument: NamedPolicy['policy'] }>
  ).map((p, i) => ({ name: `p${i}`, policy: p.PolicyDocument }));
  // Evaluated in the simulator's account: the role acts inside the account it is deployed to.
  const principal = `arn:aws:sts::${SIM_ENV.account}:assumed-role/${TARGET_ROLE_NAME}/agent`;

  it('is StackSet-ready: parameters only, no CDK bootstrap parameter or rule, no assets; needs an external id or org', () => {
    expect(Object.keys(json.Parameters).sort()).toEqual([
      'ExternalId',
      'OrganizationId',
      'RoleName',
      'TrustedRoleArn',
    ]);
    // Only its own rule (one of ExternalId and OrganizationId), no CDK bootstrap version check.
    expect(Object.keys(json.Rules ?? {})).toEqual(['ExternalIdOrOrganization']);
    expect(json.Rules!.ExternalIdOrOrganization!.Assertions[0]!.AssertDescription).toMatch(
      /ExternalId, OrganizationId/,
    );
    expect(Object.keys(json.Resources)).toEqual([expect.any(String)]);
  });

  it('reads what assessments read, and nothing that writes or returns secrets', async () => {
    const d = async (action: string) =>
      (await evaluate(policies, principal, { action, resource: '*' }))[0]!.decision;
    expect(await d('ec2:DescribeInstances')).toBe('Allowed');
    expect(await d('eks:DescribeCluster')).toBe('Allowed');
    for (const write of ['ec2:TerminateInstances', 'iam:CreateRole', 'fis:StartExperiment', 's3:GetObject'])
      expect(await d(write), write).not.toBe('Allowed');
    expect(await d('secretsmanager:GetSecretValue')).not.toBe('Allowed');
  });

  it('trusts only the given harness role, with the external id when one is set', () => {
    const withId = trustAsDeployed(json, {
      TrustedRoleArn: HARNESS_ROLE,
      ExternalId: 'ops-bot-7',
      OrganizationId: '',
    });
    expect(withId).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: HARNESS_ROLE },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'ops-bot-7' } },
        },
      ],
    });
    const withOrg = trustAsDeployed(json, {
      TrustedRoleArn: HARNESS_ROLE,
      ExternalId: '',
      OrganizationId: 'o-abcdefghij',
    }) as { Statement: Array<{ Condition: unknown }> };
    expect(withOrg.Statement[0]!.Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' },
    });
  });
});

describe('the bot stack with target accounts', () => {
  const s = synth({ targetAccounts: `prod=${TARGET}`, targetAccountExternalId: 'ops-bot-7' });
  const json = s.json;
  s.cleanup();
  const roleId = logicalId(json, 'AWS::IAM::Role', 'HarnessExecutionRole');
  const policies = identityPoliciesOf(json, roleId);
  const principal = principalOf(json, roleId);

  it('lets the harness assume the read-only role in the listed accounts only', async () => {
    const d = async (resource: string) =>
      (await evaluate(policies, principal, { action: 'sts:AssumeRole', resource }))[0]!.decision;
    expect(await d(`arn:aws:iam::${TARGET}:role/${TARGET_ROLE_NAME}`)).toBe('Allowed');
    expect(await d(`arn:aws:iam::999988887777:role/${TARGET_ROLE_NAME}`)).not.toBe('Allowed');
    expect(await d(`arn:aws:iam::${TARGET}:role/OrganizationAccountAccessRole`)).not.toBe('Allowed');
  });

  it('tells the agent the aliases, the role name and the external id', () => {
    const h = Object.values(json.Resources).find((r) => r.Type === 'AWS::BedrockAgentCore::Harness')!;
    const env = resolveIntrinsics(h.Properties!.EnvironmentVariables, json) as Record<string, string>;
    expect(env).toMatchObject({
      TARGET_ACCOUNTS: `prod=${TARGET}`,
      TARGET_ACCOUNT_ROLE_NAME: TARGET_ROLE_NAME,
      TARGET_ACCOUNT_EXTERNAL_ID: 'ops-bot-7',
    });
    expect(JSON.stringify(h.Properties!.SystemPrompt)).toContain('$TARGET_ACCOUNTS');
  });
});
