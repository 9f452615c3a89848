/**
 * Pure rules about how runs end: which footer a turn gets (turn-outcome.ts) and when a lapsed lease
 * may be reaped (lapse-watch.ts).
 */
import { describe, expect, it } from 'vitest';
import { LapseWatch } from '../../src/core/lapse-watch.ts';
import type { SessionRecord } from '../../src/core/ports.ts';
import { turnFinalState } from '../../src/core/turn-outcome.ts';

describe('the footer a turn ends with', () => {
  const done = { outcome: 'done' as const };

  it('says "not started" only for a declined approval', () => {
    expect(turnFinalState({ final: done, pending: [], approvalDecision: 'denied' })).toMatchObject({
      outcome: 'not_started',
      decision: 'denied',
    });
    expect(turnFinalState({ final: done, pending: [], approvalDecision: 'error' }).outcome).toBe(
      'not_started',
    );
    expect(turnFinalState({ final: done, pending: [], approvalDecision: 'approved' }).outcome).toBe('done');
    // Any other resume (a non-approval inline call answered with an error) carries no decision.
    expect(turnFinalState({ final: done, pending: [] }).outcome).toBe('done');
  });

  it('a stop or a pause wins over the approval decision', () => {
    expect(
      turnFinalState({
        final: done,
        pending: [],
        approvalDecision: 'denied',
        aborted: { kind: 'stop', by: 'U1' },
      }).outcome,
    ).toBe('stopped');
    expect(
      turnFinalState({
        final: done,
        pending: [{ toolUseId: 't', name: 'x', input: {} } as never],
        approvalDecision: 'denied',
      }).outcome,
    ).toBe('paused');
  });
});

describe('when a lapsed lease may be reaped', () => {
  const rec = (leaseExpiresAt: number, owner = 'a'): SessionRecord =>
    ({ teamId: 'T', channel: 'C', threadTs: '1.1', owner, leaseExpiresAt }) as SessionRecord;

  function sweep(w: LapseWatch, ...recs: SessionRecord[]): boolean[] {
    w.begin();
    const due = recs.map((r) => w.due(r));
    w.end();
    return due;
  }

  it('only after the same lease was seen lapsed for the grace period', () => {
    let now = 0;
    const w = new LapseWatch(5_000, () => now);
    expect(sweep(w, rec(100))).toEqual([false]);
    now = 4_999;
    expect(sweep(w, rec(100))).toEqual([false]);
    now = 5_000;
    expect(sweep(w, rec(100))).toEqual([true]);
  });

  it('starts over when the owner wrote in between (a renewal, or another owner)', () => {
    let now = 0;
    const w = new LapseWatch(5_000, () => now);
    sweep(w, rec(100));
    now = 6_000;
    expect(sweep(w, rec(200))).toEqual([false]);
    now = 12_000;
    expect(sweep(w, rec(200, 'b'))).toEqual([false]);
    now = 17_000;
    expect(sweep(w, rec(200, 'b'))).toEqual([true]);
  });

  it('forgets a lease that was not lapsed in the last sweep', () => {
    let now = 0;
    const w = new LapseWatch(5_000, () => now);
    sweep(w, rec(100));
    now = 3_000;
    sweep(w);
    now = 6_000;
    expect(sweep(w, rec(100))).toEqual([false]);
  });
});
