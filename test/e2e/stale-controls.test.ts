/**
 * A Stop button left on a reply whose run ended without its final edit (here: Slack refused every
 * edit of the run, so the answer went out as plain messages) does not stay live: clicking it says
 * nothing is running and takes the button off that reply, keeping what the reply showed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_STOP_RUN } from '../../src/slack/blocks.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, type Rig, startRig, USER } from '../helpers/rig.ts';

const OUTAGE = 30;
const hasStop = (blocks: unknown[] | undefined) =>
  JSON.stringify(blocks ?? []).includes(`"${ACTION_STOP_RUN}"`);

describe('stale run controls', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 30_000);
  afterAll(async () => {
    rig.slack.clearFailures('conversations.replies');
    await rig.close();
  });

  it('a Stop button left by an edit outage is removed when clicked, and the person is told', async () => {
    rig.harness.enqueue(answer('The answer that had to go out as plain text.', { delayMs: 400 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks outage' });
    const working = await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => hasStop(m.blocks)),
      5_000,
      'the live reply with Stop',
    );
    rig.slack.failNext('chat.update', 'internal_error', OUTAGE);
    // The bot also removes such a button by itself once Slack takes edits again (see
    // edit-outage-controls.test.ts); here it cannot read the thread, so only the click is left.
    rig.slack.failNext('conversations.replies', 'internal_error', 1_000);
    await rig.slack.waitFor(
      () =>
        rig.slack.replies(CHANNEL, root.ts).some((m) => m.ts !== working.ts && m.text.includes('plain text')),
      20_000,
      'the plain-text fallback',
    );
    // The outage ends: the forced failures the bot did not use up are spent through the public Web API.
    const used = rig.slack.callsTo('chat.update').filter((c) => c.error === 'internal_error').length;
    for (let i = used; i < OUTAGE; i++)
      await fetch(`${rig.slack.apiUrl}chat.update`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rig.slack.botToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: CHANNEL, ts: working.ts, text: 'spent' }),
      });
    expect(hasStop(rig.slack.replies(CHANNEL, root.ts).find((m) => m.ts === working.ts)!.blocks)).toBe(true);
    await new Promise((r) => setTimeout(r, 8_000)); // past the settling time after the run ended

    const before = rig.slack.ephemerals.length;
    await rig.slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: working.ts,
      actionId: ACTION_STOP_RUN,
    });
    const told = await rig.slack.waitFor(
      () => rig.slack.ephemerals.slice(before).find((e) => e.user === USER),
      5_000,
      'the answer to the click',
    );
    expect(told.text).toContain('Nothing is running');
    const after = await rig.slack.waitFor(
      () => {
        const m = rig.slack.replies(CHANNEL, root.ts).find((x) => x.ts === working.ts)!;
        return hasStop(m.blocks) ? undefined : m;
      },
      5_000,
      'the Stop button to be gone',
    );
    expect(JSON.stringify(after.blocks)).toContain('no longer running');
  }, 60_000);
});
