/**
 * Harnesses and their tools from the deploy settings: extra remote MCP servers with headers from
 * Secrets Manager, a Gateway the stack creates (MCP server target, IAM outbound auth), an existing
 * Gateway, several harnesses with invoke rights scoped to each, and skills loaded from S3. Decisions
 * come from the real IAM evaluator over the synthesized policies.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SKILLS } from '../../src/core/skills.ts';
import { AWS_KNOWLEDGE_MCP } from '../../src/harness-catalog.ts';
import { readSettings, SettingsError } from '../lib/settings.ts';
import {
  decide,
  evaluate,
  identityPoliciesOf,
  principalOf,
  resolveIntrinsics,
  SIM_ENV,
} from './helpers/iam-eval.ts';
import { type CfnTemplate, logicalId, synth } from './helpers/synth.ts';

const { region: R, account: A } = SIM_ENV;
const GITHUB_TOKEN = `arn:aws:secretsmanager:${R}:${A}:secret:github-mcp-token-AbCdEf`;
const EXISTING_GW = `arn:aws:bedrock-agentcore:${R}:${A}:gateway/jira-gw-0a1b2c3d4e`;
const BILLING_RUNTIME = `arn:aws:bedrock-agentcore:${R}:${A}:runtime/billing_mcp-Zy9Xw8Vu7T`;
const BILLING_ENDPOINT = `https://bedrock-agentcore.${R}.amazonaws.com/runtimes/billing/invocations?qualifier=DEFAULT`;

const s = synth({
  account: A,
  region: R,
  fisApprovers: 'U012ABCDEF',
  harnessTools: JSON.stringify([
    AWS_KNOWLEDGE_MCP,
    { type: 'agentcore_gateway', name: 'jira', gatewayArn: EXISTING_GW },
  ]),
  harnesses: [
    {
      id: 'cost',
      commands: ['/cost'],
      tools: [
        {
          type: 'agentcore_gateway',
          name: 'billing',
          create: { targetName: 'billing-mcp', runtimeArn: BILLING_RUNTIME, endpoint: BILLING_ENDPOINT },
        },
        {
          type: 'remote_mcp',
          name: 'github',
          url: 'https://api.githubcopilot.com/mcp/',
          headers: { Authorization: { secretArn: GITHUB_TOKEN, jsonKey: 'token' } },
        },
      ],
    },
  ],
  skillsSource: 's3',
});
afterAll(() => s.cleanup());
const json: CfnTemplate = s.json;

const harnesses = Object.entries(json.Resources).filter(
  ([, r]) => r.Type === 'AWS::BedrockAgentCore::Harness',
);
const harnessNamed = (name: string) => {
  const found = harnesses.find(([, r]) => r.Properties?.HarnessName === name);
  if (!found) throw new Error(`no harness ${name}`);
  return { id: found[0], props: found[1].Properties as Record<string, unknown> };
};
const main = harnessNamed('slack_ops_agent');
const cost = harnessNamed('slack_ops_agent_cost');
const roleOf = (h: { props: Record<string, unknown> }) =>
  (h.props.ExecutionRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
const may = async (roleId: string, action: string, resource: string) =>
  (await evaluate(identityPoliciesOf(json, roleId), principalOf(json, roleId), { action, resource }))[0]!
    .decision;
const gatewayId = logicalId(json, 'AWS::BedrockAgentCore::Gateway', 'Gatewaybilling');
const createdGateway = String(resolveIntrinsics({ 'Fn::GetAtt': [gatewayId, 'GatewayArn'] }, json));
const env = () => {
  const [td] = Object.values(json.Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition');
  const c = (
    td!.Properties as { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] }
  ).ContainerDefinitions[0]!;
  return Object.fromEntries(c.Environment.map((e) => [e.Name, resolveIntrinsics(e.Value, json)]));
};

describe('tools from settings', () => {
  it('attaches remote MCP servers with header values resolved from Secrets Manager at deploy time only', () => {
    const tools = cost.props.Tools as { Type: string; Name: string; Config: Record<string, unknown> }[];
    const github = tools.find((t) => t.Name === 'github')!;
    expect(github).toMatchObject({
      Type: 'remote_mcp',
      Config: { RemoteMcp: { Url: 'https://api.githubcopilot.com/mcp/' } },
    });
    const header = JSON.stringify(github.Config);
    expect(header).toContain(`{{resolve:secretsmanager:${GITHUB_TOKEN}:SecretString:token::}}`);
    // The bot gets the reference, never a value.
    expect(String(env().HARNESSES)).toContain(GITHUB_TOKEN);
    expect(String(env().HARNESSES)).not.toContain('{{resolve');
  });

  it('keeps the AWS Knowledge MCP server on the default harness and adds the existing Gateway', () => {
    expect(main.props.Tools).toEqual([
      {
        Type: 'remote_mcp',
        Name: 'aws-knowledge-mcp',
        Config: { RemoteMcp: { Url: AWS_KNOWLEDGE_MCP.url } },
      },
      {
        Type: 'agentcore_gateway',
        Name: 'jira',
        Config: { AgentCoreGateway: { GatewayArn: EXISTING_GW, OutboundAuth: { AwsIam: {} } } },
      },
    ]);
  });

  it('creates a Gateway with IAM inbound auth and an MCP server target signed with the Gateway role', () => {
    const gw = json.Resources[gatewayId]!.Properties!;
    expect(gw).toMatchObject({ AuthorizerType: 'AWS_IAM', ProtocolType: 'MCP' });
    const [target] = Object.values(json.Resources).filter(
      (r) => r.Type === 'AWS::BedrockAgentCore::GatewayTarget',
    );
    expect(target!.Properties).toMatchObject({
      Name: 'billing-mcp',
      TargetConfiguration: { Mcp: { McpServer: { Endpoint: BILLING_ENDPOINT } } },
      CredentialProviderConfigurations: [
        {
          CredentialProviderType: 'GATEWAY_IAM_ROLE',
          CredentialProvider: { IamCredentialProvider: { Service: 'bedrock-agentcore' } },
        },
      ],
    });
    const tools = cost.props.Tools as { Name: string; Config: unknown }[];
    expect(resolveIntrinsics(tools.find((t) => t.Name === 'billing')!.Config, json)).toEqual({
      AgentCoreGateway: { GatewayArn: createdGateway, OutboundAuth: { AwsIam: {} } },
    });
  });

  it("gives the Gateway's role its MCP runtime and nothing else", async () => {
    const role = (json.Resources[gatewayId]!.Properties!.RoleArn as { 'Fn::GetAtt': [string] })[
      'Fn::GetAtt'
    ][0];
    expect(await may(role, 'bedrock-agentcore:InvokeAgentRuntime', BILLING_RUNTIME)).toBe('Allowed');
    expect(
      await may(
        role,
        'bedrock-agentcore:InvokeAgentRuntime',
        BILLING_RUNTIME.replace('billing_mcp', 'other_mcp'),
      ),
    ).toBe('ImplicitlyDenied');
  });

  it('lets each harness role invoke exactly its own Gateways', async () => {
    const otherGw = `arn:aws:bedrock-agentcore:${R}:${A}:gateway/other-gw-0a1b2c3d4e`;
    expect(await may(roleOf(main), 'bedrock-agentcore:InvokeGateway', EXISTING_GW)).toBe('Allowed');
    expect(await may(roleOf(main), 'bedrock-agentcore:InvokeGateway', createdGateway)).toBe(
      'ImplicitlyDenied',
    );
    expect(await may(roleOf(cost), 'bedrock-agentcore:InvokeGateway', createdGateway)).toBe('Allowed');
    expect(await may(roleOf(cost), 'bedrock-agentcore:InvokeGateway', EXISTING_GW)).toBe('ImplicitlyDenied');
    for (const h of [main, cost])
      expect(await may(roleOf(h), 'bedrock-agentcore:InvokeGateway', otherGw)).toBe('ImplicitlyDenied');
  });
});

describe('one harness per function', () => {
  it('creates the cost harness with the skills of its commands and its own execution role', () => {
    expect(harnesses).toHaveLength(2);
    expect(roleOf(cost)).not.toBe(roleOf(main));
    expect(JSON.stringify(cost.props.Skills)).toContain(SKILLS.cost);
    expect((cost.props.Skills as unknown[]).length).toBe(1);
  });

  it('lets the bot invoke exactly the stack’s harnesses, and tells it which command runs where', async () => {
    const bot = logicalId(json, 'AWS::IAM::Role', 'BotTaskRole');
    const policy = {
      Version: '2012-10-17' as const,
      Statement: identityPoliciesOf(json, bot).flatMap((p) => p.policy.Statement),
    };
    const arn = (id: string) => String(resolveIntrinsics({ 'Fn::GetAtt': [id, 'Arn'] }, json));
    // Everything the bot sends to a harness (invoke, report reads, stop), on the harness and its DEFAULT endpoint.
    const actions = [
      'bedrock-agentcore:InvokeHarness',
      'bedrock-agentcore:InvokeAgentRuntime',
      'bedrock-agentcore:InvokeAgentRuntimeCommand',
      'bedrock-agentcore:StopRuntimeSession',
    ];
    for (const h of [main, cost]) {
      for (const resource of [arn(h.id), `${arn(h.id)}/harness-endpoint/DEFAULT`])
        for (const action of actions)
          expect(await decide(policy as never, action, resource), `${action} ${resource}`).toBe('Allowed');
    }
    const stranger = `arn:aws:bedrock-agentcore:${R}:${A}:harness/someone_else-AbCdEf1234`;
    expect(await decide(policy as never, 'bedrock-agentcore:InvokeHarness', stranger)).toBe(
      'ImplicitlyDenied',
    );
    const e = env();
    expect(e.HARNESS_ARNS).toBe(`cost=${arn(cost.id)}`);
    const spec = JSON.parse(String(e.HARNESSES)) as {
      id: string;
      commands: string[];
      tools: { name: string; gatewayArn?: string }[];
    }[];
    expect(spec[0]).toMatchObject({ id: 'cost', commands: ['/cost'] });
    expect(spec[0]!.tools.find((t) => t.name === 'billing')!.gatewayArn).toBe(createdGateway);
  });
});

describe('skills from S3', () => {
  it('uploads skills/ and points every harness and the bot at the bucket', async () => {
    const bucketId = logicalId(json, 'AWS::S3::Bucket', 'Skills');
    expect(Object.values(json.Resources).some((r) => r.Type === 'Custom::CDKBucketDeployment')).toBe(true);
    const skills = resolveIntrinsics(main.props.Skills, json) as { S3: { Uri: string } }[];
    expect(skills.map((k) => k.S3.Uri)).toContain(`s3://${bucketId}/skills/${SKILLS.eks}/`);
    expect(env().SKILLS_BASE_PATH).toBe(`s3://${bucketId}/skills/`);
    expect(
      await may(roleOf(main), 's3:GetObject', `arn:aws:s3:::${bucketId}/skills/${SKILLS.eks}/SKILL.md`),
    ).toBe('Allowed');
    expect(await may(roleOf(cost), 's3:GetObject', `arn:aws:s3:::${bucketId}/other/x`)).toBe(
      'ImplicitlyDenied',
    );
    const deployment = Object.entries(json.Resources).find(
      ([, r]) => r.Type === 'Custom::CDKBucketDeployment',
    )![0];
    expect(json.Resources[main.id]!.DependsOn).toContain(deployment);
  });
});

describe('settings', () => {
  it('refuses plain header values, a Gateway with neither or both sources, and unknown skill sources', () => {
    const bad = {
      harnessTools: JSON.stringify([
        { type: 'remote_mcp', name: 'x', url: 'https://x.example', headers: { A: 'plain' } },
      ]),
      harnesses: JSON.stringify([
        { id: 'cost', commands: ['/cost'], tools: [{ type: 'agentcore_gateway', name: 'b' }] },
      ]),
      skillsSource: 'git',
    };
    let err: unknown;
    try {
      readSettings((k) => bad[k as keyof typeof bad]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const text = (err as SettingsError).problems.join('\n');
    expect(text).toMatch(/harnessTools .*headers/);
    expect(text).toMatch(/harnesses .*exactly one of gatewayArn/);
    expect(text).toMatch(/skillsSource must be image or s3/);
  });
});

describe('the harness that answers /fis, with the approval gate on', () => {
  const headers = { Authorization: { secretArn: GITHUB_TOKEN } };
  const github = { type: 'remote_mcp', name: 'github', url: 'https://api.githubcopilot.com/mcp/', headers };
  const problems = (ctx: Record<string, unknown>) => {
    try {
      readSettings((k) => ctx[k], Object.keys(ctx));
      return [];
    } catch (err) {
      if (!(err instanceof SettingsError)) throw err;
      return err.problems;
    }
  };

  it('refuses secret-backed headers on it at synth, naming the harness, the tool and the fix', () => {
    const onDefault = problems({ fisApprovers: 'U012ABCDEF', harnessTools: JSON.stringify([github]) });
    expect(onDefault).toHaveLength(1);
    expect(onDefault[0]).toMatch(/^harnessTools: github has secret-backed headers/);
    expect(onDefault[0]).toMatch(/answers \/fis and fisApprovers is set/);
    expect(onDefault[0]).toMatch(/Put the tool on a harness that does not answer \/fis/);
    const onNamed = problems({
      'bot.FIS_APPROVERS': 'U012ABCDEF',
      harnesses: JSON.stringify([{ id: 'chaos', commands: ['/chaos', '/fis'], tools: [github] }]),
    });
    expect(onNamed).toEqual([
      expect.stringMatching(/^harnesses \(harness "chaos"\): github has secret-backed/),
    ]);
  });

  it('accepts them without approvers, on a harness that does not answer /fis, and a created Gateway on it', () => {
    expect(problems({ harnessTools: JSON.stringify([github]) })).toEqual([]);
    expect(
      problems({
        fisApprovers: 'U012ABCDEF',
        harnesses: JSON.stringify([{ id: 'cost', commands: ['/cost'], tools: [github] }]),
      }),
    ).toEqual([]);
    const created = {
      type: 'agentcore_gateway',
      name: 'billing',
      create: { targetName: 'billing-mcp', runtimeArn: BILLING_RUNTIME, endpoint: BILLING_ENDPOINT },
    };
    // The deploy fills in the ARN of a Gateway it creates, so the bot can repeat that tool.
    expect(problems({ fisApprovers: 'U012ABCDEF', harnessTools: JSON.stringify([created]) })).toEqual([]);
  });
});
