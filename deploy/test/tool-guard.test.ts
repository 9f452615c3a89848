/**
 * The harness tool-guard hook's decision logic on fixtures (deploy/lambda/tool-guard): shell commands
 * that start or change experiments, or write outside the allow-list, are denied with a reason; reads
 * and the allow-listed writes pass; a call it cannot read is denied. The Lambda event's field names are
 * not documented, so fixtures cover the likely shapes (flat, nested under toolUse, input as a JSON string).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsCommandsOf, FOR_HUMANS, readSkillFiles } from '../../src/doctor/skill-actions.ts';
import { decide } from '../lambda/tool-guard/index.mjs';

const shell = (command: string) => ({
  toolName: 'shell',
  toolType: 'agentcore_shell',
  toolUseId: 'tooluse_1',
  toolInput: { command },
});

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
      decide({ toolName: 'aws-knowledge-mcp', toolInput: { query: 'FIS stop conditions' } }).decision,
    ).toBe('allow');
  });

  it('reads the other likely event shapes', () => {
    const nested = {
      toolUse: { name: 'shell', input: { command: 'aws fis start-experiment --experiment-template-id X' } },
    };
    expect(decide(nested).decision).toBe('deny');
    const stringInput = {
      toolName: 'shell',
      toolInput: JSON.stringify({ command: 'aws fis list-experiments' }),
    };
    expect(decide(stringInput).decision).toBe('allow');
  });
});

describe('tool guard: deployed on the harness', () => {
  it('is off unless harnessToolGuard=on (its Lambda event shape is undocumented and it fails closed)', async () => {
    const { synthesizedTemplate } = await import('./helpers/iam-eval.ts');
    const json = synthesizedTemplate();
    const harness = Object.values(json.Resources).find((r) => r.Type === 'AWS::BedrockAgentCore::Harness')!;
    expect(harness.Properties?.Hooks ?? []).toEqual([]);
    // No guard function (the stack's other functions, such as CDK's log-retention one, are not hooks).
    expect(
      Object.entries(json.Resources).some(
        ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.includes('ToolGuard'),
      ),
    ).toBe(false);
  }, 120_000);

  it('the harness has a blocking before_tool_call hook (failure mode deny) on the guard Lambda, which only its execution role may invoke', async () => {
    const { identityPoliciesOf, resolveIntrinsics, deployedArn } = await import('./helpers/iam-eval.ts');
    const { logicalId, synth } = await import('./helpers/synth.ts');
    const s = synth({ harnessToolGuard: 'on' });
    const json = s.json;
    s.cleanup();
    const harness = Object.values(json.Resources).find((r) => r.Type === 'AWS::BedrockAgentCore::Harness')!;
    const hooks = resolveIntrinsics(harness.Properties?.Hooks, json) as Array<{
      BeforeToolCall?: { Name: string; Target: { Lambda: { Arn: string; FailureMode: string } } };
    }>;
    const guard = hooks.find((h) => h.BeforeToolCall)?.BeforeToolCall;
    expect(guard?.Target.Lambda.FailureMode).toBe('deny');
    const fnId = logicalId(json, 'AWS::Lambda::Function', 'HarnessToolGuard');
    expect(json.Resources[fnId]!.Properties?.Handler).toBe('index.handler');
    const execId = logicalId(json, 'AWS::IAM::Role', 'HarnessExecutionRole');
    const invoke = identityPoliciesOf(json, execId)
      .flatMap((p) => p.policy.Statement)
      .filter((st) => JSON.stringify(st.Action).includes('lambda:InvokeFunction'));
    expect(invoke.length).toBeGreaterThan(0);
    const fnArn = deployedArn('AWS::Lambda::Function', 'HarnessToolGuard', json);
    expect(guard?.Target.Lambda.Arn).toBe(fnArn);
    expect(JSON.stringify(invoke)).toContain(fnArn);
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
