/**
 * A Slack edit outage at the end of a run: the final edit cannot be made, the answer goes out as new
 * messages, and the old "Working…" message would keep a live Stop button for a run that ended. Once
 * Slack takes edits again, the button is removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { CHANNEL, commandRoot, type Rig, startRig } from '../helpers/rig.ts';

const hasStop = (m: { blocks?: unknown[] } | undefined) =>
  JSON.stringify(m?.blocks ?? []).includes('stop_run');

describe('Stop button after an edit outage', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 30_000);
  afterAll(async () => {
    rig.slack.clearFailures('chat.update');
    await rig.close();
  });

  it('the old reply loses its Stop button when Slack takes edits again', async () => {
    rig.harness.enqueue(answer('The node group is healthy. '.repeat(40), { chunk: 20, delayMs: 60 }));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks outage-edits' });
    const working = await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => hasStop(m) && m.text.includes('node group')),
      10_000,
      'the working reply with text and Stop',
    );
    rig.slack.failNext('chat.update', 'internal_error', 10_000);
    // The answer still arrives, as new messages with the result footer.
    await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, root.ts)
          .some((m) => m.ts !== working.ts && /Done in/.test(JSON.stringify(m.blocks ?? []))),
      20_000,
      'the answer posted as new messages',
    );
    expect(hasStop(rig.slack.message(CHANNEL, working.ts))).toBe(true);
    rig.slack.clearFailures('chat.update');
    await rig.slack.waitFor(
      () => !hasStop(rig.slack.message(CHANNEL, working.ts)),
      30_000,
      'the Stop button to be removed',
    );
    // Everything else on the message stays as it was.
    expect(rig.slack.message(CHANNEL, working.ts)!.text).toContain('node group');
  }, 60_000);
});
