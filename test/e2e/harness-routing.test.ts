/**
 * One harness per function, end to end: `/cost` runs on the cost harness (its own emulator behind the
 * same regional endpoint), `/assess` on the default one; each thread's follow-ups, before and after a
 * restart, go to the harness the thread started on, with the command's tool allow-list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTools } from '../../src/harness-catalog.ts';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { userText } from '../../src/stand-ins/harness-emulator.ts';
import { answer, fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { requestRun, TEMPLATE } from '../helpers/approval.ts';
import { CHANNEL, commandRoot, finalReplies, OTHER_USER, type Rig, startRig } from '../helpers/rig.ts';

const BILLING = {
  type: 'agentcore_gateway',
  name: 'billing',
  gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/billing-gw-0a1b2c3d4e',
};

describe('commands routed to their own harness', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ harnesses: [{ id: 'cost', commands: ['/cost'], tools: [BILLING] }] });
  });
  afterAll(async () => {
    await rig.close();
  });

  const followUp = async (threadTs: string, text: string) =>
    rig.slack.userMessage({ user: OTHER_USER, channel: CHANNEL, text, threadTs });

  it('runs /cost on the cost harness and /assess on the default one, and keeps follow-ups there', async () => {
    const cost = rig.named.get('cost')!;
    cost.enqueue(answer('EC2 cost rose 18% (on-demand m6i in us-east-1).'));
    const costRoot = await commandRoot(rig, { command: '/cost', text: 'ec2 3m' });
    await finalReplies(rig, CHANNEL, costRoot.ts);
    expect(costRoot.text + JSON.stringify(costRoot.blocks)).toContain('last 3 months');
    expect(rig.harness.invocations).toHaveLength(0);
    const [first] = cost.invocations;
    expect(first!.harnessArn).toBe(cost.harnessArn);
    expect(first!.body.allowedTools).toEqual(['@builtin', '@billing', '@aws-knowledge-mcp']);
    expect(first!.body.skills).toEqual([{ path: '/opt/.agents/skills/aws-cost-analysis' }]);
    expect(userText(first!)).toContain('"3m"');

    rig.harness.enqueue(answer('The orders-db instance is Multi-AZ.'));
    const assessRoot = await commandRoot(rig, { command: '/assess', text: 'rds orders-db us-east-1' });
    await finalReplies(rig, CHANNEL, assessRoot.ts);
    expect(rig.harness.invocations).toHaveLength(1);
    // No allow-list on a command that does not declare one: the harness's tools stay as deployed.
    expect(rig.harness.invocations[0]!.body.allowedTools).toBeUndefined();

    cost.enqueue((inv) => answer(`Cost follow-up: ${userText(inv)}`));
    await followUp(costRoot.ts, 'Which instance family drove it?');
    await cost.waitForInvocations(2);
    expect(cost.invocations[1]!.sessionId).toBe(first!.sessionId);
    expect(cost.invocations[1]!.body.allowedTools).toEqual(first!.body.allowedTools);
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, costRoot.ts).find((m) => m.text.includes('Cost follow-up: Which')),
      10_000,
      'the cost follow-up answer',
    );

    rig.harness.enqueue((inv) => answer(`Assess follow-up: ${userText(inv)}`));
    await followUp(assessRoot.ts, 'And the backups?');
    await rig.harness.waitForInvocations(2);
    expect(rig.harness.invocations[1]!.sessionId).toBe(rig.harness.invocations[0]!.sessionId);
    expect(cost.invocations).toHaveLength(2);
  });

  it('a follow-up after a restart still goes to the harness its thread started on', async () => {
    const cost = rig.named.get('cost')!;
    cost.enqueue(answer('Account total: $12,400.'));
    const root = await commandRoot(rig, { command: '/cost', text: 'account mtd' });
    await finalReplies(rig, CHANNEL, root.ts);
    const n = cost.invocations.length;
    const before = rig.harness.invocations.length;
    await rig.restartBot();
    cost.enqueue((inv) => answer(`After restart: ${userText(inv)}`));
    await followUp(root.ts, 'Split it by service');
    await cost.waitForInvocations(n + 1);
    expect(cost.invocations[n]!.sessionId).toBe(cost.invocations[n - 1]!.sessionId);
    expect(rig.harness.invocations).toHaveLength(before);
  });
});

describe('the approval function on a harness with tools from settings', () => {
  const JIRA = {
    type: 'agentcore_gateway',
    name: 'jira',
    gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/jira-gw-0a1b2c3d4e',
  } as const;
  const TOOLS = [
    { type: 'remote_mcp', name: 'aws-knowledge-mcp', url: 'https://knowledge-mcp.global.api.aws' },
    JIRA,
  ] as const;
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      // Skills loaded from S3 (deploy setting skillsSource=s3): the bot names them as S3 sources.
      env: { HARNESS_TOOLS: JSON.stringify(TOOLS), SKILLS_BASE_PATH: 's3://skills-bucket-1/skills/' },
      harness: { defaultScenario: fisExecuteAgent() },
    });
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  });
  afterAll(async () => {
    await rig.close();
  });

  it('repeats exactly the configured tools next to the inline function, and names S3 skills as S3 sources', async () => {
    await requestRun(rig);
    const first = rig.harness.invocations.at(-1)!;
    const tools = first.body.tools as { type: string; name: string }[];
    expect(tools.slice(0, 2)).toEqual(renderTools(TOOLS));
    expect(tools.map((t) => t.name)).toEqual([
      'aws-knowledge-mcp',
      'jira',
      'request_fis_experiment_approval',
    ]);
  });
});
