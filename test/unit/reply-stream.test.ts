import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/core/logger.ts';
import { type SlackMessage, SlackWriteError, type SlackWriter } from '../../src/core/ports.ts';
import { ReplyStream } from '../../src/core/reply-stream.ts';
import { presenter } from '../../src/slack/blocks.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

class RecordingWriter implements SlackWriter {
  posts: Array<{ ts: string; message: SlackMessage; at: number }> = [];
  updates: Array<{ ts: string; message: SlackMessage; at: number }> = [];
  failUpdates: string[] = [];
  async post(_c: string, message: SlackMessage): Promise<string> {
    const ts = `1.${this.posts.length}`;
    this.posts.push({ ts, message, at: Date.now() });
    return ts;
  }
  async update(_c: string, ts: string, message: SlackMessage): Promise<void> {
    const code = this.failUpdates.shift();
    if (code) throw new SlackWriteError(code, code);
    this.updates.push({ ts, message, at: Date.now() });
  }
  async join(): Promise<void> {}
  async react(): Promise<void> {}
  async unreact(): Promise<void> {}
  body(ts: string): string {
    const last = [...this.updates].reverse().find((u) => u.ts === ts) ?? this.posts.find((p) => p.ts === ts);
    return (last!.message.blocks as Array<{ type: string; text?: string }>)
      .filter((b) => b.type === 'markdown')
      .map((b) => b.text)
      .join('');
  }
}

function stream(writer: SlackWriter, editIntervalMs = 1000, bodyBudget = 11_000) {
  return new ReplyStream({
    writer,
    presenter,
    channel: 'C1',
    threadTs: '1.0',
    editIntervalMs,
    bodyBudget,
    log: silent,
  });
}

describe('ReplyStream', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces deltas: at most one edit per interval, and the final edit holds everything', async () => {
    const w = new RecordingWriter();
    const s = stream(w, 1000);
    await s.open();
    let expected = '';
    for (let i = 0; i < 500; i++) {
      const t = `token${i} `;
      expected += t;
      s.appendText(t);
      await vi.advanceTimersByTimeAsync(20); // 50 tokens a second for 10 s
    }
    await s.finish({ outcome: 'done' });
    const intermediate = w.updates.slice(0, -1);
    expect(intermediate.length).toBeLessThanOrEqual(11);
    expect(intermediate.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < intermediate.length; i++) {
      expect(intermediate[i]!.at - intermediate[i - 1]!.at).toBeGreaterThanOrEqual(1000);
    }
    expect(w.body('1.0')).toBe(expected.trimEnd());
  });

  it('shows the first text within one interval of the first delta', async () => {
    const w = new RecordingWriter();
    const s = stream(w, 1000);
    await s.open();
    await vi.advanceTimersByTimeAsync(5000);
    s.appendText('first words');
    await vi.advanceTimersByTimeAsync(1);
    expect(w.updates.at(-1)?.message.text).toBe('first words');
    await s.finish({ outcome: 'done' });
  });

  it('shows the first text at once even when a status edit has just gone out', async () => {
    const w = new RecordingWriter();
    const s = stream(w, 1000);
    await s.open();
    s.toolStarted('t1', 'running `kubectl get nodes`');
    await vi.advanceTimersByTimeAsync(1000); // the status edit goes out; the next is 1 s away
    s.appendText('first words');
    await vi.advanceTimersByTimeAsync(1);
    expect(w.updates.at(-1)?.message.text).toBe('first words');
    await s.finish({ outcome: 'done' });
  });

  it('continues in new messages when the text outgrows one, losing nothing', async () => {
    const w = new RecordingWriter();
    const s = stream(w, 100, 500);
    await s.open();
    const paragraphs = Array.from({ length: 20 }, (_, i) => `Paragraph ${i}: ${'detail '.repeat(15)}`);
    for (const p of paragraphs) {
      s.appendText(`${p}\n\n`);
      await vi.advanceTimersByTimeAsync(50);
    }
    await s.finish({ outcome: 'done' });
    expect(w.posts.length).toBeGreaterThan(3);
    const all = w.posts.map((p) => w.body(p.ts)).join('\n\n');
    expect(all.replace(/\s+/g, ' ').trim()).toBe(paragraphs.join(' ').replace(/\s+/g, ' ').trim());
    for (const p of w.posts) expect(w.body(p.ts).length).toBeLessThanOrEqual(500);
  });

  it('a message that fills up is finished by the run’s own intermediate edit, not an extra one', async () => {
    // chat.update is the workspace's scarcest budget: finishing a full message with an edit of its
    // own, then editing the continuation, would spend two of the run's turns on one.
    const w = new RecordingWriter();
    const s = stream(w, 100, 500);
    await s.open();
    const paragraphs = Array.from({ length: 20 }, (_, i) => `Paragraph ${i}: ${'detail '.repeat(15)}`);
    for (const p of paragraphs) {
      s.appendText(`${p}\n\n`);
      await vi.advanceTimersByTimeAsync(50);
    }
    const beforeFinal = w.updates.length;
    await s.finish({ outcome: 'done' });
    const intermediate = w.updates.slice(0, beforeFinal);
    expect(w.posts.length).toBeGreaterThan(3);
    // One edit per flush: never two edits at the same moment.
    const times = intermediate.map((u) => u.at);
    expect(new Set(times).size).toBe(times.length);
    const all = w.posts.map((p) => w.body(p.ts)).join('\n\n');
    expect(all.replace(/\s+/g, ' ').trim()).toBe(paragraphs.join(' ').replace(/\s+/g, ' ').trim());
    for (const p of w.posts) expect(w.body(p.ts).length).toBeLessThanOrEqual(500);
  });

  it('falls back to plain messages when Slack refuses the final content', async () => {
    const w = new RecordingWriter();
    const s = stream(w, 100);
    await s.open();
    s.appendText('The whole answer.');
    w.failUpdates = ['invalid_blocks', 'invalid_blocks', 'invalid_blocks', 'invalid_blocks'];
    await s.finish({ outcome: 'done' });
    expect(w.posts.some((p) => p.message.text === 'The whole answer.')).toBe(true);
  });
});
