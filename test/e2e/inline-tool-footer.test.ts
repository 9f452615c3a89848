/**
 * The "Experiment not started" footer belongs to the approval tool's outcome alone. Any other
 * inline call the bot answers with an error (a tool this conversation does not offer) resumes the
 * agent, whose answer then ends like any other: with "Done".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/stand-ins/harness-emulator.ts';
import { answer, assistantText, resumedResult, usage } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, type Rig, startRig } from '../helpers/rig.ts';

/** The agent calls an inline function by name and waits for the bot's result. */
function inlineCall(name: string, input: Record<string, unknown>): Reply {
  return {
    steps: [
      { event: 'messageStart', data: { role: 'assistant' } },
      ...assistantText('Let me look that up.'),
      {
        event: 'contentBlockStart',
        data: {
          contentBlockIndex: 1,
          start: { toolUse: { toolUseId: 'tooluse_lookup_1', name, type: 'tool_use' } },
        },
      },
      {
        event: 'contentBlockDelta',
        data: { contentBlockIndex: 1, delta: { toolUse: { input: JSON.stringify(input) } } },
      },
      { event: 'contentBlockStop', data: { contentBlockIndex: 1 } },
      { event: 'messageStop', data: { stopReason: 'tool_use' } },
      usage(1200, 40),
    ],
  };
}

describe('footer after an inline call answered with an error', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 30_000);
  afterAll(async () => {
    await rig.close();
  });

  it('a non-approval inline tool resumed with an error ends with Done, not "Experiment not started"', async () => {
    rig.harness.enqueue(inlineCall('lookup_runbook', { service: 'checkout' }));
    rig.harness.enqueue(
      answer('That tool is not available here; from the cluster data alone, checkout looks fine.'),
    );
    const root = await commandRoot(rig, { command: '/assess', text: 'eks footer-cluster' });
    // Whatever footer the answer ends with ("Done in …" or "… answered in …").
    await rig.slack.waitFor(
      () =>
        rig.slack.replies(CHANNEL, root.ts).some((m) => /(Done|answered) in/.test(JSON.stringify(m.blocks))),
      15_000,
      'the answer to end',
    );
    const replies = rig.slack.replies(CHANNEL, root.ts);
    const resume = rig.harness.invocations.at(-1)!;
    expect(resumedResult(resume)).toMatchObject({ decision: 'error' });
    const last = JSON.stringify(replies.at(-1)!.blocks);
    expect(last).toMatch(/Done in/);
    expect(last).not.toContain('Experiment not started');
  }, 30_000);
});
