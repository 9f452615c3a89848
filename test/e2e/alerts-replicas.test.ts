/**
 * Alarm episodes hold across replicas (issue 19): two bots on one store, each receiving some of the
 * same alarm's notifications at the same moment (a flapping alarm, a notifier posting twice), produce
 * one note; a click on either replica starts one investigation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/bot.ts';
import { postAppMessage } from '../../src/stand-ins/alert-sender.ts';
import type { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import type { HarnessEmulator } from '../../src/stand-ins/harness-emulator.ts';
import { answer } from '../../src/stand-ins/scenarios.ts';
import { type SharedStand, startReplicas, startSharedStand } from '../helpers/replicas.ts';
import { CHANNEL, USER } from '../helpers/rig.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/alerts', name), 'utf8'));

describe('alarm episodes across replicas', () => {
  let stand: SharedStand;
  let slack: FakeSlack;
  let harness: HarnessEmulator;
  let bots: RunningBot[] = [];

  beforeAll(async () => {
    stand = await startSharedStand([{ id: USER, name: 'alice' }]);
    ({ slack, harness } = stand);
    bots = await startReplicas(stand);
  }, 60_000);

  afterAll(async () => {
    for (const b of bots) await b.stop(0);
    await stand?.close();
  });

  it('the same alarm arriving at both replicas at once gets one note, and one click starts one run', async () => {
    const message = fixture('amazon-q-alarm.json');
    // Round robin: consecutive deliveries go to alternate replicas, all at once.
    const posted = await Promise.all([0, 1, 2, 3].map(() => postAppMessage(slack, message, CHANNEL)));
    await new Promise((r) => setTimeout(r, 1500));
    const notes = slack.messages.filter(
      (m) => m.botId === slack.botId && JSON.stringify(m.blocks ?? []).includes('alert_investigate'),
    );
    expect(notes).toHaveLength(1);
    const opened = posted.find((p) => p.ts === notes[0]!.threadTs)!;
    expect(opened).toBeDefined();

    harness.enqueue(answer('One investigation.'));
    // Two clicks, one per replica.
    await Promise.all([
      slack.clickButton({
        user: USER,
        channel: CHANNEL,
        messageTs: notes[0]!.ts,
        actionId: 'alert_investigate',
      }),
      slack.clickButton({
        user: USER,
        channel: CHANNEL,
        messageTs: notes[0]!.ts,
        actionId: 'alert_investigate',
      }),
    ]);
    await slack.waitFor(
      () => slack.replies(CHANNEL, opened.ts).some((m) => m.text.includes('One investigation.')),
      10_000,
      'the investigation',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(harness.invocations).toHaveLength(1);
    expect(slack.ephemerals.some((e) => e.user === USER && /already being investigated/.test(e.text))).toBe(
      true,
    );
  });
});
