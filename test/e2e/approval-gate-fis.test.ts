/**
 * FIS as strict as AWS: experiments that fail or are cancelled with `state.error`, an Emergency stop
 * that arrives after the experiment ended, ids that exist only in their region, and approvals whose
 * template check was computed by an older version of the bot.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import {
  approvalId,
  cardJson,
  click,
  requestRun,
  resumeIn,
  TEMPLATE,
  threadText,
} from '../helpers/approval.ts';
import { APPROVER, CHANNEL, commandRoot, type Rig, startRig, USER } from '../helpers/rig.ts';

const APPROVAL_TAG = 'agentcore-slack-bot:approval-id';

describe('FIS states and errors in the thread', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      env: { FIS_APPROVAL_TTL_MINUTES: '1' },
      harness: { defaultScenario: fisExecuteAgent() },
    });
  });
  afterAll(async () => {
    await rig.close();
  });
  beforeEach(() => {
    rig.fis.clearStartFaults();
    rig.fis.templates.clear();
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  });

  const startApproved = async () => {
    const run = await requestRun(rig);
    await click(rig, APPROVER, run.card, 'fis_approve');
    const exp = await rig.slack.waitFor(
      () => rig.fis.started.find((e) => e.tags[APPROVAL_TAG] === approvalId(run.card)),
      15_000,
      'the experiment',
    );
    await rig.slack.waitFor(() => cardJson(rig, run.card).includes('fis_stop'), 15_000, 'running card');
    return { ...run, exp };
  };

  it('an experiment that fails on an invalid target: the thread says FIS failed it, the error code, where, and what to do', async () => {
    rig.fis.endNextExperiment({
      status: 'failed',
      reason: 'Target resolution failed.',
      error: { code: 'InvalidTarget', location: 'targets.checkoutInstances' },
    });
    const { root, card } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /resolved to no resource/.test(threadText(rig, root.ts)),
      20_000,
      `the failure explained in ${threadText(rig, root.ts).slice(-600)}`,
    );
    const thread = threadText(rig, root.ts);
    expect(thread).toContain('*failed*');
    expect(thread).toContain('targets.checkoutInstances');
    expect(thread).toContain('InvalidTarget');
    expect(cardJson(rig, card)).not.toContain('fis_stop');
  }, 60_000);

  it('an experiment failing on its configuration and one cancelled by FIS are each explained', async () => {
    rig.fis.endNextExperiment({
      status: 'failed',
      reason: 'The action parameters are not valid.',
      error: { code: 'ConfigurationFailure', location: 'actions.stopInstances' },
      afterRunningMs: 300,
    });
    const a = await requestRun(rig);
    await click(rig, APPROVER, a.card, 'fis_approve');
    await rig.slack.waitFor(
      () => /check `actions\.stopInstances` and its parameters/.test(threadText(rig, a.root.ts)),
      20_000,
      'the configuration failure',
    );
    expect(threadText(rig, a.root.ts)).toContain(
      'FIS error `ConfigurationFailure` at `actions.stopInstances`',
    );

    rig.fis.endNextExperiment({ status: 'cancelled', reason: 'Experiment was cancelled.' });
    const b = await requestRun(rig);
    await click(rig, APPROVER, b.card, 'fis_approve');
    await rig.slack.waitFor(
      () => /cancelled by FIS/.test(threadText(rig, b.root.ts)),
      20_000,
      'the cancellation',
    );
    expect(threadText(rig, b.root.ts)).toMatch(
      /\*cancelled\*: cancelled by FIS \(Experiment was cancelled\.\)/,
    );
  }, 90_000);

  it('Emergency stop after the experiment already ended says it ended (re-read from FIS), not that FIS refused the stop', async () => {
    const { card, exp } = await startApproved();
    rig.fis.endExperiment(exp.id, { status: 'completed', reason: 'Experiment completed.' });
    const value = (rig.slack.message(CHANNEL, card.ts)!.blocks as typeof card.blocks)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'fis_stop')!.value!;
    await rig.slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'fis_stop',
      value,
    });
    const told = await rig.slack.waitFor(
      () => rig.slack.ephemerals.filter((e) => e.user === USER).at(-1),
      10_000,
      'the answer to the stop',
    );
    expect(told.text).toMatch(/already ended.*completed/);
    expect(told.text).not.toMatch(/did not accept/);
    await rig.slack.waitFor(() => cardJson(rig, card).includes('completed'), 10_000, 'card shows completed');
  }, 60_000);

  it('a template that exists only in another region is not found in the region asked for', async () => {
    rig.fis.templates.clear();
    rig.fis.addTemplate(sampleTemplate(TEMPLATE), 'us-west-2');
    const root = await commandRoot(rig, { command: '/fis', text: `run ${TEMPLATE} us-east-1` });
    await rig.slack.waitFor(
      () => threadText(rig, root.ts).includes(`does not exist in us-east-1`),
      15_000,
      'not found in us-east-1',
    );
    expect(threadText(rig, root.ts)).not.toContain('fis_approve');
  }, 60_000);

  it('an approval whose template check was computed by another version of the bot fails closed with a clear message', async () => {
    const { root, card, session } = await requestRun(rig);
    // As if the card was posted by the previous release, whose fingerprint scheme differs.
    await rig.bot.gate!.approvals.patchApproval(approvalId(card), { fingerprintScheme: 'fis-template/v0' });
    const starts = rig.fis.calls.filter((c) => c.op === 'StartExperiment').length;
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /upgraded/.test(threadText(rig, root.ts)),
      15_000,
      'the fail-closed message',
    );
    expect(threadText(rig, root.ts)).toMatch(/request approval again/i);
    expect(cardJson(rig, card)).not.toContain('fis_stop');
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent told');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'denied' });
    expect(rig.fis.calls.filter((c) => c.op === 'StartExperiment').length).toBe(starts);
  }, 60_000);
});
