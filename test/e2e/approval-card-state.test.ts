/**
 * The approval card keeps up with the experiment (issue 20): the agent is told the experiment
 * started and then checks FIS itself, so its report can say "running" within seconds. The card must
 * not still say "initiating" when that report reaches the thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import type { Scenario } from '../../src/stand-ins/harness-types.ts';
import { answer, fisExecuteAgent, resumedResult } from '../../src/stand-ins/scenarios.ts';
import { cardJson, click, requestRun, resumeIn, TEMPLATE, threadText } from '../helpers/approval.ts';
import { APPROVER, CHANNEL, type Rig, startRig } from '../helpers/rig.ts';

const REPORT = 'FIS reports it running';

/** Told "started", the agent checks FIS (about 1.5 s later) and reports what it read: running. */
const checkingAgent: Scenario = (inv) => {
  const r = resumedResult(inv);
  if (r?.decision === 'approved')
    return answer(
      `Checked with \`aws fis get-experiment\`: experiment \`${String(r.experimentId)}\` — ${REPORT}.`,
      {
        tools: [[{ delayMs: 1_500 }]],
      },
    );
  return fisExecuteAgent()(inv);
};

describe('the approval card and the agent’s report agree on the experiment’s state', () => {
  let rig: Rig;
  beforeAll(async () => {
    // The default approval TTL: the regular watch refreshes cards every 15 s.
    rig = await startRig({ harness: { defaultScenario: checkingAgent } });
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  });
  afterAll(async () => {
    await rig.close();
  });

  it('the card shows running before the agent’s "running" report reaches the thread', async () => {
    const { root, card, session } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent to be told it started');
    // What the agent was told is what the card showed then.
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'approved', experimentStatus: 'initiating' });
    await rig.slack.waitFor(() => threadText(rig, root.ts).includes(REPORT), 20_000, 'the agent’s report');
    const at = (pred: (text: string) => boolean) =>
      rig.slack.calls
        .filter((c) => pred(JSON.stringify(c.params)))
        .map((c) => c.at)
        .sort((a, b) => a - b)[0];
    const reportAt = at((t) => t.includes(REPORT));
    const cardRunningAt = at((t) => t.includes(`"ts":"${card.ts}"`) && t.includes('is *running*'));
    expect(
      cardRunningAt,
      `the card never showed running: ${cardJson(rig, card).slice(0, 300)}`,
    ).toBeDefined();
    expect(cardRunningAt!).toBeLessThanOrEqual(reportAt!);
    expect(rig.slack.message(CHANNEL, card.ts)!.text).toMatch(/running|completed/);
  }, 60_000);
});
