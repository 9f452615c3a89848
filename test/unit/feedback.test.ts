import { describe, expect, it } from 'vitest';
import { type Feedback, parseFeedbackValue, parseSince, summarize } from '../../src/core/feedback.ts';
import { report } from '../../src/feedback-export.ts';

const f = (skill: string, verdict: 'good' | 'bad', user = 'U1'): Feedback => ({
  teamId: 'T1',
  channel: 'C1',
  threadTs: '1.1',
  turnTs: '1.2',
  skill,
  routeId: 'r',
  runtimeSessionId: 's'.repeat(40),
  user,
  verdict,
  at: 1_800_000_000_000,
});

describe('feedback', () => {
  it('summarizes per skill, the most disappointing first', () => {
    const s = summarize([f('a', 'good'), f('a', 'good'), f('b', 'bad'), f('b', 'good'), f('c', 'bad')]);
    expect(s.map((x) => [x.skill, x.good, x.bad])).toEqual([
      ['c', 0, 1],
      ['b', 1, 1],
      ['a', 2, 0],
    ]);
  });

  it('reads a button value only for the conversation the click came from', () => {
    expect(parseFeedbackValue('good|C1|123.456', 'C1')).toEqual({ verdict: 'good', threadTs: '123.456' });
    expect(parseFeedbackValue('good|C1|123.456', 'C2')).toBeUndefined();
    expect(parseFeedbackValue('meh|C1|123.456', 'C1')).toBeUndefined();
    expect(parseFeedbackValue('bad|C1|x', 'C1')).toBeUndefined();
  });

  it('--since takes 7d, 24h, 30m and nothing else', () => {
    expect(parseSince('7d')).toBe(7 * 86_400_000);
    expect(parseSince('24h')).toBe(86_400_000);
    expect(parseSince('30m')).toBe(1_800_000);
    for (const bad of ['7', 'd7', '1w', '', '-1d']) expect(parseSince(bad)).toBeUndefined();
  });

  it('the export: JSON with the summary and every verdict, or a table', () => {
    const items = [f('a', 'good'), f('b', 'bad')];
    const json = JSON.parse(report(items, 0, true));
    expect(json.skills.map((s: { skill: string }) => s.skill)).toEqual(['b', 'a']);
    expect(json.items).toHaveLength(2);
    expect(report(items, 0, false)).toMatch(/b\s+0 helpful\s+1 not helpful\s+\(100% not helpful\)/);
    expect(report([], 0, false)).toContain('No feedback since');
  });
});
