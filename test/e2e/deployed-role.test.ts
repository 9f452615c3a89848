/**
 * The bot's main flows under the IAM role `deploy/` gives it: the harness emulator authorizes every
 * call (InvokeHarness, InvokeAgentRuntimeCommand, StopRuntimeSession) against the synthesized bot
 * task role with a real IAM policy evaluator, as AWS would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/stand-ins/harness-emulator.ts';
import { answer, assistantText, EKS_REPORT } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig, USER } from '../helpers/rig.ts';

describe('under the deployed bot task role', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ deployedRole: true });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  const denied = () => (rig.authorizer?.checked ?? []).filter((c) => !c.allowed);

  it('an assessment streams, attaches its report, and answers a follow-up in the same session', async () => {
    const report: Reply = answer(EKS_REPORT);
    (report as { steps: unknown[] }).steps.unshift({
      writeFile: { path: '/tmp/reports/eks.md', content: '# EKS report\n' },
    });
    rig.harness.enqueue(report);
    const root = await commandRoot(rig, { command: '/assess', text: 'eks my-cluster us-west-2' });
    const replies = await finalReplies(rig, CHANNEL, root.ts);
    const all = replies.map((m) => JSON.stringify(m.blocks)).join('\n');
    expect(all).toContain('Score: 78 / 100');
    expect(all).not.toContain('not allowed');
    // The report the agent wrote is read with InvokeAgentRuntimeCommand after the answer.
    await rig.slack.waitFor(
      () => rig.harness.commands.some((c) => c.command.startsWith('cat') && c.exitCode === 0),
      10_000,
      'the report to be read',
    );

    rig.harness.enqueue(answer('Restrict the endpoint to your office CIDR.'));
    const before = rig.harness.invocations.length;
    await rig.slack.userMessage({
      user: USER,
      channel: CHANNEL,
      text: 'how do I fix the first one?',
      threadTs: root.ts,
    });
    await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, root.ts)
          .some((m) => m.text.includes('office CIDR') && /Done in/.test(JSON.stringify(m.blocks))),
      15_000,
      'the follow-up answer',
    );
    expect(rig.harness.invocations[before]!.sessionId).toBe(rig.harness.invocations[0]!.sessionId);
    expect(denied()).toEqual([]);
    // What the bot needed, as AWS would check it: both harness actions on the harness and its endpoint.
    const actions = new Set(rig.authorizer!.checked.map((c) => c.action));
    expect([...actions].sort()).toEqual([
      'bedrock-agentcore:InvokeAgentRuntime',
      'bedrock-agentcore:InvokeAgentRuntimeCommand',
      'bedrock-agentcore:InvokeHarness',
    ]);
  }, 60_000);

  it('Stop ends the agent’s session under the deployed role', async () => {
    rig.harness.enqueue({
      steps: [
        { event: 'messageStart', data: { role: 'assistant' } },
        ...assistantText('Scanning every namespace…'),
        { hang: true },
      ],
    });
    const root = await commandRoot(rig, { command: '/assess', text: 'eks stop-me us-west-2' });
    const reply = await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, root.ts)
          .find((m) => m.text.includes('Scanning') && JSON.stringify(m.blocks ?? []).includes('stop_run')),
      10_000,
      'the answer streaming, with a Stop button',
    );
    const value = (reply.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'stop_run')!.value!;
    await rig.slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: reply.ts,
      actionId: 'stop_run',
      value,
    });
    const inv = rig.harness.invocations.at(-1)!;
    await rig.slack.waitFor(() => inv.agentEndedAt !== undefined, 10_000, 'the agent to stop');
    expect(inv.stoppedBySession).toBe(true);
    expect(rig.harness.stoppedSessions).toContain(inv.sessionId);
    expect(denied()).toEqual([]);
  }, 30_000);
});
