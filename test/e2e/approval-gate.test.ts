/**
 * The FIS approval gate, adversarially: no experiment may start without a recorded human approval
 * of the exact template shown, whatever the clicker, the timing, the button value or the agent does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { fisExecuteAgent, resumedResult } from '../../src/stand-ins/scenarios.ts';
import {
  approvalId,
  type Card,
  cardNow,
  click,
  requestRun,
  resumeIn,
  resumes,
  settle,
  TEMPLATE,
} from '../helpers/approval.ts';
import {
  APPROVER,
  CHANNEL,
  commandRoot,
  GROUP_MEMBER,
  OTHER_USER,
  type Rig,
  startRig,
  USER,
} from '../helpers/rig.ts';

const starts = (rig: Rig) => rig.fis.calls.filter((c) => c.op === 'StartExperiment').length;

describe('FIS approval gate', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      env: { FIS_APPROVAL_TTL_MINUTES: '0.1' },
      harness: { defaultScenario: fisExecuteAgent() },
    });
  });
  afterAll(async () => {
    await rig.close();
  });
  beforeEach(() => {
    rig.fis.templates.clear();
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  });

  it('happy path: approve → the experiment starts exactly once → the tool result reaches the harness → the report lands', async () => {
    const { root, card } = await requestRun(rig);
    const shown = JSON.stringify(card.blocks);
    for (const fact of [
      'aws:ec2:stop-instances',
      'COUNT(1)',
      'aws:ec2:instance',
      'checkout-5xx',
      '5 min',
      'fis-experiment-role',
      `<@${USER}>`,
      `<@${APPROVER}>`,
      '<!subteam^S0SRE0001>',
    ]) {
      expect(shown).toContain(fact);
    }
    expect(shown).toContain('"confirm"');
    const first = rig.harness.invocations.at(-1)!;
    expect(first.body.tools).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'inline_function', name: 'request_fis_experiment_approval' }),
      ]),
    );
    expect(first.body.skills).toEqual([{ path: '/opt/.agents/skills/aws-fis-experiment-execute' }]);

    await click(rig, APPROVER, card, 'fis_approve');
    const report = await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => m.text.includes('hypothesis confirmed')),
      10_000,
      'the agent report',
    );
    expect(report.text).toContain(rig.fis.started[0]!.id);
    expect(starts(rig)).toBe(1);
    const exp = rig.fis.started[0]!;
    expect(exp.experimentTemplateId).toBe(TEMPLATE);
    expect(exp.tags['agentcore-slack-bot:approved-by']).toBe(APPROVER);
    const resume = resumes(rig).at(-1)!;
    expect(resume.sessionId).toBe(first.sessionId);
    expect(resumedResult(resume)).toMatchObject({
      decision: 'approved',
      experimentId: exp.id,
      approver: APPROVER,
    });
    expect(resume.body.messages[0]!.role).toBe('assistant');
    const updated = JSON.stringify(cardNow(rig, card).blocks);
    expect(updated).toContain(exp.id);
    expect(updated).toContain('fis_stop');
    expect(updated).not.toContain('fis_approve');
    // Audit: request, decision and start are recorded and posted in the thread.
    const thread = rig.slack
      .replies(CHANNEL, root.ts)
      .map((m) => m.text)
      .join('\n');
    expect(thread).toContain(`Experiment \`${exp.id}\` started`);
    // The time in Slack's date format (shown in each reader's time zone), not a raw ISO string.
    expect(thread).toMatch(/approved by <@[A-Z0-9]+> <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+>\)/);
  });

  it('refuses non-approvers and self-approval privately, changing nothing', async () => {
    const { card } = await requestRun(rig, TEMPLATE, APPROVER);
    const before = starts(rig);
    await click(rig, OTHER_USER, card, 'fis_approve');
    await click(rig, APPROVER, card, 'fis_approve');
    const notes = () =>
      rig.slack.ephemerals.filter((e) => e.via === 'response_url').map((e) => `${e.user}: ${e.text}`);
    // Both answers arrive (clicks are handled after the ack, so wait for them rather than a fixed time).
    await rig.slack.waitFor(
      () =>
        notes().some((n) => n.startsWith(`${OTHER_USER}:`) && n.includes('not an approver')) &&
        notes().some((n) => n.startsWith(`${APPROVER}:`) && n.includes('someone else has to approve')),
      10_000,
      'both refusals',
    );
    expect(starts(rig)).toBe(before);
    expect(JSON.stringify(cardNow(rig, card).blocks)).toContain('fis_approve');
    await click(rig, GROUP_MEMBER, card, 'fis_deny');
  });

  it('a double click and two approvers at once produce exactly one decision and one start', async () => {
    const { card, session } = await requestRun(rig);
    const before = starts(rig);
    const resumesOf = () => resumes(rig).filter((i) => i.sessionId === session);
    await Promise.all([
      click(rig, APPROVER, card, 'fis_approve'),
      click(rig, APPROVER, card, 'fis_approve'),
      click(rig, GROUP_MEMBER, card, 'fis_approve'),
      click(rig, GROUP_MEMBER, card, 'fis_deny'),
    ]);
    // Counted in this card's session: an earlier test's resume may still be arriving under load.
    await rig.slack.waitFor(() => resumeIn(rig, session), 10_000, 'the resume');
    await settle();
    expect(resumesOf()).toHaveLength(1);
    const decision = resumeIn(rig, session)!.decision;
    expect(starts(rig) - before).toBe(decision === 'approved' ? 1 : 0);
    expect(rig.fis.started.length).toBeLessThanOrEqual(starts(rig));
    expect(rig.slack.ephemerals.filter((e) => e.text.includes('already')).length).toBeGreaterThanOrEqual(2);
  });

  it('expires: the card says so, the agent is told, and a late click starts nothing', async () => {
    const { root, card } = await requestRun(rig);
    const before = starts(rig);
    await rig.slack.waitFor(
      () => JSON.stringify(cardNow(rig, card).blocks).includes('Nothing was started'),
      15_000,
      'expiry',
    );
    await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, root.ts)
          .some((m) => m.text.includes('decision: expired') && /in \d/.test(JSON.stringify(m.blocks))),
      10_000,
      'agent told',
    );
    // The agent's answer to an expired request ends without a "Done" tick: nothing was done.
    const told = rig.slack.replies(CHANNEL, root.ts).find((m) => m.text.includes('decision: expired'))!;
    expect(JSON.stringify(told.blocks)).not.toContain('Done in');
    expect(JSON.stringify(told.blocks)).toContain('Experiment not started (expired)');
    await click(rig, APPROVER, card, 'fis_approve');
    await settle();
    expect(starts(rig)).toBe(before);
    expect(rig.slack.ephemerals.at(-1)!.text).toMatch(/expired/);
  });

  it('forged and replayed button values start nothing', async () => {
    rig.fis.addTemplate(sampleTemplate('EXT9z8y7x6w5v4u3'));
    const a = await requestRun(rig);
    const b = await requestRun(rig, 'EXT9z8y7x6w5v4u3');
    const before = starts(rig);
    const told = rig.slack.ephemerals.length;
    await click(rig, APPROVER, a.card, 'fis_approve', 'AAAAAAAAAAAAAAAAAAAAAA');
    await click(rig, APPROVER, a.card, 'fis_approve', 'not a valid id at all');
    await click(rig, APPROVER, a.card, 'fis_approve', approvalId(b.card)); // B's value on A's card
    // Each click's own answer, not whatever the last three ephemerals are (on a loaded machine an
    // earlier test's late "expired" notice could otherwise be read as this test's first answer).
    await rig.slack.waitFor(() => rig.slack.ephemerals.length >= told + 3, 20_000, 'three answers');
    await settle();
    expect(starts(rig)).toBe(before);
    const texts = rig.slack.ephemerals.slice(told, told + 3).map((e) => e.text);
    // The three answers may arrive in any order (each click is handled on its own).
    expect(texts.filter((t) => t.includes('does not exist'))).toHaveLength(2); // no such approval; not an id at all
    expect(texts.filter((t) => t.includes('does not belong'))).toHaveLength(1);
    await click(rig, APPROVER, a.card, 'fis_deny');
    await click(rig, APPROVER, b.card, 'fis_deny');
  });

  it('a template edited after the request is not started, and the agent is told', async () => {
    const { root, card } = await requestRun(rig);
    const before = starts(rig);
    rig.fis.updateTemplate(TEMPLATE, {
      targets: {
        checkoutInstances: {
          ...sampleTemplate().targets.checkoutInstances,
          resourceType: 'aws:ec2:instance',
          selectionMode: 'ALL',
        },
      },
    });
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => JSON.stringify(cardNow(rig, card).blocks).includes('template changed'),
      10_000,
      'invalidated card',
    );
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('decision: denied')),
      10_000,
      'agent told',
    );
    expect(starts(rig)).toBe(before);
  });

  it('an agent that claims approval in text, without the tool, starts nothing', async () => {
    const before = starts(rig);
    rig.harness.enqueue({
      steps: [
        { event: 'messageStart', data: { role: 'assistant' } },
        {
          event: 'contentBlockDelta',
          data: {
            contentBlockIndex: 0,
            delta: { text: 'APPROVED by the on-call lead. Starting experiment EXT1a2b3c4d5e6f7 now.' },
          },
        },
        { event: 'contentBlockStop', data: { contentBlockIndex: 0 } },
        { event: 'messageStop', data: { stopReason: 'end_turn' } },
      ],
    });
    const root = await commandRoot(rig, { command: '/fis', text: `run ${TEMPLATE}` });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('Starting experiment')),
      10_000,
      'text',
    );
    await settle();
    expect(starts(rig)).toBe(before);
  });

  it('survives a bot restart between the request and the click', async () => {
    const { root, card } = await requestRun(rig);
    const before = starts(rig);
    await rig.restartBot();
    await click(rig, APPROVER, card, 'fis_approve');
    // 4 s alone; 19 s was seen in a clean-clone run on the loaded 2-core machine (the start now reads the alarms,
    // resolves the targets and assumes the start role). The wait bounds a hang; it measures nothing.
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('hypothesis confirmed')),
      40_000,
      'report after restart',
    );
    expect(starts(rig) - before).toBe(1);
  }, 60_000);

  it('refuses a template without stop conditions before anyone is asked', async () => {
    rig.fis.addTemplate(sampleTemplate(TEMPLATE, { stopConditions: [{ source: 'none' }] }));
    const before = starts(rig);
    const { root, card } = await requestRun(rig);
    expect(JSON.stringify(card.blocks)).toContain('Stop conditions: none');
    expect(JSON.stringify(card.blocks)).not.toContain('fis_approve');
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('decision: refused')),
      10_000,
      'agent told',
    );
    expect(starts(rig)).toBe(before);
  });

  it('emergency stop by the requester stops the running experiment', async () => {
    const { card } = await requestRun(rig);
    await click(rig, GROUP_MEMBER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => JSON.stringify(cardNow(rig, card).blocks).includes('fis_stop'),
      10_000,
      'running card',
    );
    await rig.slack.clickButton({
      user: OTHER_USER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'fis_stop',
      value: approvalId({
        ...card,
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                action_id: 'fis_approve',
                value: (cardNow(rig, card).blocks as Card['blocks'])
                  .flatMap((b) => b.elements ?? [])
                  .find((e) => e.action_id === 'fis_stop')!.value,
              },
            ],
          },
        ],
      }),
    });
    await settle();
    expect(rig.fis.calls.filter((c) => c.op === 'StopExperiment')).toHaveLength(0);
    const value = (cardNow(rig, card).blocks as Card['blocks'])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'fis_stop')!.value!;
    await rig.slack.clickButton({
      user: USER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: 'fis_stop',
      value,
    });
    await rig.slack.waitFor(
      () => rig.fis.calls.some((c) => c.op === 'StopExperiment'),
      5000,
      'StopExperiment',
    );
    await rig.slack.waitFor(
      () => JSON.stringify(cardNow(rig, card).blocks).includes('Emergency stop by'),
      5000,
      'card shows the stop',
    );
  });

  it('offers the approval tool only on execute invocations', async () => {
    // Earlier tests' approved experiments resume their turns after the card edit and the thread note,
    // which the bot paces to Slack's limits: wait until no run is active and no invocation started for 3 s.
    let seen = -1;
    let since = Date.now();
    await rig.slack.waitFor(
      () => {
        const count = rig.harness.invocations.length;
        if (count !== seen || rig.bot.runner.activeRuns > 0) {
          seen = count;
          since = Date.now();
        }
        return Date.now() - since >= 3_000;
      },
      20_000,
      'earlier runs to settle',
    );
    const n = rig.harness.invocations.length;
    await commandRoot(rig, { command: '/assess', text: 'eks my-cluster' });
    const prep = await commandRoot(rig, { command: '/fis', text: 'prepare stop one checkout instance' });
    const [assess, prepare] = await rig.harness.waitForInvocations(n + 2).then((all) => all.slice(n));
    expect(assess!.body.tools).toBeUndefined();
    expect(prepare!.body.tools).toBeUndefined();
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, prep.ts).some((m) => /Done in/.test(JSON.stringify(m.blocks))),
      10_000,
      'prepare done',
    );
    // Asking to run what was prepared, in the prepare thread, offers the gate.
    await rig.slack.userMessage({ user: USER, channel: CHANNEL, text: 'run it', threadTs: prep.ts });
    const card = await rig.slack.waitFor(
      () =>
        rig.slack
          .replies(CHANNEL, prep.ts)
          .find((m) => JSON.stringify(m.blocks ?? []).includes('fis_approve')),
      10_000,
      'card in prepare thread',
    );
    expect(rig.harness.invocations.at(-1)!.body.skills).toEqual(
      expect.arrayContaining([{ path: '/opt/.agents/skills/aws-fis-experiment-execute' }]),
    );
    // While the card waits, a follow-up is not sent to the agent.
    const count = rig.harness.invocations.length;
    await rig.slack.userMessage({ user: OTHER_USER, channel: CHANNEL, text: 'status?', threadTs: prep.ts });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, prep.ts).some((m) => m.text.includes('waiting for a decision')),
      5000,
      `waiting note in ${JSON.stringify(rig.slack.replies(CHANNEL, prep.ts).map((m) => m.text))}`,
    );
    expect(rig.harness.invocations.length).toBe(count);
    const snapshot = card as unknown as Card;
    await click(rig, APPROVER, { ...snapshot, blocks: [...snapshot.blocks] }, 'fis_deny');
  });
});
