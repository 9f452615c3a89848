/**
 * FIS creates the experiment late: after the bot looked it up by its approval tag, found nothing and
 * reported "not started" (issue 12, item 1). The late-start sweep finds it by the tag, stops it at
 * once, puts it on the card and in the thread with the reason, and tells the agent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cardJson,
  click,
  experimentsOf,
  requestRun,
  resumeIn,
  startFisRig,
  stopRequested,
  threadText,
} from '../helpers/approval.ts';
import { APPROVER, type Rig } from '../helpers/rig.ts';

describe('an experiment FIS creates after the bot reported it not started', () => {
  let rig: Rig;
  beforeAll(async () => {
    // A short TTL makes the sweep run about every second.
    rig = await startFisRig('0.1');
  });
  afterAll(async () => {
    await rig.close();
  });

  it('is stopped at once, shown on the card and in the thread with the reason, and the agent is told', async () => {
    // Every StartExperiment attempt answers 500 at once; FIS creates the experiment 4 s later.
    rig.fis.failStart({ createLateMs: 4_000, times: Number.POSITIVE_INFINITY });
    const { root, card, session } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    // First the bot concludes, truthfully at that moment, that nothing was started.
    await rig.slack.waitFor(
      () => /not started/i.test(cardJson(rig, card)),
      15_000,
      'the card to say not started',
    );
    expect(experimentsOf(rig, card)).toHaveLength(0);
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent to hear "not started"');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'error' });
    rig.fis.clearStartFaults();

    // Then FIS creates it.
    const exp = await rig.slack.waitFor(
      () => experimentsOf(rig, card)[0],
      15_000,
      'FIS to create the experiment late',
    );
    await rig.slack.waitFor(
      () => stopRequested(rig, exp.id),
      15_000,
      'the sweep to stop the late experiment',
    );
    expect(['stopping', 'stopped']).toContain(exp.state.status);
    await rig.slack.waitFor(
      () =>
        cardJson(rig, card).includes(exp.id) &&
        /after the bot had reported it not started/.test(cardJson(rig, card)),
      15_000,
      `the card to show ${exp.id}, not ${cardJson(rig, card).slice(0, 300)}`,
    );
    expect(cardJson(rig, card)).toContain('the bot stopped it at once');
    expect(cardJson(rig, card)).not.toContain('fis_stop');
    await rig.slack.waitFor(
      () => /\*after\* the bot had reported it not started/.test(threadText(rig, root.ts)),
      15_000,
      'the thread to say so',
    );
    const thread = threadText(rig, root.ts);
    expect(thread).toContain(
      `FIS created experiment \`${exp.id}\` for this approval *after* the bot had reported it not started`,
    );
    expect(thread).toMatch(/stopped it at once/);
    // The agent hears it in its own session, and answers in the thread.
    const told = await rig.slack.waitFor(
      () =>
        rig.harness.invocations.find(
          (i) => i.sessionId === session && JSON.stringify(i.body).includes('created by FIS late'),
        ),
      20_000,
      'the agent to be told',
    );
    expect(JSON.stringify(told.body)).toContain(exp.id);
    await rig.slack.waitFor(
      () => threadText(rig, root.ts).includes(`Correction: FIS created experiment \`${exp.id}\` late`),
      20_000,
      'the agent’s answer in the thread',
    );
    // Exactly one experiment for the approval, and it is not running.
    expect(experimentsOf(rig, card)).toHaveLength(1);
  }, 90_000);
});
