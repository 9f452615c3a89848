/**
 * Open Home tabs follow approvals that change without a click, whichever replica sees the change:
 * an approval that expires leaves the approvers' tabs, and an experiment that ends leaves the
 * "running now" list (and its Emergency stop). In each test the replica that drew the tab is gone
 * before the change, so the other replica's sweep redraws it from the shared store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { homeText, type ReplicaRig, startAgentReplicas } from '../helpers/agent-app.ts';
import { cardNow, click, requestRun, TEMPLATE } from '../helpers/approval.ts';
import { APPROVER, GROUP_MEMBER } from '../helpers/rig.ts';

async function replicas(ttlMinutes: string): Promise<ReplicaRig> {
  const rig = await startAgentReplicas({
    harness: { defaultScenario: fisExecuteAgent() },
    env: { FIS_APPROVAL_TTL_MINUTES: ttlMinutes },
  });
  rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  return rig;
}

describe('Home tabs redrawn when an approval changes by itself, across replicas', () => {
  let rig: ReplicaRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('an approval that expires leaves the approver’s open Home tab', async () => {
    rig = await replicas('0.1'); // 6 s
    const r = rig;
    r.slack.pinned = 0;
    await requestRun(r);
    await r.slack.agents.openHome(APPROVER);
    await r.slack.waitFor(() => homeText(r, APPROVER).includes(TEMPLATE), 10_000, 'the approval on the tab');
    await r.stopFirst();
    r.slack.pinned = undefined;
    await r.slack.waitFor(
      () => homeText(r, APPROVER).includes('No FIS experiment is waiting for your approval'),
      20_000,
      'the expired approval gone from the approver’s tab',
    );
    expect(homeText(r, APPROVER)).not.toContain('Open the approval card');
  }, 60_000);

  it('an experiment that ends leaves “running now” and its Emergency stop on an approver’s open tab (the requester’s follows their run anyway)', async () => {
    rig = await replicas('0.5'); // sweeps every 6 s
    const r = rig;
    r.slack.pinned = 0;
    const { card } = await requestRun(r);
    await click(r, GROUP_MEMBER, card, 'fis_approve');
    await r.slack.waitFor(
      () => JSON.stringify(cardNow(r, card).blocks).includes('fis_stop'),
      15_000,
      'the running card',
    );
    await r.slack.agents.openHome(APPROVER);
    await r.slack.waitFor(
      () => homeText(r, APPROVER).includes('home_emergency_stop'),
      10_000,
      'the running experiment on the tab',
    );
    await r.stopFirst();
    r.slack.pinned = undefined;
    await r.slack.waitFor(
      () => homeText(r, APPROVER).includes('No FIS experiment is running'),
      30_000,
      'the ended experiment gone from the tab',
    );
    expect(homeText(r, APPROVER)).not.toContain('home_emergency_stop');
  }, 90_000);
});
