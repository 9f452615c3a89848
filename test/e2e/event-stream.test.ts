/**
 * The harness event stream as the service sends it, beyond the plain answer: a contentBlockIndex
 * reused for a second tool in one message, lifecycle hooks denying with a reason, reasoning that
 * must never be shown but must be replayed on resume, and toolResult metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/stand-ins/harness-emulator.ts';
import {
  answer,
  assistantText,
  hookDeniedTool,
  reasoning,
  toolsReusingIndex,
  usage,
} from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, finalReplies, type Rig, startRig } from '../helpers/rig.ts';

async function run(rig: Rig, text: string, ...replies: Reply[]) {
  return runUntil(rig, text, (ts) => finalReplies(rig, CHANNEL, ts), ...replies);
}

async function runUntil(
  rig: Rig,
  text: string,
  done: (threadTs: string) => Promise<unknown>,
  ...replies: Reply[]
) {
  for (const r of replies) rig.harness.enqueue(r);
  const root = await commandRoot(rig, { command: '/assess', text });
  await done(root.ts);
  const replies_ = rig.slack.replies(CHANNEL, root.ts);
  const final = replies_.map((m) => JSON.stringify(m.blocks)).join('\n');
  const everything = replies_.flatMap((m) => m.versions.map((v) => JSON.stringify(v.blocks))).join('\n');
  return { final, everything };
}

describe('event stream details', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('keys tool blocks by toolUseId: a reused contentBlockIndex loses no tool call', async () => {
    const { final, everything } = await run(
      rig,
      'eks cluster-idx us-west-2',
      answer('All three checks passed.', {
        tools: [
          toolsReusingIndex(
            [
              { command: 'kubectl get nodes', output: 'ip-10-0-1-5 Ready' },
              { command: 'kubectl get pods -A', output: 'RUNNING' },
              { command: 'aws eks describe-cluster --name cluster-idx', output: '{}' },
            ],
            400,
          ),
        ],
      }),
    );
    for (const c of [
      'kubectl get nodes',
      'kubectl get pods -A',
      'aws eks describe-cluster --name cluster-idx',
    ])
      expect(everything).toContain(c);
    expect(final).toContain('3 tool calls');
    expect(final).toContain('All three checks passed.');
    // Tool output and the harness's result metadata stay out of the thread.
    expect(everything).not.toContain('durationMs');
    expect(everything).not.toContain('RUNNING');
  });

  it('shows a hook’s denial of a tool call in the thread, with the hook and its reason', async () => {
    const { final } = await run(
      rig,
      'eks cluster-hook us-west-2',
      answer('I could not start the experiment, so nothing was changed.', {
        tools: [
          hookDeniedTool('aws fis start-experiment --experiment-template-id EXT1', {
            name: 'fis_guard',
            reason: 'FIS mutations need an approved record in the bot table',
          }),
        ],
      }),
    );
    expect(final).toContain('fis_guard');
    expect(final).toContain('FIS mutations need an approved record in the bot table');
    expect(final).toContain('blocked a tool call');
    expect(final).toContain('nothing was changed');
  });

  it('explains a run a hook stopped, naming the hook and its reason', async () => {
    const { final } = await run(rig, 'eks cluster-stop-hook us-west-2', {
      steps: [
        {
          event: 'hookEvent',
          data: {
            hookEventId: '7d1f0c2a-1b2c-4d3e-8f90-123456789abc',
            name: 'change_freeze',
            type: 'before_invocation',
            decision: 'deny',
            reason: 'Change freeze until Monday 09:00 UTC',
          },
        },
        { event: 'messageStart', data: { role: 'assistant' } },
        { event: 'messageStop', data: { stopReason: 'hook_stopped' } },
        usage(10, 0),
      ],
    });
    expect(final).toContain('change_freeze');
    expect(final).toContain('Change freeze until Monday 09:00 UTC');
    expect(final).toContain('Ended early in');
  });

  it('never shows reasoning, and replays it intact (text and signature) when the turn resumes', async () => {
    const secret = 'THINKING: the user probably wants the runbook for node pressure';
    const paused: Reply = {
      steps: [
        { event: 'messageStart', data: { role: 'assistant' } },
        ...reasoning(secret, 'c2lnbmF0dXJlLW9mLXRoZS10aGlua2luZw==', 0),
        ...assistantText('Let me look up the runbook.', { index: 1 }),
        {
          event: 'contentBlockStart',
          data: {
            contentBlockIndex: 2,
            start: { toolUse: { toolUseId: 'tooluse_runbook_1', name: 'lookup_runbook', type: 'tool_use' } },
          },
        },
        {
          event: 'contentBlockDelta',
          data: { contentBlockIndex: 2, delta: { toolUse: { input: '{"topic":"nodes"}' } } },
        },
        { event: 'contentBlockStop', data: { contentBlockIndex: 2 } },
        { event: 'messageStop', data: { stopReason: 'tool_use' } },
        usage(100, 20),
      ],
    };
    const { final, everything } = await runUntil(
      rig,
      'eks cluster-think us-west-2',
      (ts) =>
        rig.slack.waitFor(
          () =>
            rig.slack
              .replies(CHANNEL, ts)
              .some(
                (m) =>
                  m.text.includes('drain the node') || /rejected the request/.test(JSON.stringify(m.blocks)),
              ),
          15_000,
          'the resumed answer',
        ),
      paused,
      answer('Without the runbook tool: drain the node, then check kubelet logs.'),
    );
    expect(final).toContain('drain the node');
    expect(final).not.toContain('AgentCore rejected the request');
    expect(everything).not.toContain('THINKING');
    const resume = rig.harness.invocations.at(-1)!;
    expect(JSON.stringify(resume.body.messages[0])).toContain('c2lnbmF0dXJlLW9mLXRoZS10aGlua2luZw==');
  });
});
