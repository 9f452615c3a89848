/**
 * Starting an approved FIS experiment when FIS misbehaves: a lost reply, a template edited between the
 * bot's re-read and the start, a shutdown while the start is in flight, a refused start. Whatever
 * happens, the card reaches a true state, the agent hears the truth, and no experiment runs unmanaged.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import {
  type Card,
  cardJson,
  click,
  experimentsOf,
  requestRun,
  resumeIn,
  startFisRig,
  stopRequested,
  TEMPLATE,
  threadText,
} from '../helpers/approval.ts';
import { APPROVER, type Rig } from '../helpers/rig.ts';

describe('starting an approved experiment', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startFisRig('1');
  });
  afterAll(async () => {
    await rig.close();
  });
  beforeEach(() => {
    rig.fis.clearStartFaults();
    rig.fis.templates.clear();
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  });

  /** Every experiment FIS holds for this card is shown on it with a way to stop it, or has ended. */
  const managed = (card: Card) =>
    experimentsOf(rig, card).every(
      (e) =>
        ['stopping', 'stopped', 'completed', 'failed', 'cancelled'].includes(e.state.status) ||
        (cardJson(rig, card).includes(e.id) && cardJson(rig, card).includes('fis_stop')),
    );

  it('a lost reply (FIS created it, every retry answered 5xx): the card shows it running with Emergency stop and the agent is told it started', async () => {
    rig.fis.failStart({
      createFirst: true,
      replyError: {
        status: 500,
        type: 'InternalServerException',
        message: 'We encountered an internal error.',
      },
      times: Number.POSITIVE_INFINITY,
    });
    const { root, card, session } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => experimentsOf(rig, card).length > 0,
      15_000,
      'FIS to create the experiment',
    );
    const exp = experimentsOf(rig, card)[0]!;
    await rig.slack.waitFor(
      () => cardJson(rig, card).includes(exp.id) && cardJson(rig, card).includes('fis_stop'),
      20_000,
      `the card to show ${exp.id} running, not ${cardJson(rig, card).slice(0, 400)}`,
    );
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent to be resumed');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'approved', experimentId: exp.id });
    expect(cardJson(rig, card)).not.toContain('could not start');
    expect(threadText(rig, root.ts)).toContain(`Experiment \`${exp.id}\` started`);
    expect(experimentsOf(rig, card)).toHaveLength(1);
    expect(managed(card)).toBe(true);
  }, 60_000);

  it('a template edited between the re-read and the start: the bot stops what FIS started at once and says what differed', async () => {
    rig.fis.failStart({
      beforeCreate: () =>
        rig.fis.updateTemplate(TEMPLATE, {
          targets: {
            checkoutInstances: {
              ...sampleTemplate().targets.checkoutInstances,
              resourceType: 'aws:ec2:instance',
              selectionMode: 'ALL',
            },
          },
        }),
    });
    const { root, card, session } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(() => experimentsOf(rig, card).length > 0, 15_000, 'the start');
    const exp = experimentsOf(rig, card)[0]!;
    await rig.slack.waitFor(() => stopRequested(rig, exp.id), 15_000, 'the bot to stop the experiment');
    await rig.slack.waitFor(
      () => /not what was approved/.test(threadText(rig, root.ts)),
      15_000,
      'the thread to say so',
    );
    const thread = threadText(rig, root.ts);
    expect(thread).toContain('selectionMode');
    expect(thread).toContain('COUNT(1)');
    expect(thread).toContain('ALL');
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent to be resumed');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'stopped', experimentId: exp.id });
    expect(['stopping', 'stopped']).toContain(exp.state.status);
    expect(cardJson(rig, card)).not.toContain('fis_stop');
  }, 60_000);

  it('a shutdown while StartExperiment is in flight waits for it: the card shows the experiment, and the next bot resumes the agent', async () => {
    rig.fis.failStart({ delayMs: 1_500 });
    const { card, session } = await requestRun(rig);
    const calls = rig.fis.calls.length;
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => rig.fis.calls.slice(calls).some((c) => c.op === 'StartExperiment'),
      15_000,
      'StartExperiment in flight',
    );
    await rig.restartBot();
    // The stop returned only after the start was recorded: the card already says so.
    const exp = experimentsOf(rig, card)[0]!;
    expect(exp).toBeDefined();
    expect(cardJson(rig, card)).toContain(exp.id);
    expect(cardJson(rig, card)).toContain('fis_stop');
    await rig.slack.waitFor(() => resumeIn(rig, session), 20_000, 'the agent to be resumed');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'approved', experimentId: exp.id });
  }, 60_000);

  it('a refused start (quota): FIS confirms nothing exists, the card and the thread say why, and the agent is told', async () => {
    rig.fis.failStart({
      refuse: {
        status: 402,
        type: 'ServiceQuotaExceededException',
        message: 'You have exceeded your service quota for concurrent experiments.',
      },
    });
    const { root, card, session } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /quota/i.test(threadText(rig, root.ts)) && /not started/i.test(cardJson(rig, card)),
      20_000,
      'the refusal explained',
    );
    expect(threadText(rig, root.ts)).toMatch(/running experiments|quota increase/i);
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent to be resumed');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'error' });
    expect(experimentsOf(rig, card)).toHaveLength(0);
  }, 60_000);
});

describe('when FIS cannot even be asked', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startFisRig('0.1');
  });
  afterAll(async () => {
    await rig.close();
  });

  it('nothing is concluded while FIS does not answer: the card says so, the agent waits; once FIS answers the card and agent get the truth', async () => {
    const down = { status: 503, type: 'ServiceUnavailableException', message: 'Service unavailable.' };
    rig.fis.failStart({ createFirst: true, replyError: down, times: Number.POSITIVE_INFINITY });
    rig.fis.failOperation('ListExperiments', down, Number.POSITIVE_INFINITY);
    const { root, card, session } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /did not confirm whether it started/.test(threadText(rig, root.ts)),
      20_000,
      'the thread to hear that FIS did not confirm',
    );
    expect(cardJson(rig, card)).toContain('start not confirmed yet');
    expect(cardJson(rig, card)).not.toMatch(/not started|could not start/);
    expect(resumeIn(rig, session)).toBeUndefined();
    // FIS answers again: the sweep finds the experiment by its tag.
    rig.fis.clearStartFaults();
    const exp = experimentsOf(rig, card)[0]!;
    // The rig's experiments run 3 s, so by now it may have completed: the card shows its true state.
    await rig.slack.waitFor(
      () => cardJson(rig, card).includes(`\`${exp.id}\` is *${exp.state.status}*`),
      20_000,
      'the card to show the experiment and its state',
    );
    expect(cardJson(rig, card).includes('fis_stop')).toBe(exp.state.status === 'running');
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent to be resumed');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'approved', experimentId: exp.id });
  }, 60_000);
});
