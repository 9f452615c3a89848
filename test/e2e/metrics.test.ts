/**
 * Operations can see the product failing: each finished turn is counted by outcome, and a turn the harness failed is
 * counted by failure kind, as CloudWatch embedded metrics (what the failure-rate alarm in deploy/ reads).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { answer, fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { click, requestRun, TEMPLATE } from '../helpers/approval.ts';
import { APPROVER, CHANNEL, commandRoot, finalReplies, type Rig, startRig } from '../helpers/rig.ts';

interface Emf {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string }> }> };
  [key: string]: unknown;
}

describe('embedded metrics from real turns', () => {
  let rig: Rig;
  const lines: Emf[] = [];
  beforeAll(async () => {
    rig = await startRig({
      env: { METRICS_NAMESPACE: 'AgentCoreSlackBot/Test' },
      hooks: { metricsWrite: (l) => lines.push(JSON.parse(l) as Emf) },
    });
  });
  afterAll(async () => {
    await rig?.close();
  });

  const named = (name: string) => lines.filter((l) => l._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name === name);

  it('a turn that completes counts one Turn with Outcome=done and no failure', async () => {
    rig.harness.enqueue(answer('All good.'));
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-one' });
    await finalReplies(rig, CHANNEL, root.ts);
    await expect.poll(() => named('Turns').length).toBe(1);
    expect(named('Turns')[0]).toMatchObject({ Outcome: 'done', Turns: 1 });
    expect(named('TurnFailures')).toHaveLength(0);
    expect(named('Turns')[0]!._aws.CloudWatchMetrics[0]!.Namespace).toBe('AgentCoreSlackBot/Test');
  });

  it('a turn the harness refuses (access denied) counts a failure of that kind', async () => {
    rig.harness.enqueue({ status: 403, errorType: 'AccessDeniedException', message: 'not authorized' });
    const root = await commandRoot(rig, { command: '/assess', text: 'eks cluster-two' });
    await finalReplies(rig, CHANNEL, root.ts);
    await expect.poll(() => named('TurnFailures').length).toBe(1);
    expect(named('TurnFailures')[0]).toMatchObject({ FailureKind: 'access_denied', TurnFailures: 1 });
    expect(named('Turns').at(-1)).toMatchObject({ Outcome: 'failed' });
  });
});

describe('embedded metrics from the approval gate', () => {
  let rig: Rig;
  const lines: Emf[] = [];
  beforeAll(async () => {
    rig = await startRig({
      env: { METRICS_NAMESPACE: 'AgentCoreSlackBot/Test' },
      harness: { defaultScenario: fisExecuteAgent() },
      hooks: { metricsWrite: (l) => lines.push(JSON.parse(l) as Emf) },
    });
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  });
  afterAll(async () => {
    await rig?.close();
  });

  const events = (name: string) =>
    lines.filter((l) => l._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name === name).map((l) => l.Event);

  it('counts the request, the approval and the experiment start', async () => {
    const { card } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await expect.poll(() => events('Experiments')).toContain('started');
    expect(events('Approvals')).toEqual(expect.arrayContaining(['requested', 'approved']));
  });
});
