/**
 * A Slack Connect channel started by another workspace: Slack puts that workspace in the event
 * envelope's `team_id` and the installation (whose token the bot acts with, whose rate limits its
 * calls draw on) in `authorizations[0].team_id` (see the Slack SDK maintainers' note in
 * slackapi/bolt-js#687). A run started there belongs to the installation's workspace, so the Stop
 * button (whose payload names the installation's workspace) finds it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantText } from '../../src/stand-ins/scenarios.ts';
import { type Rig, startRig, USER } from '../helpers/rig.ts';

const SHARED = 'C0CONNECT1';

describe('a run in a Slack Connect channel', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
    rig.slack.addUser({ id: USER, name: 'alice' });
    rig.slack.addChannel({
      id: SHARED,
      name: 'shared-with-partner',
      members: [rig.slack.botUserId, USER],
      sharedFrom: 'T0PARTNER9',
    });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('belongs to the installation’s workspace: Stop finds and stops it', async () => {
    rig.harness.enqueue({
      steps: [
        { event: 'messageStart', data: { role: 'assistant' } },
        ...assistantText('Looking at the shared service…'),
        { hang: true },
      ],
    });
    const n = rig.harness.invocations.length;
    const { ts } = await rig.slack.userMessage({
      user: USER,
      channel: SHARED,
      text: `<@${rig.slack.botUserId}> why is checkout slow?`,
    });
    const inv = await rig.slack.waitFor(() => rig.harness.invocations[n], 10_000, 'the run to start');
    const reply = await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(SHARED, ts)
          .find((m) => m.text.includes('Looking') && JSON.stringify(m.blocks ?? []).includes('stop_run')),
      10_000,
      'the answer streaming with its Stop button',
    );
    const value = (reply.blocks as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'stop_run')!.value!;
    await rig.slack.clickButton({
      user: USER,
      channel: SHARED,
      messageTs: reply.ts,
      actionId: 'stop_run',
      value,
    });
    await rig.slack.waitFor(() => inv.agentEndedAt !== undefined, 10_000, 'the agent to stop');
    await rig.slack.waitFor(
      () => JSON.stringify(rig.slack.message(SHARED, reply.ts)?.blocks ?? []).includes('Stopped by'),
      10_000,
      'the reply to say who stopped it',
    );
    expect(rig.slack.ephemerals.filter((e) => e.channel === SHARED)).toEqual([]);
  }, 40_000);
});
