/** The interlocks' pure logic: selection modes, limits, how a target set changed, which alarm states refuse. */
import { describe, expect, it } from 'vitest';
import {
  type BlastRadius,
  limitProblems,
  type ResolvedTarget,
  radiusChange,
  selectedCount,
} from '../../src/core/blast-radius.ts';
import { type AlarmReading, alarmProblems } from '../../src/core/stop-alarms.ts';

const arn = (n: number) => `arn:aws:ec2:us-east-1:123456789012:instance/i-${String(n).padStart(17, '0')}`;
const target = (pool: number[], o: Partial<ResolvedTarget> = {}): ResolvedTarget => ({
  name: 'fleet',
  resourceType: 'aws:ec2:instance',
  selectionMode: 'ALL',
  how: 'tags',
  pool: pool.map(arn),
  selected: pool.length,
  ...o,
});
const radius = (...targets: ResolvedTarget[]): BlastRadius => ({ targets });

describe('selection modes', () => {
  it('ALL, COUNT(n) and PERCENT(p) (rounded up, the larger to be safe); unknown modes are undefined', () => {
    expect(selectedCount('ALL', 7)).toBe(7);
    expect(selectedCount('COUNT(2)', 7)).toBe(2);
    expect(selectedCount('COUNT(9)', 7)).toBe(7);
    expect(selectedCount('PERCENT(25)', 7)).toBe(2);
    expect(selectedCount('PERCENT(100)', 3)).toBe(3);
    expect(selectedCount('SOME(1)', 3)).toBeUndefined();
  });
});

describe('blast-radius limits', () => {
  it('a share over the percent limit is refused; at the limit it passes', () => {
    expect(limitProblems(radius(target([1, 2, 3, 4], { selected: 1 })), { maxPercent: 25 })).toEqual([]);
    expect(limitProblems(radius(target([1, 2, 3], { selected: 1 })), { maxPercent: 30 })[0]).toMatch(
      /1 of 3 \(33%\), over the 30% limit/,
    );
  });

  it('an AZ limit needs named AZs: unknown AZs cannot be verified and refuse', () => {
    expect(limitProblems(radius(target([1], { azs: ['us-east-1a'] })), { maxAzs: 1 })).toEqual([]);
    expect(
      limitProblems(radius(target([1], { azs: ['us-east-1a', 'us-east-1b'] })), { maxAzs: 1 })[0],
    ).toMatch(/spans 2 Availability Zones/);
    expect(limitProblems(radius(target([1])), { maxAzs: 1 })[0]).toMatch(/cannot be checked/);
  });

  it('an unresolved target cannot be checked against a percent limit', () => {
    expect(limitProblems(radius(target([], { how: 'unresolved' })), { maxPercent: 50 })[0]).toMatch(
      /cannot be resolved/,
    );
    expect(limitProblems(radius(target([], { how: 'unresolved' })), {})).toEqual([]);
  });
});

describe('how the target set changed', () => {
  it('added resources and a bigger selection are reported; removed ones separately', () => {
    const c = radiusChange(radius(target([1, 2, 3])), radius(target([2, 3, 4, 5])));
    expect(c.added).toEqual([{ target: 'fleet', arns: [arn(4), arn(5)] }]);
    expect(c.removed).toEqual([{ target: 'fleet', arns: [arn(1)] }]);
    expect(c.other).toEqual(['target `fleet` now acts on 4 resources, not 3']);
  });

  it('a pure shrink has nothing added', () => {
    const c = radiusChange(radius(target([1, 2, 3])), radius(target([1, 2])));
    expect(c.added).toEqual([]);
    expect(c.other).toEqual([]);
    expect(c.removed[0]?.arns).toEqual([arn(3)]);
  });
});

describe('which alarm states refuse', () => {
  const reading = (state: AlarmReading['state']): AlarmReading[] => [
    { arn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:a', name: 'a', state },
  ];
  const strict = { allowAlarm: false, allowInsufficientData: false };
  const lenient = { allowAlarm: true, allowInsufficientData: true };
  it('OK passes; ALARM and INSUFFICIENT_DATA refuse unless policy allows; MISSING always refuses', () => {
    expect(alarmProblems(reading('OK'), strict)).toEqual([]);
    expect(alarmProblems(reading('ALARM'), strict)).toHaveLength(1);
    expect(alarmProblems(reading('INSUFFICIENT_DATA'), strict)).toHaveLength(1);
    expect(alarmProblems(reading('ALARM'), lenient)).toEqual([]);
    expect(alarmProblems(reading('INSUFFICIENT_DATA'), lenient)).toEqual([]);
    expect(alarmProblems(reading('MISSING'), lenient)).toHaveLength(1);
    expect(alarmProblems(reading('NOT_AN_ALARM'), lenient)).toHaveLength(1);
  });
});
