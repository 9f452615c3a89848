/**
 * The boundary rules a spill freezes messages at (src/core/reply-spill-bounds.ts), as pure functions:
 * a cut never lands inside a code fence's opening line, an edit made while the agent writes holds back
 * the word being written (so a later spill cannot freeze "crashl" | "ooping"), and the hold is bounded.
 */
import { describe, expect, it } from 'vitest';
import { cutEnd, HELD_WORD_CHARS, wordCut, writtenEnd } from '../../src/core/reply-spill-bounds.ts';

const idle = { holdWord: false, writing: false };
const writing = { holdWord: false, writing: true };
const congested = { holdWord: true, writing: false };

describe('writtenEnd', () => {
  it('shows everything when nobody is writing and the run is not congested', () => {
    expect(writtenEnd('Pods are crashl', 0, idle)).toBe(15);
  });
  it('holds back a word being written, while writing or congested', () => {
    const text = 'Pods are crashl';
    expect(text.slice(0, writtenEnd(text, 0, writing))).toBe('Pods are ');
    expect(text.slice(0, writtenEnd(text, 0, congested))).toBe('Pods are ');
  });
  it('shows a word ending in punctuation unless congested', () => {
    const text = 'Let me check the pods.';
    expect(writtenEnd(text, 0, writing)).toBe(text.length);
    expect(text.slice(0, writtenEnd(text, 0, congested))).toBe('Let me check the ');
  });
  it('does not hold text ending in whitespace, a word longer than the bound, or a whole first text', () => {
    expect(writtenEnd('Pods are ', 0, congested)).toBe(9);
    const url = `see https://${'x'.repeat(HELD_WORD_CHARS)}`;
    expect(writtenEnd(url, 0, congested)).toBe(url.length);
    // The only word since the frozen point: holding it would show nothing at all.
    expect(writtenEnd('Earlier text. crashl', 14, congested)).toBe(20);
  });
  it('stops before a code fence line still being written', () => {
    const text = 'Manifest:\n```yam';
    expect(text.slice(0, writtenEnd(text, 0, idle))).toBe('Manifest:\n');
  });
});

describe('cutEnd', () => {
  it('cuts where the message ends', () => {
    expect(cutEnd('Pods are crashlooping. Next', 22, 0)).toBe(22);
  });
  it('moves a cut inside a fence opening line back to the line start', () => {
    const text = 'Manifest:\n```yaml\nkind: Pod';
    expect(cutEnd(text, 14, 0)).toBe(10);
  });
  it('never cuts before what is already frozen', () => {
    expect(cutEnd('abc def', 2, 4)).toBe(4);
  });
});

describe('wordCut', () => {
  it('moves a cut inside a word to the word’s start', () => {
    expect(wordCut('Crashlooping pods', 6, 0)).toBe(0);
    expect(wordCut('The pods are crashlooping', 16, 0)).toBe(13);
  });
  it('leaves a cut between words, at the text’s end or at the frozen point alone', () => {
    expect(wordCut('The pods are', 8, 0)).toBe(8);
    expect(wordCut('The pods are', 9, 0)).toBe(9);
    expect(wordCut('The pods', 8, 0)).toBe(8);
    expect(wordCut('The pods are', 6, 6)).toBe(6);
  });
  it('never moves before what is already frozen', () => {
    expect(wordCut('Crashlooping pods', 8, 4)).toBe(4);
  });
});
