/**
 * The harness tool-guard hook's decision logic on fixtures (deploy/lambda/tool-guard): shell commands
 * that start or change experiments, or write outside the allow-list, are denied with a reason; reads
 * and the allow-listed writes pass; a call it cannot read is denied. Payloads have the documented
 * before_tool_call shape (tool-guard-contract.test.ts checks it against AWS's page).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsCommandsOf, FOR_HUMANS, readSkillFiles } from '../../src/doctor/skill-actions.ts';
import { decide } from '../lambda/tool-guard/index.mjs';

const toolCall = (toolName: string, toolInput: unknown, toolType = 'builtin') => ({
  hookEventId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  name: 'tool-guard',
  event: 'before_tool_call',
  harnessArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/ops-AbCdEfGhIj',
  sessionId: '12345678-1234-5678-9abc-123456789012',
  context: { toolName, toolType, toolInput, toolUseId: 'tooluse_1' },
});
const shell = (command: string) => toolCall('shell', { command });

describe('tool guard: denied', () => {
  for (const command of [
    'aws fis start-experiment --experiment-template-id EXT1a2b3c4d5e6f7 --region us-east-1',
    'aws --region us-east-1 --output json fis start-experiment --experiment-template-id EXT1',
    'AWS_PAGER= aws fis start-experiment --experiment-template-id EXT1',
    'aws fis list-experiments && aws fis start-experiment --experiment-template-id EXT1',
    'echo $(aws fis start-experiment --experiment-template-id EXT1)',
    'aws fis update-experiment-template --id EXT1 --stop-conditions source=none',
    'aws fis create-experiment-template --cli-input-json file://t.json --stop-conditions source=none',
    'aws fis tag-resource --resource-arn arn:aws:fis:us-east-1:1:experiment-template/EXT1 --tags managed-by=x',
    'aws cloudwatch delete-alarms --alarm-names checkout-5xx',
    'aws fis delete-experiment-template --id EXT1',
    "python3 -c \"import boto3; boto3.client('fis').start_experiment(experimentTemplateId='EXT1')\"",
    'aws ec2 terminate-instances --instance-ids i-0123',
    'aws autoscaling update-auto-scaling-group --auto-scaling-group-name checkout --min-size 0',
    'aws iam put-role-policy --role-name x --policy-name y --policy-document file://p.json',
    'aws s3 rm s3://bucket/key',
    'aws s3 cp report.md s3://bucket/report.md',
  ]) {
    it(command, () => {
      const d = decide(shell(command));
      expect(d.decision).toBe('deny');
      expect(d.reason.length).toBeGreaterThan(10);
      expect(d.reason.length).toBeLessThanOrEqual(1024);
    });
  }

  it('a call whose shape it cannot read is denied', () => {
    expect(decide({}).decision).toBe('deny');
    expect(decide(null).decision).toBe('deny');
  });
});

describe('tool guard: allowed', () => {
  for (const command of [
    'aws fis get-experiment --id EXP1 --region us-east-1',
    'aws fis list-experiments',
    'aws fis stop-experiment --id EXP1',
    'aws fis create-experiment-template --cli-input-json file://t.json --tags managed-by=agentcore-slack-bot',
    'aws cloudwatch describe-alarms --alarm-names checkout-5xx | jq .MetricAlarms',
    'aws logs start-query --log-group-name x --start-time 1 --end-time 2 --query-string "fields @message"',
    'aws s3 cp s3://bucket/key ./local.json',
    'aws sts get-caller-identity',
    'kubectl get pods -n checkout',
    'cat /workspace/reports/report.md',
  ]) {
    it(command, () => {
      expect(decide(shell(command))).toMatchObject({ decision: 'allow' });
    });
  }

  it('tools other than the shell pass (the harness allow-list governs them)', () => {
    expect(
      decide(toolCall('aws-knowledge-mcp', { query: 'FIS stop conditions' }, 'remote_mcp')).decision,
    ).toBe('allow');
  });

  it('reads a shell input the harness passed as a JSON string', () => {
    expect(decide(toolCall('shell', JSON.stringify({ command: 'aws fis list-experiments' }))).decision).toBe(
      'allow',
    );
    expect(
      decide(
        toolCall('shell', JSON.stringify({ command: 'aws fis start-experiment --experiment-template-id X' })),
      ).decision,
    ).toBe('deny');
  });
});

describe('tool guard: deployed on the harness', () => {
  it('is on by default: the harness has a blocking before_tool_call hook on the guard Lambda, as CfnHarness and the docs define it', async () => {
    const { identityPoliciesOf, resolveIntrinsics, deployedArn, synthesizedTemplate } = await import(
      './helpers/iam-eval.ts'
    );
    const { logicalId } = await import('./helpers/synth.ts');
    const json = synthesizedTemplate();
    const harness = Object.values(json.Resources).find((r) => r.Type === 'AWS::BedrockAgentCore::Harness')!;
    const hooks = resolveIntrinsics(harness.Properties?.Hooks, json) as Array<Record<string, unknown>>;
    // HarnessHook is a union (aws-cdk-lib CfnHarness.HarnessHookProperty; API_HarnessHook): one key per item.
    const guardHooks = hooks.filter((h) => 'BeforeToolCall' in h);
    expect(guardHooks).toHaveLength(1);
    expect(Object.keys(guardHooks[0]!)).toEqual(['BeforeToolCall']);
    const guard = guardHooks[0]!.BeforeToolCall as {
      Name: string;
      Target: Record<string, { Arn: string; FailureMode: string; TimeoutSeconds: number }>;
    };
    // Name: [a-zA-Z0-9_-]+, 1–64 (API_HarnessBeforeToolCallHook); target: the Lambda member of the union only.
    expect(guard.Name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(Object.keys(guard.Target)).toEqual(['Lambda']);
    const lambda = guard.Target.Lambda!;
    // failureMode: allow | deny (lower case, API_HarnessHookLambdaTarget); deny, so a broken guard refuses.
    expect(lambda.FailureMode).toBe('deny');
    // timeoutSeconds 1–900; at least the function's own timeout, so the function's answer can arrive.
    const fnId = logicalId(json, 'AWS::Lambda::Function', 'HarnessToolGuard');
    const fn = json.Resources[fnId]!.Properties as { Handler: string; Timeout: number };
    expect(fn.Handler).toBe('index.handler');
    expect(lambda.TimeoutSeconds).toBeGreaterThanOrEqual(1);
    expect(lambda.TimeoutSeconds).toBeLessThanOrEqual(900);
    expect(lambda.TimeoutSeconds).toBeGreaterThanOrEqual(fn.Timeout);
    // "Grant the harness execution role permission to call each target": an identity grant on the execution
    // role. The docs name no service principal, so the function has no resource policy letting anyone else in.
    const fnArn = deployedArn('AWS::Lambda::Function', 'HarnessToolGuard', json);
    expect(lambda.Arn).toBe(fnArn);
    const execId = logicalId(json, 'AWS::IAM::Role', 'HarnessExecutionRole');
    const invoke = identityPoliciesOf(json, execId)
      .flatMap((p) => p.policy.Statement)
      .filter((st) => JSON.stringify(st.Action).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke)).toContain(fnArn);
    const permissions = Object.values(json.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties).includes(fnId),
    );
    expect(permissions).toEqual([]);
  }, 120_000);

  it('harnessToolGuard=off leaves the harness without hooks and deploys no guard function', async () => {
    const { synth } = await import('./helpers/synth.ts');
    const s = synth({ harnessToolGuard: 'off' });
    const json = s.json;
    s.cleanup();
    const harness = Object.values(json.Resources).find((r) => r.Type === 'AWS::BedrockAgentCore::Harness')!;
    expect(harness.Properties?.Hooks ?? []).toEqual([]);
    expect(
      Object.entries(json.Resources).some(
        ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.includes('ToolGuard'),
      ),
    ).toBe(false);
  }, 120_000);
});

/**
 * The seam with the skills: every AWS CLI command a skill runs (as the skill writes it, continuations joined)
 * passes the guard, except those a skill hands to a human. A guard stricter than the skills would break
 * assessments in production (every tool call denied mid-run) while every other test stayed green.
 */
describe('tool guard: every command the skills run is allowed', () => {
  const commands = readSkillFiles(path.join(import.meta.dirname, '..', '..', 'skills')).flatMap((s) =>
    awsCommandsOf(s.files).map((c) => ({ ...c, skill: s.name })),
  );
  const forAgent = commands.filter((c) => !(`aws ${c.service} ${c.op}` in FOR_HUMANS));
  const distinct = [...new Map(forAgent.map((c) => [`${c.skill} ${c.text}`, c])).values()];

  it('finds the skills’ commands', () => {
    expect(distinct.length).toBeGreaterThan(50);
  });

  it('allows each one', () => {
    const denied = distinct
      .map((c) => ({ c, d: decide(shell(c.text)) }))
      .filter(({ d }) => d.decision !== 'allow')
      .map(({ c, d }) => `${c.skill}/${c.file}: ${c.text.slice(0, 120)} -> ${d.reason}`);
    expect(denied).toEqual([]);
  });
});
