/**
 * One run's ReplyStream through the real ScheduledSlackWriter and SlackScheduler into an in-memory
 * thread, on fake timers (the caller installs them): the spilled-reply tests' rig
 * (test/unit/reply-spill*.test.ts).
 */
import { vi } from 'vitest';
import type { Logger } from '../../src/core/logger.ts';
import type { SlackMessage, SlackWriter } from '../../src/core/ports.ts';
import { ReplyStream } from '../../src/core/reply-stream.ts';
import { retryAfterOf, ScheduledSlackWriter } from '../../src/core/scheduled-writer.ts';
import { type MethodBudget, SlackScheduler } from '../../src/core/slack-scheduler.ts';
import { presenter } from '../../src/slack/blocks.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

export interface Msg {
  ts: string;
  blocks: Array<{ type: string; text?: string; elements?: unknown[] }>;
}

export class Thread implements SlackWriter {
  readonly messages: Msg[] = [];
  readonly calls: Array<{ method: 'post' | 'update'; at: number; ts: string }> = [];
  async post(_c: string, m: SlackMessage): Promise<string> {
    const ts = `1.${this.messages.length + 1}`;
    this.messages.push({ ts, blocks: m.blocks as Msg['blocks'] });
    this.calls.push({ method: 'post', at: Date.now(), ts });
    return ts;
  }
  async update(_c: string, ts: string, m: SlackMessage): Promise<void> {
    this.messages.find((x) => x.ts === ts)!.blocks = m.blocks as Msg['blocks'];
    this.calls.push({ method: 'update', at: Date.now(), ts });
  }
  async join(): Promise<void> {}
  async react(): Promise<void> {}
  async unreact(): Promise<void> {}
  body(m: Msg): string {
    return m.blocks
      .filter((b) => b.type === 'markdown')
      .map((b) => b.text)
      .join('');
  }
  /** The answer as the thread shows it, message after message (whitespace as the benchmark reads it). */
  get shown(): string {
    return squash(this.messages.map((m) => this.body(m)).join(' '));
  }
  hasStop(m: Msg): boolean {
    return m.blocks.some((b) => b.type === 'actions');
  }
}

export const squash = (t: string) => t.replace(/\s+/g, ' ').trim();

/**
 * Whether the messages' bodies, read in order, are the text exactly: each starts where the one
 * before ended (only whitespace between), nothing is repeated or left out, and every boundary falls
 * on whitespace (no word split between two messages). Returns what is wrong, if anything.
 */
export function tiling(text: string, bodies: string[]): string[] {
  const wrong: string[] = [];
  let pos = 0;
  for (const [i, body] of bodies.entries()) {
    const part = body.trim();
    if (!part) continue;
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
    if (!text.startsWith(part, pos)) {
      wrong.push(`message ${i} does not continue at ${pos}: ${JSON.stringify(part.slice(0, 30))}`);
      return wrong;
    }
    pos += part.length;
    if (pos < text.length && !/\s/.test(text[pos]!))
      wrong.push(`message ${i} ends inside a word: …${part.slice(-12)}|${text.slice(pos, pos + 12)}…`);
  }
  if (text.slice(pos).trim()) wrong.push(`left out: ${JSON.stringify(text.slice(pos, pos + 30))}`);
  return wrong;
}

/** The bodies of the thread's messages, in order. */
export const bodies = (thread: Thread): string[] => thread.messages.map((m) => thread.body(m));

/** A workspace so busy that this run gets one chat.update every 20 s. */
export const SCARCE: Record<string, MethodBudget> = {
  'chat.update': { limit: 3, windowMs: 60_000, maxInWindow: 3, burst: 1, refillMs: 20_000 },
};

export function setup(budgets?: Record<string, MethodBudget>, bodyBudget = 10_000) {
  const thread = new Thread();
  const writer = new ScheduledSlackWriter(
    thread,
    new SlackScheduler({ retryAfterOf, ...(budgets ? { budgets } : {}) }),
    'T1',
  );
  const s = new ReplyStream({
    writer,
    presenter,
    channel: 'C1',
    threadTs: '1.0',
    editIntervalMs: 1_000,
    bodyBudget,
    log: silent,
    team: 'T1',
    runKey: 'run-1',
    stopValue: 'stop-1',
  });
  return { thread, s };
}

/** 20 characters every 100 ms for `seconds`, as the benchmark's agent writes; returns the text. */
export async function write(s: ReplyStream, seconds: number): Promise<string> {
  let text = '';
  for (let i = 0; i < seconds * 10; i++) {
    const t = `w${String(i).padStart(4, '0')} words here. `.slice(0, 20);
    text += t;
    s.appendText(t);
    await vi.advanceTimersByTimeAsync(100);
  }
  return text;
}

/**
 * A model's tokens, 100 ms apart: they end inside words ("crashl" + "ooping"), the first one too
 * (`first`, the run's first text). Returns the text.
 */
export async function tokens(
  s: ReplyStream,
  count: number,
  first = 'The pods in payments are crashl',
): Promise<string> {
  let text = '';
  for (let i = 0; i < count; i++) {
    const t =
      i === 0 ? first : ['ooping p', 'ods in na', 'mespace ', `payments-${i} `, 'crashl'][(i - 1) % 5]!;
    text += t;
    s.appendText(t);
    await vi.advanceTimersByTimeAsync(100);
  }
  return text;
}

/** Finishes the run, letting the fake clock run while the final waits for its budget. */
export async function finish(s: ReplyStream, outcome: 'done' | 'stopped'): Promise<void> {
  let done = false;
  const f = s.finish({ outcome }).then(() => {
    done = true;
  });
  while (!done) await vi.advanceTimersByTimeAsync(1_000);
  await f;
}
