import { describe, expect, it } from 'vitest';
import { balanceOf, StreamBalance, shouldStream } from '../../src/core/reply-stream-native-balance.ts';

describe('native mode: which runs of a workspace stream and which are edited', () => {
  it('a lone run streams (appends every ~0.65 s beat edits every ~1.3 s)', () => {
    expect(shouldStream({ streaming: 0, editing: 0 })).toBe(true);
    expect(shouldStream({ streaming: 1, editing: 0 })).toBe(true);
  });

  it('a third run is edited: three streams wait ~1.9 s each, two streams and one edit ~1.3 s', () => {
    expect(shouldStream({ streaming: 2, editing: 0 })).toBe(false);
    expect(shouldStream({ streaming: 2, editing: 1 })).toBe(true);
  });

  it('ten runs opening one after another: seven streamed, three edited (both budgets carry text)', () => {
    const b = new StreamBalance();
    const seats = Array.from({ length: 10 }, () => b.join('T1'));
    expect(seats.filter((s) => s.mode === 'streaming').length).toBe(7);
    expect(b.counts('T1')).toEqual({ streaming: 7, editing: 3 });
  });

  it('a run that falls back to edits counts as edited; a run that ends counts no more', () => {
    const b = new StreamBalance();
    const [a, c] = [b.join('T1'), b.join('T1')];
    a.toEditing();
    expect(b.counts('T1')).toEqual({ streaming: 1, editing: 1 });
    a.leave();
    a.leave();
    c.leave();
    expect(b.counts('T1')).toEqual({ streaming: 0, editing: 0 });
  });

  it('workspaces have their own budgets, so their runs do not count for each other', () => {
    const b = new StreamBalance();
    b.join('T1');
    b.join('T1');
    expect(b.join('T2').mode).toBe('streaming');
    expect(b.join('T1').mode).toBe('editing');
  });

  it('a run that cannot stream is edited', () => {
    expect(new StreamBalance().join('T1', false).mode).toBe('editing');
  });

  it('one balance per writer', () => {
    const w = {};
    expect(balanceOf(w)).toBe(balanceOf(w));
    expect(balanceOf({})).not.toBe(balanceOf(w));
  });
});
