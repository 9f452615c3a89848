/**
 * Stop clicked on a replica that does not own the run: the click's replica ends the agent's
 * session itself (StopRuntimeSession), so the agent stops at once instead of at the owner's next
 * lease renewal, and the owner, whose stream just ended, reports who stopped it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.ts';
import type { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import type { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { assistantText } from '../../src/stand-ins/scenarios.ts';
import { type SharedStand, startReplicas, startSharedStand } from '../helpers/replicas.ts';
import { CHANNEL, OTHER_USER, USER } from '../helpers/rig.ts';

describe('Stop from another replica', () => {
  let stand: SharedStand;
  let slack: FakeSlack;
  let harness: HarnessEmulator;
  let bots: RunningBot[] = [];

  beforeAll(async () => {
    stand = await startSharedStand([
      { id: USER, name: 'alice' },
      { id: OTHER_USER, name: 'bob' },
    ]);
    ({ slack, harness } = stand);
    bots = await startReplicas(stand, {
      // The owner renews its lease (and so would notice a recorded stop) only every 200 s.
      LEASE_SECONDS: '600',
      DUPLICATE_COMMAND_WINDOW_SECONDS: '0',
    });
  }, 60_000);

  afterAll(async () => {
    for (const b of bots) await b.stop(0);
    await stand?.close();
  });

  it('stops the agent at once and the owner’s reply shows who stopped it', async () => {
    harness.enqueue({
      steps: [
        { event: 'messageStart', data: { role: 'assistant' } },
        ...assistantText('Scanning every namespace…'),
        { hang: true },
      ],
    });
    slack.pinned = 0;
    await slack.slashCommand({
      command: '/assess',
      text: 'eks cluster-remote',
      user: USER,
      channel: CHANNEL,
    });
    const root = await slack.waitFor(() => slack.rootMessages(CHANNEL)[0], 5000, 'root');
    const reply = await slack.waitFor(
      () =>
        slack
          .replies(CHANNEL, root.ts)
          .find((m) => m.text.includes('Scanning') && JSON.stringify(m.blocks ?? []).includes('stop_run')),
      10_000,
      'the answer streaming on replica A',
    );
    const inv = harness.invocations.at(-1)!;
    const value = (reply.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'stop_run')!.value!;
    slack.pinned = 1;
    // The requester clicks, but the click reaches the other replica.
    await slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: reply.ts,
      actionId: 'stop_run',
      value,
    });
    slack.pinned = undefined;
    await slack.waitFor(() => inv.agentEndedAt !== undefined, 10_000, 'the agent to stop');
    expect(inv.stoppedBySession).toBe(true);
    await slack.waitFor(
      () => JSON.stringify(slack.message(CHANNEL, reply.ts)!.blocks).includes('Stopped by'),
      10_000,
      'the owner to show the stop',
    );
    const shown = JSON.stringify(slack.message(CHANNEL, reply.ts)!.blocks);
    expect(shown).toContain(`Stopped by <@${USER}>`);
    expect(shown).not.toContain('without a proper finish');
  }, 40_000);
});
