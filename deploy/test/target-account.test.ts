/**
 * Other accounts: the read-only role template a team deploys to each account (StackSet-ready), evaluated with a
 * policy evaluator, and the bot stack's side (the harness may assume that role in the listed accounts only).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DEFAULT_TARGET_ROLE_NAME } from '../../src/core/target-accounts.ts';
import { readSettings } from '../lib/settings.ts';
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

/** The environment the bot task runs with, as synthesized. */
function taskEnvironment(json: CfnTemplate): Record<string, string> {
  const td = Object.values(json.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition')!;
  const defs = td.Properties!.ContainerDefinitions as Array<{
    Environment: Array<{ Name: string; Value: unknown }>;
  }>;
  return Object.fromEntries(
    defs[0]!.Environment.map((e) => [e.Name, String(resolveIntrinsics(e.Value, json))]),
  );
}

describe('the bot stack with target accounts (the bot setting TARGET_ACCOUNTS)', () => {
  const CUSTOM = 'arn:aws:iam::210987654321:role/OpsRead';
  const s = synth({
    'bot.TARGET_ACCOUNTS': `prod=${TARGET},staging=${CUSTOM}`,
    'bot.TARGET_ACCOUNT_EXTERNAL_ID': 'ops-bot-7',
  });
  const json = s.json;
  s.cleanup();
  const roleId = logicalId(json, 'AWS::IAM::Role', 'HarnessExecutionRole');
  const policies = identityPoliciesOf(json, roleId);
  const principal = principalOf(json, roleId);
  const assume = async (resource: string) =>
    (await evaluate(policies, principal, { action: 'sts:AssumeRole', resource }))[0]!.decision;

  it('the bot gets the setting, and the harness may assume exactly the roles the bot will name', async () => {
    const env = taskEnvironment(json);
    expect(env.TARGET_ACCOUNTS).toBe(`prod=${TARGET},staging=${CUSTOM}`);
    // The seam: the bot's own config, loaded from the task's environment, names the roles the agent assumes.
    const config = loadConfig({ ...env, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    const named = config.accounts.others.map((a) => a.roleArn);
    expect(named).toEqual([`arn:aws:iam::${TARGET}:role/${TARGET_ROLE_NAME}`, CUSTOM]);
    expect(config.accounts.externalId).toBe('ops-bot-7');
    for (const arn of named) expect(await assume(arn), arn).toBe('Allowed');
    expect(await assume(`arn:aws:iam::999988887777:role/${TARGET_ROLE_NAME}`)).not.toBe('Allowed');
    expect(await assume(`arn:aws:iam::${TARGET}:role/OrganizationAccountAccessRole`)).not.toBe('Allowed');
    expect(await assume(`arn:aws:iam::210987654321:role/${TARGET_ROLE_NAME}`)).not.toBe('Allowed');
  });

  it('the role template deploys the role name an alias with an account id means', () => {
    expect(TARGET_ROLE_NAME).toBe(DEFAULT_TARGET_ROLE_NAME);
    const params = targetTemplate().Parameters as Record<string, { Default?: string }>;
    expect(params.RoleName!.Default).toBe(DEFAULT_TARGET_ROLE_NAME);
  });

  it('tells the agent the aliases with their roles, and the external id', () => {
    const h = Object.values(json.Resources).find((r) => r.Type === 'AWS::BedrockAgentCore::Harness')!;
    const env = resolveIntrinsics(h.Properties!.EnvironmentVariables, json) as Record<string, string>;
    expect(env).toMatchObject({
      TARGET_ACCOUNTS: `prod=arn:aws:iam::${TARGET}:role/${TARGET_ROLE_NAME},staging=${CUSTOM}`,
      TARGET_ACCOUNT_EXTERNAL_ID: 'ops-bot-7',
    });
    expect(JSON.stringify(h.Properties!.SystemPrompt)).toContain('$TARGET_ACCOUNTS');
  });

  it('no accounts: no AssumeRole at all', async () => {
    const plain = synth();
    const id = logicalId(plain.json, 'AWS::IAM::Role', 'HarnessExecutionRole');
    const d = (
      await evaluate(identityPoliciesOf(plain.json, id), principalOf(plain.json, id), {
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${TARGET}:role/${TARGET_ROLE_NAME}`,
      })
    )[0]!.decision;
    plain.cleanup();
    expect(d).not.toBe('Allowed');
  });

  it('the older deploy settings still work, and targetAccountRoleName says what replaced it', () => {
    const old = readSettings(
      (k) => ({ targetAccounts: `prod=${TARGET}`, targetAccountExternalId: 'ops-bot-7' })[k],
      [],
    );
    expect(old.bot).toMatchObject({
      TARGET_ACCOUNTS: `prod=${TARGET}`,
      TARGET_ACCOUNT_EXTERNAL_ID: 'ops-bot-7',
    });
    expect(() => readSettings((k) => ({ targetAccountRoleName: 'X' })[k], [])).toThrow(
      /targetAccountRoleName is replaced by role ARNs in TARGET_ACCOUNTS/,
    );
    expect(() =>
      readSettings((k) => ({ 'bot.TARGET_ACCOUNTS': 'prod=12' })[k], ['bot.TARGET_ACCOUNTS']),
    ).toThrow(/bot\.TARGET_ACCOUNTS: TARGET_ACCOUNTS is not valid/);
  });
});
