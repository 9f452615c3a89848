/**
 * One execution role per harness, derived from the skills it loads: the skill→IAM contract (every AWS CLI
 * command in the harness's skills is allowed for its role, under a real IAM evaluator) holds for every
 * harness of the stack, and a harness whose skills do not prepare FIS experiments cannot prepare them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SKILLS } from '../../src/core/skills.ts';
import { awsCommandsOf, FOR_HUMANS } from '../../src/doctor/skill-actions.ts';
import { deniedCommands } from '../../test/skills/helpers/iam-contract.ts';
import { loadSkill } from '../../test/skills/load.ts';
import { FIS_TEMPLATE_TAG, fisAlarmPrefix } from '../lib/fis-contract.ts';
import { skillGrants } from '../lib/policies/skill-grants.ts';
import { TARGET_ROLE_NAME } from '../lib/target-account-stack.ts';
import {
  evaluate,
  identityPoliciesOf,
  principalOf,
  type Request,
  resolveIntrinsics,
  SIM_ENV,
} from './helpers/iam-eval.ts';
import { type CfnTemplate, logicalId, synth } from './helpers/synth.ts';

const { partition: P, region: R, account: A } = SIM_ENV;
const s = synth({
  eksClusters: 'orders',
  targetAccounts: 'staging=444455556666',
  harnesses: [
    { id: 'cost', commands: ['/cost'] },
    { id: 'chaos', commands: ['/chaos', '/fis'] },
    { id: 'ops', commands: ['/investigate'] },
  ],
});
afterAll(() => s.cleanup());
const json: CfnTemplate = s.json;

interface DeployedHarness {
  name: string;
  roleId: string;
  skills: string[];
}
const deployed: DeployedHarness[] = Object.values(json.Resources)
  .filter((r) => r.Type === 'AWS::BedrockAgentCore::Harness')
  .map((r) => {
    const p = r.Properties as {
      HarnessName: string;
      ExecutionRoleArn: { 'Fn::GetAtt': [string] };
      Skills: { Path: string }[];
    };
    return {
      name: p.HarnessName,
      roleId: p.ExecutionRoleArn['Fn::GetAtt'][0],
      skills: p.Skills.map((k) => k.Path.split('/').pop()!),
    };
  });
const harness = (name: string) => deployed.find((h) => h.name === name)!;
const fisRoleId = logicalId(json, 'AWS::IAM::Role', 'FisExperimentRole');
const fisRoleArn = String(resolveIntrinsics({ 'Fn::GetAtt': [fisRoleId, 'Arn'] }, json));
const decide = async (roleId: string, req: Request) =>
  (await evaluate(identityPoliciesOf(json, roleId), principalOf(json, roleId), req))[0]!.decision;

const tagged = {
  [`aws:RequestTag/${FIS_TEMPLATE_TAG.key}`]: FIS_TEMPLATE_TAG.value,
  'aws:TagKeys': [FIS_TEMPLATE_TAG.key],
};
const template = `arn:${P}:fis:${R}:${A}:experiment-template/EXT0123456789abc`;

describe('every harness role allows the AWS CLI commands of the skills it loads', () => {
  it('deploys four harnesses, each with its own role and the skills of its commands', () => {
    expect(deployed.map((h) => h.name).sort()).toEqual([
      'slack_ops_agent',
      'slack_ops_agent_chaos',
      'slack_ops_agent_cost',
      'slack_ops_agent_ops',
    ]);
    expect(new Set(deployed.map((h) => h.roleId)).size).toBe(4);
    expect(harness('slack_ops_agent_cost').skills).toEqual([SKILLS.cost]);
    expect(harness('slack_ops_agent_ops').skills).toEqual([SKILLS.logs, SKILLS.eks, SKILLS.bestPractice]);
  });

  it.each(['slack_ops_agent', 'slack_ops_agent_cost', 'slack_ops_agent_chaos', 'slack_ops_agent_ops'])(
    '%s: the skill→IAM contract holds under a real IAM evaluator',
    async (name) => {
      const h = harness(name);
      const commands = h.skills.flatMap((k) =>
        awsCommandsOf(loadSkill(k).files)
          .filter((c) => !(`aws ${c.service} ${c.op}` in FOR_HUMANS))
          .map((c) => ({ ...c, where: `${k}/${c.file}` })),
      );
      expect(commands.length).toBeGreaterThan(0);
      const failures = await deniedCommands(
        commands,
        identityPoliciesOf(json, h.roleId),
        principalOf(json, h.roleId),
        fisRoleArn,
      );
      expect(failures.map((f) => `${f.where}: ${f.command} → ${f.action}: ${f.problem}`)).toEqual([]);
    },
    60_000,
  );
});

describe('the cost harness reads costs and cannot prepare chaos', () => {
  const cost = () => harness('slack_ops_agent_cost').roleId;

  it('reads Cost Explorer', async () => {
    for (const action of ['ce:GetCostAndUsage', 'ce:GetCostForecast', 'ce:GetDimensionValues'])
      expect(await decide(cost(), { action }), action).toBe('Allowed');
  });

  it('cannot create or update FIS templates, pass the experiment role, create alarms or stop experiments', async () => {
    const alarm = `arn:${P}:cloudwatch:${R}:${A}:alarm:${fisAlarmPrefix('AgentCoreSlackBot')}h1-5xx`;
    const denied: Request[] = [
      { action: 'fis:CreateExperimentTemplate', resource: template, context: tagged },
      {
        action: 'fis:CreateExperimentTemplate',
        resource: `arn:${P}:fis:${R}:${A}:action/aws:ec2:stop-instances`,
      },
      {
        action: 'fis:UpdateExperimentTemplate',
        resource: template,
        context: { [`aws:ResourceTag/${FIS_TEMPLATE_TAG.key}`]: FIS_TEMPLATE_TAG.value },
      },
      {
        action: 'iam:PassRole',
        resource: fisRoleArn,
        context: { 'iam:PassedToService': 'fis.amazonaws.com' },
      },
      { action: 'cloudwatch:PutMetricAlarm', resource: alarm, context: tagged },
      { action: 'fis:StopExperiment', resource: `arn:${P}:fis:${R}:${A}:experiment/EXP123` },
      { action: 'fis:StartExperiment', resource: template },
    ];
    for (const req of denied)
      expect(await decide(cost(), req), `${req.action} ${req.resource}`).not.toBe('Allowed');
  });

  it('reads nothing its skill does not use (no EC2, EKS, logs or FIS reads) and has no EKS access entry', async () => {
    for (const action of [
      'ec2:DescribeInstances',
      'eks:DescribeCluster',
      'eks:ListClusters',
      'logs:FilterLogEvents',
      'fis:GetExperimentTemplate',
      'ssm:GetParameter',
    ])
      expect(await decide(cost(), { action }), action).not.toBe('Allowed');
    const principals = Object.values(json.Resources)
      .filter((r) => r.Type === 'AWS::EKS::AccessEntry')
      .map((r) => JSON.stringify(r.Properties!.PrincipalArn));
    expect(principals.length).toBeGreaterThan(0);
    for (const p of principals) expect(p).not.toContain(cost());
  });

  it('the chaos harness, which loads the FIS skills, still prepares tagged templates only', async () => {
    const chaos = harness('slack_ops_agent_chaos').roleId;
    expect(
      await decide(chaos, { action: 'fis:CreateExperimentTemplate', resource: template, context: tagged }),
    ).toBe('Allowed');
    expect(await decide(chaos, { action: 'fis:CreateExperimentTemplate', resource: template })).not.toBe(
      'Allowed',
    );
    expect(await decide(chaos, { action: 'fis:StartExperiment', resource: template })).toBe(
      'ExplicitlyDenied',
    );
  });
});

describe('deriving grants from skill text', () => {
  const skill = (text: string) => [{ name: 'made-up', files: [{ rel: 'SKILL.md', text }] }];

  it('grants a read entry only when the skill uses it, and FIS preparation only for template commands', () => {
    const g = skillGrants(skill('aws ce get-cost-and-usage --time-period x\naws ec2 describe-instances'));
    expect(g.reads).toEqual(['ce:GetCostAndUsage', 'ec2:Describe*']);
    expect(g.fisPreparation).toBe(false);
    expect(skillGrants(skill('aws fis create-experiment-template --cli-input-json x')).fisPreparation).toBe(
      true,
    );
  });

  it('fails the synth on an action no statement grants, or a secret-bearing read', () => {
    expect(() => skillGrants(skill('aws ec2 run-instances --image-id ami-1'))).toThrow(
      /made-up\/SKILL.md: ec2:RunInstances/,
    );
    expect(() => skillGrants(skill('aws lambda get-function-configuration --function-name f'))).toThrow(
      /lambda:GetFunctionConfiguration/,
    );
  });
});

describe('what a further harness is given beyond its reads', () => {
  const props = (name: string) =>
    Object.values(json.Resources).find(
      (r) => r.Type === 'AWS::BedrockAgentCore::Harness' && r.Properties!.HarnessName === name,
    )!.Properties as { EnvironmentVariables: Record<string, string>; SystemPrompt: { Text: string }[] };
  const accessEntryRoles = () =>
    Object.values(json.Resources)
      .filter((r) => r.Type === 'AWS::EKS::AccessEntry')
      .map((r) => (r.Properties!.PrincipalArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]);

  it('an EKS access entry (read-only view) for every harness that loads the EKS skill, and only those', () => {
    const roles = accessEntryRoles();
    expect(roles).toContain(harness('slack_ops_agent').roleId);
    expect(roles).toContain(harness('slack_ops_agent_ops').roleId);
    expect(roles).not.toContain(harness('slack_ops_agent_cost').roleId);
    expect(roles).not.toContain(harness('slack_ops_agent_chaos').roleId);
  });

  it('other accounts only on the default harness, whose role the target accounts trust', async () => {
    const assume = {
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::444455556666:role/${TARGET_ROLE_NAME}`,
    };
    expect(props('slack_ops_agent').EnvironmentVariables.TARGET_ACCOUNTS).toBe(
      `staging=arn:aws:iam::444455556666:role/${TARGET_ROLE_NAME}`,
    );
    expect(await decide(harness('slack_ops_agent').roleId, assume)).toBe('Allowed');
    for (const name of ['slack_ops_agent_cost', 'slack_ops_agent_ops']) {
      // Told nothing about accounts it cannot reach, and it cannot reach them.
      expect(props(name).EnvironmentVariables.TARGET_ACCOUNTS, name).toBeUndefined();
      expect(JSON.stringify(props(name).SystemPrompt), name).not.toContain('TARGET_ACCOUNTS');
      expect(await decide(harness(name).roleId, assume), name).not.toBe('Allowed');
    }
  });
});
