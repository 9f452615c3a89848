import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/core/logger.ts';
import {
  type SlackMessage,
  SlackWriteError,
  type SlackWriter,
  type StreamChunk,
  type StreamStart,
} from '../../src/core/ports.ts';
import { ReplyStream } from '../../src/core/reply-stream.ts';
import { StreamBalance } from '../../src/core/reply-stream-native-balance.ts';
import { ScheduledSlackWriter } from '../../src/core/scheduled-writer.ts';
import { DEFAULT_BUDGETS, SlackScheduler } from '../../src/core/slack-scheduler.ts';
import { presenter } from '../../src/slack/blocks.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** A writer that logs every streaming call and fails the ones a test lines up. */
class StreamingWriter implements SlackWriter {
  log: string[] = [];
  markdown = new Map<string, string>();
  /** The latest task_update per task id, as Slack would show it. */
  tasks = new Map<string, StreamChunk>();
  fail: Array<{ method: string; code: string }> = [];
  private n = 0;
  private failing(method: string): void {
    const i = this.fail.findIndex((f) => f.method === method);
    if (i >= 0) {
      const [f] = this.fail.splice(i, 1);
      this.log.push(`${method}!${f!.code}`);
      throw new SlackWriteError(f!.code, f!.code);
    }
  }
  async post(): Promise<string> {
    this.log.push('post');
    return `p${++this.n}`;
  }
  async update(_c: string, ts: string, m: SlackMessage): Promise<void> {
    this.failing('update');
    this.log.push(`update ${ts}`);
    const md = (m.blocks as Array<{ type: string; text?: string }>).find((b) => b.type === 'markdown');
    this.markdown.set(ts, md?.text ?? '');
  }
  async join(): Promise<void> {}
  async react(): Promise<void> {}
  async unreact(): Promise<void> {}
  async startStream(s: StreamStart): Promise<string> {
    this.failing('startStream');
    const ts = `s${++this.n}`;
    this.log.push(`start ${ts} ${s.chunks?.map((c) => c.type).join(',')}`);
    this.markdown.set(ts, text(s.chunks ?? [], this.tasks));
    return ts;
  }
  async appendStream(_c: string, ts: string, chunks: StreamChunk[]): Promise<void> {
    this.failing('appendStream');
    this.log.push(`append ${ts}`);
    this.markdown.set(ts, (this.markdown.get(ts) ?? '') + text(chunks, this.tasks));
  }
  async stopStream(_c: string, ts: string, end: { chunks?: StreamChunk[] }): Promise<void> {
    this.failing('stopStream');
    this.log.push(`stop ${ts}`);
    this.markdown.set(ts, (this.markdown.get(ts) ?? '') + text(end.chunks ?? [], this.tasks));
  }
}

function text(chunks: StreamChunk[], tasks?: Map<string, StreamChunk>): string {
  for (const c of chunks) if (c.type === 'task_update') tasks?.set(c.id, c);
  return chunks.map((c) => (c.type === 'markdown_text' ? c.text : '')).join('');
}

function reply(writer: SlackWriter, extra: Partial<ConstructorParameters<typeof ReplyStream>[0]> = {}) {
  return new ReplyStream({
    writer,
    presenter,
    channel: 'C1',
    threadTs: '1.0',
    editIntervalMs: 5,
    bodyBudget: 10_000,
    log: silent,
    mode: 'native',
    recipientUserId: 'U1',
    team: 'T1',
    ...extra,
  });
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('native streaming repairs and stops', () => {
  it('opens with a task chunk, never empty', async () => {
    const w = new StreamingWriter();
    const r = reply(w);
    await r.open();
    expect(w.log[0]).toBe('start s1 task_update');
    r.appendText('Hello.');
    await r.finish({ outcome: 'done' });
    expect(w.markdown.get('s1')).toBe('Hello.');
  });

  it('an expired stream Slack still calls live (streaming_state_conflict) is stopped, then repaired', async () => {
    const w = new StreamingWriter();
    const r = reply(w);
    await r.open();
    r.appendText('Part one. ');
    await tick();
    w.fail.push({ method: 'appendStream', code: 'message_not_in_streaming_state' });
    w.fail.push({ method: 'update', code: 'streaming_state_conflict' });
    r.appendText('Part two.');
    await tick();
    await r.finish({ outcome: 'done' });
    const i = w.log.indexOf('update!streaming_state_conflict');
    expect(i).toBeGreaterThan(0);
    expect(w.log.slice(i + 1, i + 3)).toEqual(['stop s1', 'update s1']);
    expect(w.markdown.get('s1')).toBe('Part one.');
    expect([...w.markdown.values()].join('').replace(/\s+/g, '')).toBe('Partone.Parttwo.');
  });

  it('stopped_by_user calls onStoppedInSlack once, and the rest is written with edits', async () => {
    const w = new StreamingWriter();
    let stopped = 0;
    const r = reply(w, { onStoppedInSlack: () => stopped++ });
    await r.open();
    r.appendText('Some text. ');
    await tick();
    w.fail.push({ method: 'appendStream', code: 'stopped_by_user' });
    r.appendText('More text.');
    await tick();
    await r.finish({ outcome: 'stopped' });
    expect(stopped).toBe(1);
    // The stopped stream is not written to again.
    const after = w.log.slice(w.log.indexOf('appendStream!stopped_by_user') + 1);
    expect(after.some((l) => l.includes('s1'))).toBe(false);
    expect(r.currentMode).toBe('edit');
  });
});

describe('native streaming breaks messages between words', () => {
  it('after Slack stops a stream mid-word, the stopped message and the continuation each hold whole words', async () => {
    const w = new StreamingWriter();
    const r = reply(w, { onStoppedInSlack: () => undefined });
    await r.open();
    // The agent's text arrives in pieces that end inside words, as model output does.
    r.appendText('Set CP');
    await tick();
    w.fail.push({ method: 'appendStream', code: 'stopped_by_user' });
    r.appendText('U and mem');
    await tick();
    r.appendText('ory limits.');
    await r.finish({ outcome: 'stopped' });
    const texts = [...w.markdown.values()].filter((t) => t.trim());
    expect(texts.join('|')).not.toMatch(/[A-Za-z]\|[A-Za-z]/);
    for (const t of texts)
      for (const word of t.trim().split(/\s+/))
        expect(['Set', 'CPU', 'and', 'memory', 'limits.']).toContain(word);
  });

  it('a message that fills up ends between words when the text has no line break near the end', async () => {
    const w = new StreamingWriter();
    const r = reply(w, { streamMaxBytes: 1000 });
    await r.open();
    const words = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    r.appendText(words);
    await r.finish({ outcome: 'done' });
    const texts = [...w.markdown.values()].filter((t) => t.trim());
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) for (const word of t.trim().split(/\s+/)) expect(word).toMatch(/^word\d+$/);
    expect(texts.join(' ').trim().split(/\s+/).length).toBe(300);
  });
});

describe('native task titles say how each step ended', () => {
  it('a finished call reads as done; one cut short by a stop says it did not finish, and none is left in progress', async () => {
    const w = new StreamingWriter();
    const r = reply(w);
    await r.open();
    r.toolStarted('t1', 'running `aws eks describe-cluster`');
    r.toolFinished('t1', true);
    r.toolStarted('t2', 'running `sleep 30`');
    await tick();
    await r.finish({ outcome: 'stopped' });
    const t1 = w.tasks.get('t1') as { title: string; status: string };
    const t2 = w.tasks.get('t2') as { title: string; status: string };
    expect(t1).toMatchObject({ title: 'ran `aws eks describe-cluster`', status: 'complete' });
    expect(t2.status).toBe('error');
    expect(t2.title).toBe('running `sleep 30` (did not finish)');
  });
});

describe('native notes (waiting for a start slot, retrying a throttled start)', () => {
  it('a note shows as a task while it holds, and is marked done when it clears', async () => {
    const w = new StreamingWriter();
    const r = reply(w);
    await r.open();
    r.setNote('Waiting for the agent: 2 runs ahead of this one.');
    await tick();
    expect(w.tasks.get('reply-note')).toMatchObject({
      title: 'Waiting for the agent: 2 runs ahead of this one.',
      status: 'in_progress',
    });
    r.setNote('Waiting for the agent: this run is next.');
    await tick();
    expect(w.tasks.get('reply-note')).toMatchObject({
      title: 'Waiting for the agent: this run is next.',
      status: 'in_progress',
    });
    r.setNote(undefined);
    r.appendText('Hello.');
    await tick();
    await r.finish({ outcome: 'done' });
    expect(w.tasks.get('reply-note')).toMatchObject({ status: 'complete' });
    expect(w.markdown.get('s1')).toBe('Hello.');
  });

  it('a run that ends while its note holds leaves no task in progress', async () => {
    const w = new StreamingWriter();
    const r = reply(w);
    await r.open();
    r.setNote('Waiting for the agent: this run is next.');
    await tick();
    await r.finish({ outcome: 'stopped' });
    expect((w.tasks.get('reply-note') as { status: string }).status).not.toBe('in_progress');
  });
});

describe('native streaming is paced by the streaming budget, and falls back when stream starts are scarce', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const scheduled = (inner: SlackWriter) =>
    new ScheduledSlackWriter(inner, new SlackScheduler({ now: () => Date.now() }), 'T1');
  const appends = (w: StreamingWriter) => w.log.filter((l) => l.startsWith('append')).length;
  const START_BURST = DEFAULT_BUDGETS['chat.startStream']!.burst;

  it('text goes out as often as chat.appendStream allows, not once per edit interval', async () => {
    const inner = new StreamingWriter();
    const r = reply(scheduled(inner), { editIntervalMs: 1000 });
    await r.open();
    r.appendText('First words ');
    await vi.advanceTimersByTimeAsync(100);
    r.appendText('and more ');
    // The budget has tokens to spare: the second delta is on screen within a tenth of a second, not a second later.
    await vi.advanceTimersByTimeAsync(100);
    expect(appends(inner)).toBe(2);
    // Steady writing (a delta every 100 ms for 20 s): about one append per 645 ms refill plus the burst,
    // never over Slack's 100 per minute.
    for (let i = 0; i < 200; i++) {
      r.appendText(`word${i} `);
      await vi.advanceTimersByTimeAsync(100);
    }
    const n = appends(inner);
    expect(n).toBeGreaterThanOrEqual(28);
    expect(n).toBeLessThanOrEqual(40);
    const done = r.finish({ outcome: 'done' });
    await vi.advanceTimersByTimeAsync(10_000);
    await done;
    expect([...inner.markdown.values()].join('')).toContain('word199');
  });

  it('when no stream start is available now, the reply opens as an edited message at once instead of waiting for one', async () => {
    const inner = new StreamingWriter();
    const w = scheduled(inner);
    // The first runs take the stream-start burst; the next would wait seconds for chat.startStream.
    const rs = Array.from({ length: START_BURST + 1 }, (_, i) => reply(w, { runKey: `r${i}` }));
    const opened: number[] = [];
    const t0 = Date.now();
    const opens = rs.map((r) => r.open().then(() => opened.push(Date.now() - t0)));
    await vi.advanceTimersByTimeAsync(50);
    expect(opened.length).toBe(START_BURST + 1);
    expect(rs.map((r) => r.currentMode)).toEqual([...Array(START_BURST).fill('native'), 'edit']);
    await Promise.all(opens);
    rs[START_BURST]!.appendText('Shown by an edit.');
    const fin = Promise.all(rs.map((r) => r.finish({ outcome: 'done' })));
    await vi.advanceTimersByTimeAsync(30_000);
    await fin;
    expect([...inner.markdown.values()].join('')).toContain('Shown by an edit.');
  });

  it('runs of one workspace are split between streams and edits, and a finished run frees its place', async () => {
    const inner = new StreamingWriter();
    const w = scheduled(inner);
    const balance = new StreamBalance();
    // Two streams share the appends; a third would slow both more than an edit of its own costs.
    const rs = Array.from({ length: 3 }, (_, i) => reply(w, { runKey: `r${i}`, balance }));
    for (const r of rs) await r.open();
    expect(rs.map((r) => r.currentMode)).toEqual(['native', 'native', 'edit']);
    for (const [i, r] of rs.entries()) r.appendText(`Text of run ${i}.`);
    await rs[0]!.finish({ outcome: 'done' });
    const next = reply(w, { runKey: 'r3', balance });
    await next.open();
    expect(next.currentMode).toBe('native');
    next.appendText('Text of run 3.');
    const fin = Promise.all([...rs.slice(1), next].map((r) => r.finish({ outcome: 'done' })));
    await vi.advanceTimersByTimeAsync(30_000);
    await fin;
    expect(balance.counts('T1')).toEqual({ streaming: 0, editing: 0 });
    const shown = [...inner.markdown.values()].join(' ');
    for (let i = 0; i < 4; i++) expect(shown).toContain(`Text of run ${i}.`);
  });

  it('ten runs opening at once all get a stream start without waiting (the balance, not the start burst, decides)', async () => {
    const inner = new StreamingWriter();
    const w = scheduled(inner);
    const rs = Array.from({ length: 10 }, (_, i) => reply(w, { runKey: `r${i}` }));
    const opens = Promise.all(rs.map((r) => r.open()));
    await vi.advanceTimersByTimeAsync(50);
    expect(rs.map((r) => r.currentMode)).toEqual(Array(10).fill('native'));
    await vi.advanceTimersByTimeAsync(30_000);
    await opens;
    const fin = Promise.all(rs.map((r) => r.finish({ outcome: 'done' })));
    await vi.advanceTimersByTimeAsync(120_000);
    await fin;
  });

  it('a full stream continues as edited messages when no stream start is available, losing nothing', async () => {
    const inner = new StreamingWriter();
    const w = scheduled(inner);
    // Other runs take the rest of the stream-start burst: the next start is seconds away.
    const others = Array.from({ length: START_BURST - 1 }, (_, i) => reply(w, { runKey: `o${i}` }));
    const r = reply(w, { streamMaxBytes: 1000, runKey: 'me' });
    await r.open();
    await Promise.all(others.map((o) => o.open()));
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
    for (const word of words) {
      r.appendText(`${word} `);
      await vi.advanceTimersByTimeAsync(20);
    }
    const fin = Promise.all([r, ...others].map((x) => x.finish({ outcome: 'done' })));
    await vi.advanceTimersByTimeAsync(60_000);
    await fin;
    expect(inner.log.filter((l) => l.startsWith('start')).length).toBe(START_BURST);
    expect(r.currentMode).toBe('edit');
    const shown = [...inner.markdown.values()].join(' ').trim().split(/\s+/);
    expect(shown).toEqual(words);
  });
});

describe('a full stream waits for the next stream start when that comes sooner than its next edit', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /**
   * One run writes a word every 200 ms for 100 s into streams of 1,000 bytes while 18 other runs hold
   * the rest of chat.startStream's burst, so its first continuation can start only when the minute
   * has passed (~60 s). `edited` runs of the workspace are edited meanwhile (the balance's count).
   */
  async function fullStreamWith(edited: number) {
    const inner = new StreamingWriter();
    const w = new ScheduledSlackWriter(inner, new SlackScheduler({ now: () => Date.now() }), 'T1');
    const balance = new StreamBalance();
    for (let i = 0; i < edited; i++) balance.join('T1', false);
    const others = Array.from({ length: DEFAULT_BUDGETS['chat.startStream']!.burst - 1 }, (_, i) =>
      reply(w, { runKey: `o${i}` }),
    );
    const r = reply(w, { streamMaxBytes: 1000, runKey: 'me', balance });
    await r.open();
    await Promise.all(others.map((o) => o.open()));
    const words = Array.from({ length: 500 }, (_, i) => `w${i}`);
    for (const word of words) {
      r.appendText(`${word} `);
      await vi.advanceTimersByTimeAsync(200);
    }
    const fin = Promise.all([r, ...others].map((x) => x.finish({ outcome: 'done' })));
    await vi.advanceTimersByTimeAsync(60_000);
    await fin;
    const shown = [...inner.markdown.values()].join(' ').trim().split(/\s+/);
    expect(shown).toEqual(words);
    return { mode: r.currentMode, log: inner.log };
  }

  // Before: the continuation could not start within 300 ms, so the run was edited for the rest of
  // its answer, sharing chat.update with 50 others (an edit every ~68 s) although a stream start
  // came back within 60 s.
  it('50 runs are edited (an edit every ~68 s): the run waits for the start and keeps streaming', async () => {
    const { mode, log } = await fullStreamWith(50);
    expect(mode).toBe('native');
    expect(log.filter((l) => l === 'post' || l.startsWith('update'))).toEqual([]);
    expect(log.filter((l) => l.startsWith('start')).length).toBeGreaterThan(19);
  });

  it('no run is edited (an edit every ~1.3 s): the run goes on with edits at once, as before', async () => {
    const { mode, log } = await fullStreamWith(0);
    expect(mode).toBe('edit');
    expect(log.filter((l) => l === 'post').length).toBeGreaterThan(0);
  });
});
