/**
 * The App Home and approver notifications, through the real Bolt app against the fake Slack: a
 * person's Home tab lists their runs (live state, links), redraws itself as their runs change, and
 * is drawn from the shared store (a restarted bot shows the same). Approvers get a DM with the card's
 * key facts, see the approval on their Home tab, and can stop a running experiment from there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { answer, fisExecuteAgent, toolCall } from '../../src/stand-ins/scenarios.ts';
import { homeText, homeVersions, startAgentRig } from '../helpers/agent-app.ts';
import { approvalId, cardNow, click, requestRun, TEMPLATE } from '../helpers/approval.ts';
import {
  APPROVER,
  CHANNEL,
  commandRoot,
  finalReplies,
  GROUP_MEMBER,
  OTHER_USER,
  type Rig,
  USER,
} from '../helpers/rig.ts';

describe('App Home: my runs', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startAgentRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('opening the tab shows my recent runs with links; nobody else’s', async () => {
    rig.harness.enqueue(answer('All good.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks home-one us-west-2' });
    await finalReplies(rig, CHANNEL, root.ts);
    expect(await rig.slack.agents.openHome(USER)).toBe(true);
    // Opened as the run's last write lands: the tab settles on the finished state by itself.
    await rig.slack.waitFor(
      () => homeText(rig, USER).includes('ready for follow-ups'),
      10_000,
      'the Home tab with the finished run',
    );
    const home = homeText(rig, USER);
    expect(home).toContain('home-one');
    expect(home).toContain(`archives/${CHANNEL}/p${root.ts.replace('.', '')}`);
    expect(home).toContain('How to use me');
    await rig.slack.agents.openHome(OTHER_USER);
    await rig.slack.waitFor(() => rig.slack.agents.homes.get(OTHER_USER), 10_000, 'the other Home tab');
    expect(homeText(rig, OTHER_USER)).not.toContain('home-one');
    expect(homeText(rig, OTHER_USER)).toContain('No runs yet');
  }, 30_000);

  it('updates by itself while a run of mine is in progress and after it ends', async () => {
    const before = homeVersions(rig, USER);
    rig.harness.enqueue(
      answer('Checked. '.repeat(20), {
        chunk: 20,
        delayMs: 30,
        tools: [toolCall('shell', { command: 'kubectl get nodes' }, 'ok', { delayMs: 800 })],
      }),
    );
    const root = await commandRoot(rig, { command: '/assess', text: 'eks home-two us-west-2' });
    await rig.slack.waitFor(
      () =>
        /home-two[^\]]*working/.test(homeText(rig, USER)) && homeText(rig, USER).includes('In progress* (1)'),
      10_000,
      'the run shown in progress',
    );
    await finalReplies(rig, CHANNEL, root.ts);
    await rig.slack.waitFor(
      () => homeText(rig, USER).includes('In progress* (0)'),
      10_000,
      'the run shown as finished',
    );
    expect(homeVersions(rig, USER)).toBeGreaterThan(before + 1);
  }, 30_000);

  it('lists the runs in progress across the workspace, anyone’s, with who asked', async () => {
    rig.harness.enqueue(
      answer('Looking. '.repeat(20), {
        chunk: 20,
        delayMs: 30,
        tools: [toolCall('shell', { command: 'kubectl get nodes' }, 'ok', { delayMs: 2000 })],
      }),
    );
    const root = await commandRoot(rig, {
      command: '/assess',
      text: 'eks home-theirs us-west-2',
      user: OTHER_USER,
    });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).length > 0,
      10_000,
      'the other person’s run to start',
    );
    await rig.slack.agents.openHome(USER);
    await rig.slack.waitFor(
      () => /In progress in the workspace[^\]]*\(1\)/.test(homeText(rig, USER)),
      10_000,
      'the workspace’s runs on my tab',
    );
    const home = homeText(rig, USER);
    expect(home).toMatch(/home-theirs[^"]*<@U0BOB0002>/);
    await finalReplies(rig, CHANNEL, root.ts);
  }, 30_000);

  it('is drawn from the shared store: a restarted bot shows the same runs', async () => {
    await rig.restartBot();
    const before = homeVersions(rig, USER);
    await rig.slack.agents.openHome(USER);
    await rig.slack.waitFor(() => homeVersions(rig, USER) > before, 10_000, 'a new Home tab');
    expect(homeText(rig, USER)).toContain('home-one');
    expect(homeText(rig, USER)).toContain('home-two');
  }, 30_000);
});

describe('approvals reach the approvers, and running experiments can be stopped from the Home tab', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startAgentRig({ harness: { defaultScenario: fisExecuteAgent() } });
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('each approver (groups expanded) gets a DM with the key facts and a link to the card; the requester does not', async () => {
    const { card } = await requestRun(rig);
    const dmOf = (user: string) => rig.slack.messages.filter((m) => m.channel === `D${user.slice(1)}`);
    await rig.slack.waitFor(
      () => dmOf(APPROVER).length > 0 && dmOf(GROUP_MEMBER).length > 0,
      10_000,
      'the approvers’ DMs',
    );
    const dm = JSON.stringify(dmOf(APPROVER)[0]!.blocks);
    expect(dm).toContain(TEMPLATE);
    expect(dm).toContain('us-east-1');
    expect(dm).toContain(`<@${USER}>`);
    expect(dm).toContain(`p${card.ts.replace('.', '')}`);
    expect(dmOf(USER)).toHaveLength(0);

    // The approver's Home tab lists it; someone who is no approver sees none.
    await rig.slack.agents.openHome(APPROVER);
    await rig.slack.waitFor(
      () => homeText(rig, APPROVER).includes(TEMPLATE),
      10_000,
      'the approval on the Home tab',
    );
    expect(homeText(rig, APPROVER)).toContain('Open the approval card');
    await rig.slack.agents.openHome(OTHER_USER);
    await rig.slack.waitFor(() => rig.slack.agents.homes.get(OTHER_USER), 10_000, 'the other Home tab');
    expect(homeText(rig, OTHER_USER)).toContain('No FIS experiment is waiting for your approval');

    // Approved and running: the Home tab offers the Emergency stop, which takes the card's stop path.
    await click(rig, GROUP_MEMBER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => JSON.stringify(cardNow(rig, card).blocks).includes('fis_stop'),
      10_000,
      'the running card',
    );
    // Decided: the other approver's open Home tab no longer asks them, without their reopening it.
    await rig.slack.waitFor(
      () => !homeText(rig, APPROVER).includes('Open the approval card'),
      10_000,
      'the decided approval gone from the approver’s Home tab',
    );
    await rig.slack.agents.openHome(OTHER_USER);
    await rig.slack.waitFor(
      () => homeText(rig, OTHER_USER).includes('home_emergency_stop'),
      10_000,
      'the experiment on the Home tab',
    );
    const id = approvalId(card);
    // Someone who may not stop it: refused by the gate, nothing stops.
    await rig.slack.clickHomeButton({ user: OTHER_USER, actionId: 'home_emergency_stop', value: id });
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.fis.calls.filter((c) => c.op === 'StopExperiment')).toHaveLength(0);
    await rig.slack.agents.openHome(USER);
    await rig.slack.waitFor(
      () => homeText(rig, USER).includes('home_emergency_stop'),
      10_000,
      'the requester’s tab',
    );
    await rig.slack.clickHomeButton({ user: USER, actionId: 'home_emergency_stop', value: id });
    await rig.slack.waitFor(
      () => rig.fis.calls.some((c) => c.op === 'StopExperiment'),
      10_000,
      'StopExperiment',
    );
    await rig.slack.waitFor(
      () => JSON.stringify(cardNow(rig, card).blocks).includes('Emergency stop by'),
      10_000,
      'the card shows the stop',
    );
  }, 60_000);
});
