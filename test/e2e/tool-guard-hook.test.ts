/**
 * The harness tool guard end to end: the harness emulator runs the real guard Lambda handler
 * (deploy/lambda/tool-guard) as a before_tool_call hook the way AgentCore's lifecycle-hooks page
 * describes (documented payload, a deny skips the tool and the loop goes on, a hookEvent carries the
 * decision and reason), and the thread shows what was refused and why, through the real Bolt app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as toolGuard } from '../../deploy/lambda/tool-guard/index.mjs';
import { answer, toolCall } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig } from '../helpers/rig.ts';

describe('tool guard hook on the harness', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      harness: {
        hooks: [
          {
            name: 'tool-guard',
            event: 'before_tool_call',
            lambda: toolGuard,
            failureMode: 'deny',
            timeoutSeconds: 5,
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  async function run(text: string) {
    const root = await commandRoot(rig, { command: '/assess', text });
    await finalReplies(rig, CHANNEL, root.ts);
    return rig.slack
      .replies(CHANNEL, root.ts)
      .map((m) => JSON.stringify(m.blocks))
      .join('\n');
  }

  it('refuses `aws fis start-experiment`: the thread names the refused command and the guard’s reason, and the run goes on', async () => {
    const start = 'aws fis start-experiment --experiment-template-id EXT1a2b3c4d5e6f7';
    rig.harness.enqueue(
      answer('The experiment was not started; it needs an approval in Slack.', {
        tools: [
          toolCall('shell', { command: 'aws fis list-experiments' }, '{"experiments": []}'),
          toolCall('shell', { command: start }, '{"experiment": {"id": "EXP1"}}'),
        ],
      }),
    );
    const thread = await run('eks cluster-guard us-west-2');
    // The hook saw the documented payload for each shell call, and only the start was denied.
    const calls = rig.harness.hookCalls.filter((c) => c.name === 'tool-guard');
    expect(calls.map((c) => c.applied)).toEqual(['allow', 'deny']);
    expect(calls[1]!.payload).toMatchObject({
      event: 'before_tool_call',
      name: 'tool-guard',
      harnessArn: rig.harness.harnessArn,
      context: { toolName: 'shell', toolType: 'builtin', toolInput: { command: start } },
    });
    // What a person sees: which hook, the refused command, the reason; and the agent's answer after it.
    expect(thread).toContain('tool-guard');
    expect(thread).toContain('aws fis start-experiment --experiment-template-id EXT1a2b3c4d5e6f7');
    expect(thread).toContain('human approves them in Slack');
    expect(thread).toContain('it needs an approval in Slack');
    // The skipped call counts as a failed step; the allowed one ran.
    expect(thread).toContain('2 tool calls, 1 failed');
  });

  it('renders an agent-made command safely in the denial line: no mention, link or broken code span', async () => {
    const nasty = 'aws s3 rm s3://b/k <!channel> `[x](https://evil.example)`';
    rig.harness.enqueue(answer('Done.', { tools: [toolCall('shell', { command: nasty }, 'deleted')] }));
    const thread = await run('eks cluster-nasty us-west-2');
    expect(rig.harness.hookCalls.at(-1)!.applied).toBe('deny');
    expect(thread).toContain('harness hook');
    expect(thread).not.toContain('<!channel>');
    expect(thread).not.toContain('](https://evil.example)');
  });
});

describe('a before_invocation hook that denies', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      harness: {
        hooks: [
          {
            name: 'change_freeze',
            event: 'before_invocation',
            lambda: () => ({ decision: 'deny', reason: 'Change freeze until Monday 09:00 UTC' }),
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('ends the thread clearly: which hook stopped the run and why, nothing from the agent', async () => {
    rig.harness.enqueue(answer('This answer must never be shown.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-freeze us-west-2' });
    await finalReplies(rig, CHANNEL, root.ts);
    const thread = rig.slack
      .replies(CHANNEL, root.ts)
      .map((m) => JSON.stringify(m.blocks))
      .join('\n');
    expect(rig.harness.hookCalls.at(-1)).toMatchObject({ name: 'change_freeze', applied: 'deny' });
    expect(thread).toContain('change_freeze');
    expect(thread).toContain('Change freeze until Monday 09:00 UTC');
    expect(thread).toContain('stopped this run');
    expect(thread).toContain('Ended early in');
    expect(thread).not.toContain('must never be shown');
  });
});
