import { describe, expect, it } from 'vitest';
import { startQueueNote } from '../../src/core/start-queue-note.ts';

describe('startQueueNote', () => {
  it('counts the runs ahead exactly while the queue is short', () => {
    expect(startQueueNote(0)).toBe('Waiting for the agent: this run is next.');
    expect(startQueueNote(1)).toBe('Waiting for the agent: 1 run ahead of this one.');
    expect(startQueueNote(10)).toBe('Waiting for the agent: 10 runs ahead of this one.');
  });

  it('tells a long queue in steps that stay true, so the note changes (and costs an edit) less often', () => {
    expect(startQueueNote(11)).toBe('Waiting for the agent: more than 10 runs ahead of this one.');
    expect(startQueueNote(47)).toBe('Waiting for the agent: more than 40 runs ahead of this one.');
    expect(startQueueNote(50)).toBe('Waiting for the agent: more than 40 runs ahead of this one.');
    expect(startQueueNote(100)).toBe('Waiting for the agent: more than 90 runs ahead of this one.');
    expect(startQueueNote(101)).toBe('Waiting for the agent: more than 100 runs ahead of this one.');
    expect(startQueueNote(950)).toBe('Waiting for the agent: more than 900 runs ahead of this one.');
    const notes = new Set(Array.from({ length: 1000 }, (_, i) => startQueueNote(i)));
    expect(notes.size).toBeLessThan(40);
  });
});
