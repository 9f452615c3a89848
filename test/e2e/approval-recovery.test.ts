/**
 * Recovery verified (issue 16): after the experiment ends the bot watches its stop-condition alarms and
 * the health of the resolved targets (EC2 instances: running, status checks ok). Back to healthy in
 * time → "Recovered" in the thread; still failing at the deadline → "Not recovered" naming what failed,
 * the approvers mentioned in the thread and messaged directly. Either way the agent is told the verdict
 * in the same session. (The rig's experiments run 3 s; FIS_RECOVERY_MINUTES is 3 s.)
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { click, requestRun, TEMPLATE, threadText } from '../helpers/approval.ts';
import { APPROVER, type Rig, resetWorld, STOP_ALARM, startRig } from '../helpers/rig.ts';

describe('recovery after the experiment', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      env: { FIS_RECOVERY_MINUTES: '0.05', FIS_APPROVAL_TTL_MINUTES: '1' },
      harness: { defaultScenario: fisExecuteAgent() },
    });
    // Slack delivers a message posted to a user id to the app's direct message with that user.
    rig.slack.addChannel({
      id: APPROVER,
      name: 'carol-dm',
      kind: 'im',
      members: [rig.slack.botUserId, APPROVER],
    });
  });
  afterAll(async () => {
    await rig.close();
  });
  beforeEach(() => {
    rig.fis.templates.clear();
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
    resetWorld(rig);
  });

  const told = (session: string, word: string) =>
    rig.harness.invocations.some(
      (i) =>
        i.sessionId === session &&
        JSON.stringify(i.body).includes(`[Bot measurement, not a user message] ${word}`),
    );

  it('alarms back to OK: the thread says recovered and the agent is told', async () => {
    const { root, card, session } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /started from template/.test(threadText(rig, root.ts)),
      15_000,
      'the start',
    );
    rig.cloudwatch.setAlarmState(STOP_ALARM, 'ALARM', 'Threshold Crossed: errors during the experiment');
    await new Promise((r) => setTimeout(r, 500));
    rig.cloudwatch.setAlarmState(STOP_ALARM, 'OK', 'Threshold not crossed');
    await rig.slack.waitFor(
      () => /Recovered:/.test(threadText(rig, root.ts)),
      30_000,
      'the recovery verdict',
    );
    await rig.slack.waitFor(() => told(session, 'Recovered'), 15_000, 'the agent to be told');
    expect(threadText(rig, root.ts)).not.toMatch(/Not recovered/);
  }, 60_000);

  it('an alarm still in ALARM at the deadline: not recovered, approvers paged in the thread and by DM, agent told', async () => {
    const { root, card, session } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /started from template/.test(threadText(rig, root.ts)),
      15_000,
      'the start',
    );
    rig.cloudwatch.setAlarmState(STOP_ALARM, 'ALARM', 'Threshold Crossed: errors keep coming');
    await rig.slack.waitFor(() => /Not recovered:/.test(threadText(rig, root.ts)), 30_000, 'the verdict');
    const verdict = threadText(rig, root.ts);
    expect(verdict).toMatch(/checkout-5xx.{0,3} ALARM/);
    expect(verdict).toContain(`<@${APPROVER}>`);
    expect(verdict).toContain('<!subteam^S0SRE0001>');
    await rig.slack.waitFor(
      () =>
        rig.slack
          .rootMessages(APPROVER)
          .some((m) => /Not recovered/.test(`${m.text}${JSON.stringify(m.blocks)}`)),
      10_000,
      'the DM to the approver',
    );
    await rig.slack.waitFor(() => told(session, 'Not recovered'), 15_000, 'the agent to be told');
  }, 60_000);

  it('alarms OK but a target instance is still stopped at the deadline: not recovered, naming the instance', async () => {
    const { root, card, session } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /started from template/.test(threadText(rig, root.ts)),
      15_000,
      'the start',
    );
    // The experiment stops one instance; it never comes back.
    rig.ec2.setInstance('i-0aaaaaaaaaaaaaaa2', { state: 'stopped' });
    await rig.slack.waitFor(() => /Not recovered:/.test(threadText(rig, root.ts)), 30_000, 'the verdict');
    const verdict = threadText(rig, root.ts)
      .split('\n')
      .find((l) => l.includes('Not recovered:'))!;
    expect(verdict).toMatch(/i-0aaaaaaaaaaaaaaa2.{0,3} stopped/);
    expect(verdict).not.toContain('i-0aaaaaaaaaaaaaaa1');
    expect(verdict).not.toMatch(/Recovered:/);
    await rig.slack.waitFor(() => told(session, 'Not recovered'), 15_000, 'the agent to be told');
  }, 60_000);

  it('a stopped instance comes back and passes its status checks: recovered, counting the instances', async () => {
    const { root, card } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /started from template/.test(threadText(rig, root.ts)),
      15_000,
      'the start',
    );
    rig.ec2.setInstance('i-0aaaaaaaaaaaaaaa2', { state: 'stopped' });
    await rig.slack.waitFor(() => /is \*completed\*/.test(threadText(rig, root.ts)), 15_000, 'the end');
    rig.ec2.setInstance('i-0aaaaaaaaaaaaaaa2', { state: 'running', instanceStatus: 'initializing' });
    await new Promise((r) => setTimeout(r, 400));
    expect(threadText(rig, root.ts)).not.toMatch(/Recovered:/);
    rig.ec2.setInstance('i-0aaaaaaaaaaaaaaa2', { instanceStatus: 'ok' });
    await rig.slack.waitFor(() => /Recovered:/.test(threadText(rig, root.ts)), 30_000, 'the verdict');
    expect(threadText(rig, root.ts)).toMatch(/every stop-condition alarm and the 3 checked target resources/);
    expect(threadText(rig, root.ts)).not.toMatch(/Not recovered/);
  }, 60_000);

  it('an ECS task target named by its service: not recovered while the service runs fewer tasks than desired', async () => {
    const ecsTemplate = sampleTemplate('EXT0ecs0web0stop1', {
      description: 'Stop half the web tasks',
      targets: {
        webTasks: {
          resourceType: 'aws:ecs:task',
          parameters: { cluster: 'shop', service: 'web' },
          selectionMode: 'PERCENT(50)',
        },
      },
      actions: {
        stopTasks: { actionId: 'aws:ecs:stop-task', targets: { Tasks: 'webTasks' } },
      },
    } as never);
    rig.fis.addTemplate(ecsTemplate as never);
    rig.ecs.clear();
    rig.ecs.putService('us-east-1', 'shop', 'web', { desired: 4, running: 4 });
    rig.harness.enqueue(fisExecuteAgent(ecsTemplate.id, 'us-east-1'));
    const { root, card } = await requestRun(rig, ecsTemplate.id);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /started from template/.test(threadText(rig, root.ts)),
      15_000,
      'the start',
    );
    rig.ecs.setService('us-east-1', 'shop', 'web', { running: 2 });
    await rig.slack.waitFor(() => /Not recovered:/.test(threadText(rig, root.ts)), 30_000, 'the verdict');
    const verdict = threadText(rig, root.ts)
      .split('\n')
      .find((l) => l.includes('Not recovered:'))!;
    expect(verdict).toContain('service web: 2 of 4 desired tasks running');
  }, 60_000);
});
