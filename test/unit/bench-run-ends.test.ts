/**
 * When the benchmark may read its DynamoDB counters (bench/run-ends.ts): not at the footers, but once
 * every run's finish is recorded at the store and its trailing writes are done. The timelines are
 * the ones a spilled run has under load: its footer shows on a later reply, and its finish follows
 * its first reply's last edit, seconds later.
 */
import { describe, expect, it } from 'vitest';
import { runsOver, threadOfRequest } from '../../bench/run-ends.ts';

const runs = [
  { thread: 'C1#1.0', footer: true },
  { thread: 'C2#2.0', footer: true },
];

describe('bench: runs are over when the store has their ends', () => {
  it('footers shown but one finish still to come (a spilled run under load): not over', () => {
    // Run 2's footer showed at 10 s; its finish comes at 25 s, after its first reply's last edit.
    const ends = { 'C1#1.0': { finishAt: 9_000, lastAt: 9_100 }, 'C2#2.0': { lastAt: 8_000 } };
    const at = runsOver(runs, ends, 12_000);
    expect(at.footersShown).toBe(true);
    expect(at.over).toBe(false);
    expect(at.pending).toEqual(['C2#2.0']);
    const later = { ...ends, 'C2#2.0': { finishAt: 25_000, lastAt: 25_000 } };
    expect(runsOver(runs, later, 25_500).over).toBe(false); // its trailing writes may still come
    expect(runsOver(runs, later, 27_000).over).toBe(true);
  });

  it('a thread the store never heard of (its footer shown, nothing recorded): not over', () => {
    expect(runsOver(runs, { 'C1#1.0': { finishAt: 1, lastAt: 1 } }, 60_000)).toMatchObject({
      over: false,
      pending: ['C2#2.0'],
    });
  });

  it('a finish followed by more writes for the thread waits for them to stop', () => {
    const ends = {
      'C1#1.0': { finishAt: 1_000, lastAt: 2_900 },
      'C2#2.0': { finishAt: 1_000, lastAt: 1_000 },
    };
    expect(runsOver(runs, ends, 4_000).pending).toEqual(['C1#1.0']);
    expect(runsOver(runs, ends, 5_000).over).toBe(true);
  });

  it('a run without its footer (or its root) is not over, whatever the store saw', () => {
    const ends = { 'C1#1.0': { finishAt: 1, lastAt: 1 }, 'C2#2.0': { finishAt: 1, lastAt: 1 } };
    expect(runsOver([runs[0]!, { thread: 'C2#2.0', footer: false }], ends, 60_000).over).toBe(false);
    expect(runsOver([runs[0]!, { footer: false }], ends, 60_000).over).toBe(false);
    expect(runsOver(runs, ends, 60_000).over).toBe(true);
  });

  it('reads the thread from a request: session, turn log, agent close and Home run records', () => {
    const body = (o: unknown) => JSON.stringify(o);
    expect(
      threadOfRequest(
        body({ Key: { pk: { S: 'THREAD#T1#C9#17.5' }, sk: { S: 'SESSION' } }, UpdateExpression: 'SET' }),
      ),
    ).toBe('C9#17.5');
    expect(threadOfRequest(body({ Item: { pk: { S: 'THREAD#T1#C9#17.5' }, sk: { S: 'TURN#0001' } } }))).toBe(
      'C9#17.5',
    );
    expect(threadOfRequest(body({ Item: { pk: { S: 'HOME#U1' }, sk: { S: 'RUN#000123#C9#17.5' } } }))).toBe(
      'C9#17.5',
    );
    expect(threadOfRequest(body({ Key: { pk: { S: 'HOME#U1' }, sk: { S: 'OPENED' } } }))).toBeUndefined();
    expect(threadOfRequest(body({ Item: { pk: { S: 'SEEN#abc' }, sk: { S: 'SEEN' } } }))).toBeUndefined();
    expect(threadOfRequest('not json')).toBeUndefined();
  });
});
