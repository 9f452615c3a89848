/**
 * Spilled replies (src/core/reply-spill.ts, reply-stream-spill.ts) on fake timers: one run's
 * ReplyStream through the real ScheduledSlackWriter and SlackScheduler, with chat.update made
 * scarce (as a busy workspace makes it for each run) or left as Slack's (a quiet workspace).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlackWriteError } from '../../src/core/ports.ts';
import { SPILL_AFTER_MS, SPILL_GAP_MS, spillDecision } from '../../src/core/reply-spill.ts';
import { finish, SCARCE, setup, squash, write } from '../helpers/spill-thread.ts';

describe('spillDecision', () => {
  const base = { now: 100_000, unshownSince: 90_000, editWaiting: true, lastSpillAt: undefined };
  it('spills text whose waiting edit has not come for SPILL_AFTER_MS', () => {
    expect(spillDecision(base)).toEqual({ now: true });
    expect(spillDecision({ ...base, unshownSince: 98_000 })).toEqual({
      now: false,
      at: 98_000 + SPILL_AFTER_MS,
    });
  });
  it('never without an edit waiting in the scheduler, nor with everything shown', () => {
    expect(spillDecision({ ...base, editWaiting: false })).toEqual({ now: false });
    expect(spillDecision({ ...base, unshownSince: undefined })).toEqual({ now: false });
  });
  it('at most once per SPILL_GAP_MS per run', () => {
    expect(spillDecision({ ...base, lastSpillAt: 95_000 })).toEqual({
      now: false,
      at: 95_000 + SPILL_GAP_MS,
    });
  });
});

describe('ReplyStream spills', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('under congestion posts the waiting text as plain replies, complete, once each, spaced', async () => {
    const { thread, s } = setup(SCARCE);
    await s.open();
    const text = await write(s, 40);
    const head = thread.messages[0]!;
    const spills = thread.calls.filter((c) => c.method === 'post').slice(1);
    expect(spills.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < spills.length; i++)
      expect(spills[i]!.at - spills[i - 1]!.at).toBeGreaterThanOrEqual(SPILL_GAP_MS);
    // While the run goes on the head keeps the status and Stop; the spilled replies hold text only.
    expect(thread.hasStop(head)).toBe(true);
    for (const m of thread.messages.slice(1)) expect(thread.hasStop(m)).toBe(false);
    // Nothing shown twice, nothing out of order: the thread is a prefix of what was written.
    expect(squash(text).startsWith(thread.shown)).toBe(true);
    expect(thread.shown.length).toBeGreaterThan(text.length - 20 * 10 * (SPILL_GAP_MS / 1000 + 1));

    const updatesBefore = thread.calls.filter((c) => c.method === 'update').length;
    const postsBefore = thread.calls.filter((c) => c.method === 'post').length;
    await finish(s, 'done');
    // The final: the rest with the footer in one post, one edit to take the head's controls away.
    expect(thread.calls.filter((c) => c.method === 'update').length - updatesBefore).toBe(1);
    expect(thread.calls.filter((c) => c.method === 'post').length - postsBefore).toBe(1);
    expect(thread.shown).toBe(squash(text));
    expect(thread.hasStop(head)).toBe(false);
    expect(JSON.stringify(head.blocks)).toContain('the answer continues below');
    expect(JSON.stringify(thread.messages.at(-1)!.blocks)).toMatch(/Done|done/);
  }, 60_000);

  it('shows a first text that cannot get an edit within SPILL_AFTER_MS', async () => {
    const { thread, s } = setup({
      'chat.update': { limit: 1, windowMs: 60_000, maxInWindow: 1, burst: 1, refillMs: 60_000 },
    });
    await s.open();
    // A status edit takes the one edit of the minute.
    s.toolStarted('t0', 'shell');
    await vi.advanceTimersByTimeAsync(1_000);
    s.toolFinished('t0', true);
    await write(s, 1);
    expect(thread.shown).toBe('');
    await vi.advanceTimersByTimeAsync(SPILL_AFTER_MS);
    expect(thread.messages).toHaveLength(2);
    expect(thread.shown).not.toBe('');
    await finish(s, 'done');
  }, 60_000);

  it('at Slack’s own budget a lone run never spills: one message, edited', async () => {
    const { thread, s } = setup();
    await s.open();
    const text = await write(s, 40);
    await finish(s, 'done');
    expect(thread.messages).toHaveLength(1);
    expect(thread.shown).toBe(squash(text));
  }, 60_000);

  it('a run stopped after spilling keeps every character and loses its Stop button', async () => {
    const { thread, s } = setup(SCARCE);
    await s.open();
    const text = await write(s, 15);
    s.toolStarted('t1', 'running `kubectl get pods`');
    await vi.advanceTimersByTimeAsync(2_000);
    await finish(s, 'stopped');
    expect(thread.messages.length).toBeGreaterThan(2);
    expect(thread.shown).toBe(squash(text));
    for (const m of thread.messages) expect(thread.hasStop(m)).toBe(false);
  }, 60_000);

  it('an edit Slack refuses (not a 429) leaves its text unshown, so a later spill still carries it', async () => {
    const { thread, s } = setup(SCARCE);
    // Every intermediate edit of the first reply fails as a 5xx would: only spills and the final show text.
    const update = thread.update.bind(thread);
    let refused = 0;
    thread.update = async (c, ts, m) => {
      if (ts === '1.1' && refused < 2) {
        refused++;
        throw new SlackWriteError('internal_error', 'Slack answered 500');
      }
      return update(c, ts, m);
    };
    await s.open();
    const text = await write(s, 40);
    await finish(s, 'done');
    expect(refused).toBeGreaterThan(0);
    expect(thread.messages.length).toBeGreaterThan(2);
    expect(thread.shown).toBe(squash(text));
  }, 60_000);

  it('an edit whose answer was lost (it landed) is not shown again by the next spill', async () => {
    const { thread, s } = setup(SCARCE);
    // Edits of spilled replies land at Slack but their answers are lost (a client timeout while the
    // event loop stalled): the bot cannot tell them from edits that never landed.
    const update = thread.update.bind(thread);
    let lost = 0;
    thread.update = async (c, ts, m) => {
      const out = await update(c, ts, m);
      if (ts !== '1.1' && lost < 3) {
        lost++;
        throw new SlackWriteError('slack_webapi_request_error', 'A request error occurred: timeout');
      }
      return out;
    };
    await s.open();
    const text = await write(s, 60);
    await finish(s, 'done');
    expect(lost).toBeGreaterThan(0);
    expect(thread.messages.length).toBeGreaterThan(3);
    expect(thread.shown).toBe(squash(text));
  }, 60_000);

  it('a spilled reply never ends inside a word (its continuation never starts with the rest of one)', async () => {
    const { thread, s } = setup(SCARCE);
    await s.open();
    // Tokens end inside words, as a model's do: "crashl" + "ooping pods " …
    let text = '';
    for (let i = 0; i < 400; i++) {
      const t = ['crashl', 'ooping p', 'ods in na', 'mespace ', `payments-${i} `][i % 5]!;
      text += t;
      s.appendText(t);
      await vi.advanceTimersByTimeAsync(100);
    }
    await finish(s, 'done');
    const bodies = thread.messages.map((m) => thread.body(m)).filter((b) => b.trim());
    expect(bodies.length).toBeGreaterThan(2);
    // A word split between two messages reads, joined, as one word of the text.
    const last = (b: string) => /\S+\s*$/.exec(b)![0].trim();
    const first = (b: string) => /^\s*\S+/.exec(b)![0].trim();
    // The first reply too: this run's first text is one unfinished word ("crashl"), which goes at once
    // (a person waits for it); the spill's cut moves back to its start and the first reply is edited.
    for (let i = 1; i < bodies.length; i++)
      expect(`${last(bodies[i - 1]!)}|${first(bodies[i]!)}`).not.toSatisfy((j: string) =>
        text.includes(j.replace('|', '')),
      );
    // Nothing twice, nothing lost (the rest of that word goes on at the start of the next reply).
    expect(thread.shown.replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
  }, 60_000);

  it('a spilled reply that fills up continues in the next one, code blocks closed and reopened', async () => {
    const { thread, s } = setup(SCARCE, 500);
    await s.open();
    let text = '';
    for (let i = 0; i < 300; i++) {
      const t = i % 40 === 5 ? '```bash\n' : i % 40 === 25 ? '```\n' : `line ${i} of the answer\n`;
      text += t;
      s.appendText(t);
      await vi.advanceTimersByTimeAsync(100);
    }
    await finish(s, 'done');
    expect(thread.messages.length).toBeGreaterThan(6);
    for (const m of thread.messages) expect(thread.body(m).length).toBeLessThanOrEqual(500);
    // Every message opens and closes its code blocks; read together they are the answer.
    for (const m of thread.messages) expect((thread.body(m).match(/```/g) ?? []).length % 2).toBe(0);
    const unfenced = (t: string) => squash(t.replace(/```\w*/g, ''));
    expect(unfenced(thread.messages.map((m) => thread.body(m)).join(' '))).toBe(unfenced(text));
  }, 60_000);
});
