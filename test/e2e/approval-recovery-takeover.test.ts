/**
 * The recovery watch belongs to the approval record, not to the replica that saw the experiment end:
 * bot A starts the experiment and begins watching when it ends, then stops; bot B (same data) takes the
 * watch over once A's claim lapses and posts the verdict, exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { approvalId, click, requestRun, TEMPLATE, threadText } from '../helpers/approval.ts';
import { APPROVER, CHANNEL, type Rig, resetWorld, STOP_ALARM, startRig } from '../helpers/rig.ts';

describe('recovery watch across replicas', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      // 12 s to recover, so the watch outlives bot A; a 2 s claim, so B takes over soon after A stops.
      env: { FIS_RECOVERY_MINUTES: '0.2', FIS_APPROVAL_TTL_MINUTES: '1', LEASE_SECONDS: '2' },
      harness: { defaultScenario: fisExecuteAgent() },
    });
    rig.fis.templates.clear();
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
    resetWorld(rig);
  });
  afterAll(async () => {
    await rig.close();
  });

  it('bot A stops mid-watch; bot B posts the verdict once', async () => {
    const { root, card } = await requestRun(rig);
    const id = approvalId(card);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /started from template/.test(threadText(rig, root.ts)),
      15_000,
      'the start',
    );
    rig.cloudwatch.setAlarmState(STOP_ALARM, 'ALARM', 'Threshold Crossed: errors during the experiment');
    await rig.slack.waitFor(() => /is \*completed\*/.test(threadText(rig, root.ts)), 15_000, 'the end');
    const record = () => rig.bot.gate!.approvals.getApproval(id);
    for (let i = 0; i < 100 && (await record())?.recovery?.status !== 'watching'; i++)
      await new Promise((r) => setTimeout(r, 100));
    const watcherA = (await record())?.recovery?.owner;
    expect(watcherA).toBeDefined();
    await rig.restartBot();
    rig.cloudwatch.setAlarmState(STOP_ALARM, 'OK', 'Threshold not crossed');
    await rig.slack.waitFor(() => /Recovered:/.test(threadText(rig, root.ts)), 30_000, 'the verdict');
    const rec = await record();
    expect(rec?.recovery?.status).toBe('recovered');
    // Settled by bot B, not by A's watch living on after A stopped.
    expect(rec?.recovery?.owner).toBeDefined();
    expect(rec?.recovery?.owner).not.toBe(watcherA);
    // A few more sweeps: no second verdict from anyone.
    await new Promise((r) => setTimeout(r, 3_000));
    const verdicts = rig.slack
      .replies(CHANNEL, root.ts)
      .map((m) => m.text)
      .filter((t) =>
        /^:(white_check_mark|sos|grey_question): .*(Recovered:|Not recovered:|cannot be verified)/.test(t),
      );
    expect(verdicts).toEqual([expect.stringMatching(/Recovered/)]);
    expect(verdicts[0]).toMatch(/^:white_check_mark: \*Recovered:\*/);
  }, 90_000);
});
