/**
 * A replay of edit-mode replies under the scheduler, on fake timers: N runs (10 per channel, as in the
 * benchmark) each post a root, open a reply and write the benchmark's workload (bench/workload.ts:
 * a tool call, then 20 characters every 100 ms, a tool call every 4 KB) through the real ReplyStream,
 * ScheduledSlackWriter and SlackScheduler into an in-memory Slack that keeps every version of every
 * message. The threads are measured with the benchmark's own measureThreads, so the scheduler's
 * decisions can be judged without the machine's load: the caller installs vi's fake timers.
 */
import { vi } from 'vitest';
import type { SlackBudgetLog } from '../../bench/first-text-budget.ts';
import { measureThreads, type Produced, pct } from '../../bench/measure.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { SlackMessage, SlackWriter } from '../../src/core/ports.ts';
import { ReplyStream, type ReplyStreamOptions } from '../../src/core/reply-stream.ts';
import { retryAfterOf, ScheduledSlackWriter } from '../../src/core/scheduled-writer.ts';
import { DEFAULT_BUDGETS, firstTextBudgets } from '../../src/core/slack-budgets.ts';
import { SlackScheduler } from '../../src/core/slack-scheduler.ts';
import { presenter } from '../../src/slack/blocks.ts';
import type { FakeSlack, StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { playWorkload, shownChars } from './replay-workload.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

interface Stored {
  channel: string;
  ts: string;
  threadTs?: string;
  botId: string;
  blocks: unknown[];
  versions: Array<{ at: number; blocks: unknown[] }>;
}

export interface SlackCall {
  at: number;
  method: 'chat.postMessage' | 'chat.update';
  run: number;
  channel: string;
  /** Characters of agent text the call made visible for the first time in that message. */
  added: number;
  /** The message edited, or the thread posted in. */
  ts?: string;
}

/** Keeps every message and version, like the fake Slack, and which run each call served. */
class Recorder implements SlackWriter {
  readonly messages = new Map<string, Stored>();
  readonly calls: SlackCall[] = [];
  readonly runOfThread = new Map<string, number>();
  private seq = 0;
  async post(channel: string, m: SlackMessage, threadTs?: string): Promise<string> {
    const ts = `${++this.seq}.0`;
    const blocks = (m.blocks ?? []) as unknown[];
    this.messages.set(ts, {
      channel,
      ts,
      threadTs,
      botId: 'B1',
      blocks,
      versions: [{ at: Date.now(), blocks }],
    });
    const run = threadTs ? this.runOfThread.get(threadTs)! : -1;
    this.calls.push({
      at: Date.now(),
      method: 'chat.postMessage',
      run,
      channel,
      added: threadTs ? shownChars(blocks) : 0,
      ts: threadTs,
    });
    return ts;
  }
  async update(channel: string, ts: string, m: SlackMessage): Promise<void> {
    const s = this.messages.get(ts)!;
    const before = shownChars(s.blocks);
    s.blocks = (m.blocks ?? []) as unknown[];
    s.versions.push({ at: Date.now(), blocks: s.blocks });
    const run = this.runOfThread.get(s.threadTs!)!;
    this.calls.push({
      at: Date.now(),
      method: 'chat.update',
      run,
      channel,
      added: Math.max(0, shownChars(s.blocks) - before),
      ts,
    });
  }
  async join(): Promise<void> {}
  async react(): Promise<void> {}
  async unreact(): Promise<void> {}
  /** The slice of FakeSlack that measureThreads reads. */
  asFake(): FakeSlack {
    return {
      replies: (_c: string, ts: string) => [...this.messages.values()].filter((m) => m.threadTs === ts),
      // As the fake logs them, for measureThreads' --debug account of first-text misses.
      calls: this.calls.map((c) => ({
        method: c.method,
        at: c.at,
        params: { channel: c.channel, ts: c.ts },
        status: 200,
      })),
    } as unknown as FakeSlack;
  }
}

export interface ReplayOptions {
  n: number;
  chars: number;
  /** Milliseconds between two runs' commands (the benchmark sends them at once: 0). */
  startGapMs?: number;
  editIntervalMs?: number;
  runsPerChannel?: number;
  /** Spilled replies under load (src/core/reply-spill.ts); false: edits alone, as before issue 21's spill. */
  spill?: ReplyStreamOptions['spill'];
  /** Print measureThreads' debug account (lost text, allowed first texts that missed). */
  debug?: boolean;
}

export interface Replay {
  stalenessP95: number;
  stalenessP50: number;
  /** Per run: its first delta to its first text on screen. */
  firsts: number[];
  /** Runs whose first text Slack's limits allowed within 300 ms (bench/first-text-budget.ts), and of those how many made it. */
  firstAllowed: number;
  firstMetAllowed: number;
  /** When each run's first delta was written (ms after the start). */
  firstDeltaAt: number[];
  calls: SlackCall[];
  lost: number;
  unfinished: number;
  endMs: number;
  produced: Produced[];
  /** Each run's thread as read: the Markdown of its replies, in order. */
  threads: string[];
}

/** What reached Slack, as the benchmark logs it for the first-text target (bench/scenario.ts). */
function budgetLog(calls: SlackCall[]): SlackBudgetLog {
  const posts = new Map<string, number[]>();
  for (const c of calls)
    if (c.method === 'chat.postMessage') posts.set(c.channel, [...(posts.get(c.channel) ?? []), c.at]);
  const update = DEFAULT_BUDGETS['chat.update']!;
  const post = DEFAULT_BUDGETS['chat.postMessage']!;
  return {
    updates: calls.filter((c) => c.method === 'chat.update').map((c) => c.at),
    posts,
    updateLimit: update.limit,
    updateWindowMs: update.windowMs,
    postEveryMs: post.windowMs / post.limit,
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs the replay to the end; the caller has called vi.useFakeTimers(). */
export async function replayEditMode(o: ReplayOptions): Promise<Replay> {
  const t0 = Date.now();
  const perChannel = o.runsPerChannel ?? 10;
  const sink = new Recorder();
  // As the bot composes it (src/compose/slack-writer.ts): the first-text credit follows the spill setting.
  const scheduler = new SlackScheduler({ retryAfterOf, budgets: firstTextBudgets(o.spill !== false) });
  const writer = new ScheduledSlackWriter(sink, scheduler, 'T0REPLAY');
  const produced: Produced[] = Array.from({ length: o.n }, () => ({ text: '', times: [], lens: [] }));
  const roots: Array<StoredMessage | undefined> = new Array(o.n).fill(undefined);
  const firstDeltaAt: number[] = new Array(o.n).fill(Number.NaN);
  const runs = Array.from({ length: o.n }, async (_, i) => {
    await sleep(i * (o.startGapMs ?? 0));
    const channel = `C${Math.floor(i / perChannel)}`;
    const rootTs = await writer.post(channel, { text: `bench-${i}`, blocks: [] });
    roots[i] = sink.messages.get(rootTs) as unknown as StoredMessage;
    sink.runOfThread.set(rootTs, i);
    const s = new ReplyStream({
      writer,
      presenter,
      channel,
      threadTs: rootTs,
      editIntervalMs: o.editIntervalMs ?? 1_000,
      bodyBudget: 10_000,
      log: silent,
      team: 'T0REPLAY',
      runKey: `run-${i}`,
      stopValue: `stop-${i}`,
      ...(o.spill !== undefined ? { spill: o.spill } : {}),
    });
    await s.open();
    await playWorkload(s, i, o.chars, produced[i]!, () => {
      if (Number.isNaN(firstDeltaAt[i]!)) firstDeltaAt[i] = Date.now() - t0;
    });
    await s.finish({ outcome: 'done' });
  });
  let settled = false;
  const all = Promise.all(runs).then(() => {
    settled = true;
  });
  while (!settled) await vi.advanceTimersByTimeAsync(1_000);
  await all;
  const m = measureThreads(sink.asFake(), roots, produced, o.debug ?? false, t0, budgetLog(sink.calls));
  return {
    stalenessP95: pct(m.stale, 95),
    stalenessP50: pct(m.stale, 50),
    firsts: m.firsts,
    firstAllowed: m.firstAllowed ?? 0,
    firstMetAllowed: m.firstMetAllowed ?? 0,
    firstDeltaAt,
    calls: sink.calls.map((c) => ({ ...c, at: c.at - t0 })),
    lost: m.lost,
    unfinished: m.unfinished,
    endMs: Date.now() - t0,
    produced,
    threads: roots.map((root) =>
      [...sink.messages.values()]
        .filter((x) => x.threadTs === root!.ts)
        .map((x) =>
          (x.blocks as Array<{ type: string; text?: string }>)
            .filter((b) => b.type === 'markdown')
            .map((b) => b.text ?? '')
            .join(''),
        )
        // Messages are apart in the thread: a fence that ends one is not glued to the next's first word.
        .join('\n'),
    ),
  };
}
