import { describe, expect, it } from 'vitest';
import type { FisTemplate } from '../../src/core/fis.ts';
import { humanDuration, isoSeconds, planTemplate } from '../../src/core/fis-plan.ts';

const t = (actions: FisTemplate['actions']): FisTemplate => ({
  id: 'EXT1',
  targets: {},
  actions,
  stopConditions: [],
});

describe('planTemplate: timing from the action graph', () => {
  it('parses FIS durations', () => {
    expect(isoSeconds('PT5M')).toBe(300);
    expect(isoSeconds('PT1H30M')).toBe(5400);
    expect(isoSeconds('PT0.5S')).toBe(0.5);
    expect(isoSeconds('P1D')).toBe(86_400);
    for (const bad of ['5m', 'PT', 'P', '', 'PTM']) expect(isoSeconds(bad)).toBeUndefined();
  });

  it('chains add up, parallel branches do not, and the longest path wins', () => {
    const plan = planTemplate(
      t({
        a: { actionId: 'aws:fis:wait', parameters: { duration: 'PT5M' } },
        b: { actionId: 'aws:fis:wait', parameters: { duration: 'PT10M' }, startAfter: ['a'] },
        c: { actionId: 'aws:fis:wait', parameters: { duration: 'PT12M' } },
        d: {
          actionId: 'aws:ec2:stop-instances',
          parameters: { startInstancesAfterDuration: 'PT2M' },
          startAfter: ['b', 'c'],
        },
      }),
    );
    expect(plan.actions.get('b')).toEqual({ start: 300, end: 900, seconds: 600 });
    expect(plan.actions.get('d')).toEqual({ start: 900, end: 1020, seconds: 120 });
    expect(plan.totalSeconds).toBe(1020);
    expect(humanDuration(plan.totalSeconds)).toBe('17 min');
    expect(plan.withoutDuration).toEqual([]);
  });

  it('reports actions without a duration, unknown dependencies and cycles instead of trusting them', () => {
    const plan = planTemplate(
      t({
        x: { actionId: 'aws:ec2:reboot-instances', startAfter: ['ghost'] },
        y: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' }, startAfter: ['z'] },
        z: { actionId: 'aws:fis:wait', parameters: { duration: 'PT1M' }, startAfter: ['y'] },
      }),
    );
    expect(plan.withoutDuration).toEqual(['x']);
    expect(plan.unknownDependencies).toEqual(['ghost']);
    expect(plan.cycle.sort()).toEqual(['y', 'z']);
  });
});
