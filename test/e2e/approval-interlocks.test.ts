/**
 * The chaos safety interlocks, adversarially, through the real bot: the world changes between the card
 * and the click (targets grow, an alarm fires), or was never safe (an alarm missing, a blast-radius
 * limit exceeded). Each must end with zero StartExperiment calls, the reason in the thread, and the
 * agent told not to proceed. Shrinking targets is allowed, and said.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { cardJson, click, requestRun, resumeIn, TEMPLATE, threadText } from '../helpers/approval.ts';
import {
  APPROVER,
  CHANNEL,
  CHECKOUT_INSTANCES,
  type Rig,
  resetWorld,
  STOP_ALARM,
  startRig,
} from '../helpers/rig.ts';

const starts = (rig: Rig) => rig.fis.calls.filter((c) => c.op === 'StartExperiment').length;
const NEW_INSTANCE = 'arn:aws:ec2:us-east-1:123456789012:instance/i-0bbbbbbbbbbbbbbb9';

describe('chaos interlocks', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ harness: { defaultScenario: fisExecuteAgent() } });
  });
  afterAll(async () => {
    await rig.close();
  });
  beforeEach(() => {
    rig.fis.templates.clear();
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
    resetWorld(rig);
  });

  it('the card shows each stop-condition alarm with its state and the resolved targets (count, which, AZs, share)', async () => {
    const { card } = await requestRun(rig);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain(STOP_ALARM);
    expect(shown).toMatch(/checkout-5xx[^"]*OK/);
    expect(shown).toContain('1 of 3');
    expect(shown).toContain('33%');
    expect(shown).toContain('us-east-1a');
    for (const arn of CHECKOUT_INSTANCES) expect(shown).toContain(arn.split('/')[1]!);
  });

  it('the template filters are evaluated on the instances as FIS does: one in another AZ is not in the pool', async () => {
    rig.tagging.tag(NEW_INSTANCE, { app: 'checkout' });
    rig.ec2.putInstance(NEW_INSTANCE, { az: 'us-east-1b' });
    const { card } = await requestRun(rig);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('1 of 3');
    expect(shown).not.toContain('i-0bbbbbbbbbbbbbbb9');
    expect(shown).toMatch(/AZ us-east-1a\./);
  });

  it('a long target list: the card names the first few, and every resource is in a file in the thread', async () => {
    const many = Array.from(
      { length: 12 },
      (_, i) => `arn:aws:ec2:us-east-1:123456789012:instance/i-0ccccccccccccc${String(i).padStart(3, '0')}`,
    );
    for (const arn of many) {
      rig.tagging.tag(arn, { app: 'checkout' });
      rig.ec2.putInstance(arn, { az: 'us-east-1a' });
    }
    const { root, card } = await requestRun(rig);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('1 of 15');
    expect(shown).toMatch(/and 10 more \(all 15 in the file \*resolved targets\* above\)/);
    expect(shown).not.toContain('i-0ccccccccccccc011');
    const file = rig.slack
      .replies(CHANNEL, root.ts)
      .flatMap((m) => m.files ?? [])
      .find((f) => f.name.startsWith('resolved-targets-'));
    for (const arn of [...CHECKOUT_INSTANCES, ...many]) expect(file?.content).toContain(arn);
  });

  it('targets grow between the card and the click: nothing starts, the thread shows the new resource', async () => {
    const before = starts(rig);
    const { root, card, session } = await requestRun(rig);
    rig.tagging.tag(NEW_INSTANCE, { app: 'checkout' });
    rig.ec2.putInstance(NEW_INSTANCE, { az: 'us-east-1a' });
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(() => /did not start it/.test(threadText(rig, root.ts)), 15_000, 'the refusal');
    expect(threadText(rig, root.ts)).toContain('i-0bbbbbbbbbbbbbbb9');
    expect(threadText(rig, root.ts)).toMatch(/fresh card/);
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent to be told');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'denied' });
    expect(cardJson(rig, card)).not.toContain('fis_approve');
    expect(starts(rig)).toBe(before);
  }, 40_000);

  it('a stop-condition alarm goes to ALARM between the card and the click: nothing starts', async () => {
    const before = starts(rig);
    const { root, card, session } = await requestRun(rig);
    rig.cloudwatch.setAlarmState(STOP_ALARM, 'ALARM', 'Threshold Crossed: 12 errors');
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(() => /did not start it/.test(threadText(rig, root.ts)), 15_000, 'the refusal');
    expect(threadText(rig, root.ts)).toMatch(/checkout-5xx.{0,20} is already in ALARM/);
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent to be told');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'denied' });
    expect(starts(rig)).toBe(before);
  }, 40_000);

  it('a stop-condition alarm that does not exist: refused before anyone is asked', async () => {
    rig.cloudwatch.deleteAlarm(STOP_ALARM);
    const before = starts(rig);
    const { root, card } = await requestRun(rig);
    const shown = JSON.stringify(card.blocks);
    expect(shown).not.toContain('fis_approve');
    expect(shown).toMatch(/checkout-5xx.{0,20} does not exist/);
    await rig.slack.waitFor(
      () => threadText(rig, root.ts).includes('decision: refused'),
      15_000,
      'the agent to be told',
    );
    expect(starts(rig)).toBe(before);
  }, 40_000);

  it('a stop-condition alarm with INSUFFICIENT_DATA is refused at card time (policy off)', async () => {
    rig.cloudwatch.setAlarmState(
      STOP_ALARM,
      'INSUFFICIENT_DATA',
      'Insufficient Data: 1 datapoint was unknown',
    );
    const before = starts(rig);
    const { card } = await requestRun(rig);
    expect(JSON.stringify(card.blocks)).not.toContain('fis_approve');
    expect(JSON.stringify(card.blocks)).toContain('INSUFFICIENT_DATA');
    expect(starts(rig)).toBe(before);
  }, 40_000);

  it('targets shrink between the card and the click: it starts, and the thread says which are gone', async () => {
    const { root, card } = await requestRun(rig);
    rig.tagging.remove(CHECKOUT_INSTANCES[2]!);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /started from template/.test(threadText(rig, root.ts)),
      15_000,
      'the start',
    );
    expect(threadText(rig, root.ts)).toMatch(/Fewer targets than the card showed/);
    expect(threadText(rig, root.ts)).toContain(CHECKOUT_INSTANCES[2]!.split('/')[1]!);
  }, 40_000);
});

describe('chaos interlocks: configured blast-radius limits', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({
      harness: { defaultScenario: fisExecuteAgent() },
      env: { FIS_MAX_TARGET_PERCENT: '30', FIS_MAX_TARGET_AZS: '1' },
    });
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
  });
  afterAll(async () => {
    await rig.close();
  });

  it('a limit exceeded is refused before the card can be approved, and the card shows the limit', async () => {
    const before = starts(rig);
    const { card } = await requestRun(rig);
    const shown = JSON.stringify(card.blocks);
    expect(shown).not.toContain('fis_approve');
    expect(shown).toMatch(/1 of 3 \(33%\), over the 30% limit/);
    expect(starts(rig)).toBe(before);
  }, 40_000);

  it('within the limits (one instance of four, one AZ) the card can be approved', async () => {
    rig.tagging.tag(NEW_INSTANCE, { app: 'checkout' });
    rig.ec2.putInstance(NEW_INSTANCE, { az: 'us-east-1a' });
    const { card } = await requestRun(rig);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('fis_approve');
    expect(shown).toMatch(/limits?: at most 30%/i);
  }, 40_000);
});
