/**
 * A replay of native-mode replies under the scheduler, on fake timers (the native twin of
 * edit-replay.ts): N runs (10 per channel, as in the benchmark) each post a root, open a reply and
 * write the benchmark's workload through the real ReplyStream (streams and edits split by the real
 * StreamBalance), ScheduledSlackWriter and SlackScheduler into an in-memory Slack that keeps every
 * version of every message. That Slack holds streams to the stand-in's limits: the fake's own
 * RateLimiter (Tier 2 starts and stops, Tier 4 appends, Tier 3 edits, one post a second per channel)
 * and a streamed message refused past STREAMED_MESSAGE_BYTES; what it would have refused is counted,
 * not thrown, so a test can assert there was none. The threads are measured with the benchmark's
 * measureThreads. The caller installs vi's fake timers.
 */
import { vi } from 'vitest';
import { measureThreads, type Produced, pct } from '../../bench/measure.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { SlackMessage, SlackWriter, StreamChunk, StreamStart } from '../../src/core/ports.ts';
import { ReplyStream } from '../../src/core/reply-stream.ts';
import { StreamBalance } from '../../src/core/reply-stream-native-balance.ts';
import { retryAfterOf, ScheduledSlackWriter } from '../../src/core/scheduled-writer.ts';
import { SlackScheduler } from '../../src/core/slack-scheduler.ts';
import { presenter } from '../../src/slack/blocks.ts';
import type { FakeSlack, StoredMessage } from '../../src/stand-ins/fake-slack.ts';
import { RateLimiter } from '../../src/stand-ins/fake-slack-rate-limits.ts';
import { STREAMED_MESSAGE_BYTES } from '../../src/stand-ins/fake-slack-streams.ts';
import { playWorkload, shownChars } from './replay-workload.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

interface Stored {
  channel: string;
  ts: string;
  threadTs?: string;
  botId: string;
  blocks: unknown[];
  versions: Array<{ at: number; blocks: unknown[] }>;
  /** Streamed messages: the Markdown so far and whether the stream is still open. */
  stream?: { markdown: string; open: boolean };
}

export interface NativeCall {
  at: number;
  method: string;
  run: number;
}

const markdownOf = (chunks: StreamChunk[] = []) =>
  chunks.map((c) => (c.type === 'markdown_text' ? c.text : '')).join('');

/** Keeps every message and version, like the fake Slack; counts what Slack would have refused. */
class Recorder implements SlackWriter {
  readonly messages = new Map<string, Stored>();
  readonly calls: NativeCall[] = [];
  readonly runOfThread = new Map<string, number>();
  /** Calls the stand-in would have answered with 429, and streams it would have refused. */
  readonly refused: string[] = [];
  /** Characters of agent text each method made visible (in the message it wrote), for the floor's accounting. */
  readonly shownBy: Record<string, number> = {};
  private readonly limits = new RateLimiter(true);
  private seq = 0;

  private count(method: string, channel: string, threadTs?: string): void {
    const run = threadTs ? (this.runOfThread.get(threadTs) ?? -1) : -1;
    this.calls.push({ at: Date.now(), method, run });
    if (this.limits.check(method, { channel }) !== undefined) this.refused.push(`${method} 429`);
  }
  private credit(method: string, chars: number): void {
    this.shownBy[method] = (this.shownBy[method] ?? 0) + Math.max(0, chars);
  }
  private store(channel: string, threadTs: string | undefined, blocks: unknown[], method: string): Stored {
    if (threadTs) this.credit(method, shownChars(blocks));
    const ts = `${++this.seq}.0`;
    const m: Stored = { channel, ts, threadTs, botId: 'B1', blocks, versions: [{ at: Date.now(), blocks }] };
    this.messages.set(ts, m);
    return m;
  }
  private set(m: Stored, blocks: unknown[], method: string): void {
    if (m.threadTs) this.credit(method, shownChars(blocks) - shownChars(m.blocks));
    m.blocks = blocks;
    m.versions.push({ at: Date.now(), blocks });
  }
  async post(channel: string, msg: SlackMessage, threadTs?: string): Promise<string> {
    this.count('chat.postMessage', channel, threadTs);
    return this.store(channel, threadTs, (msg.blocks ?? []) as unknown[], 'chat.postMessage').ts;
  }
  async update(channel: string, ts: string, msg: SlackMessage): Promise<void> {
    const m = this.messages.get(ts)!;
    this.count('chat.update', channel, m.threadTs);
    if (m.stream?.open) this.refused.push('chat.update streaming_state_conflict');
    this.set(m, (msg.blocks ?? []) as unknown[], 'chat.update');
  }
  async startStream(s: StreamStart): Promise<string> {
    this.count('chat.startStream', s.channel, s.threadTs);
    const markdown = markdownOf(s.chunks);
    const blocks = markdown ? [{ type: 'markdown', text: markdown }] : [];
    const m = this.store(s.channel, s.threadTs, blocks, 'chat.startStream');
    m.stream = { markdown, open: true };
    return m.ts;
  }
  async appendStream(channel: string, ts: string, chunks: StreamChunk[]): Promise<void> {
    const m = this.messages.get(ts)!;
    this.count('chat.appendStream', channel, m.threadTs);
    this.add(m, chunks, 'chat.appendStream');
  }
  async stopStream(
    channel: string,
    ts: string,
    end: { chunks?: StreamChunk[]; blocks?: unknown[] },
  ): Promise<void> {
    const m = this.messages.get(ts)!;
    this.count('chat.stopStream', channel, m.threadTs);
    this.add(m, end.chunks ?? [], 'chat.stopStream', end.blocks ?? []);
    m.stream!.open = false;
  }
  private add(m: Stored, chunks: StreamChunk[], method: string, extra: unknown[] = []): void {
    if (!m.stream?.open) this.refused.push('message_not_in_streaming_state');
    const markdown = m.stream!.markdown + markdownOf(chunks);
    if (Buffer.byteLength(markdown) > STREAMED_MESSAGE_BYTES) this.refused.push('msg_too_long');
    m.stream!.markdown = markdown;
    this.set(m, [...(markdown ? [{ type: 'markdown', text: markdown }] : []), ...extra], method);
  }
  async join(): Promise<void> {}
  async react(): Promise<void> {}
  async unreact(): Promise<void> {}
  asFake(): FakeSlack {
    return {
      replies: (_c: string, ts: string) => [...this.messages.values()].filter((m) => m.threadTs === ts),
    } as unknown as FakeSlack;
  }
}

export interface NativeReplay {
  stalenessP95: number;
  stalenessP50: number;
  /** Per run: its first delta to its first text on screen. */
  firsts: number[];
  calls: NativeCall[];
  refused: string[];
  /** Characters of agent text each method made visible. */
  shownBy: Record<string, number>;
  lost: number;
  unfinished: number;
  endMs: number;
  /** Per run, its replies' full Markdown in order (to read the thread as one answer). */
  threads: string[];
  produced: Produced[];
}

/** Runs the replay to the end; the caller has called vi.useFakeTimers(). */
export async function replayNativeMode(o: { n: number; chars: number }): Promise<NativeReplay> {
  const t0 = Date.now();
  const sink = new Recorder();
  const writer = new ScheduledSlackWriter(sink, new SlackScheduler({ retryAfterOf }), 'T0REPLAY');
  const balance = new StreamBalance();
  const produced: Produced[] = Array.from({ length: o.n }, () => ({ text: '', times: [], lens: [] }));
  const roots: Array<StoredMessage | undefined> = new Array(o.n).fill(undefined);
  const runs = Array.from({ length: o.n }, async (_, i) => {
    const channel = `C${Math.floor(i / 10)}`;
    const rootTs = await writer.post(channel, { text: `bench-${i}`, blocks: [] });
    roots[i] = sink.messages.get(rootTs) as unknown as StoredMessage;
    sink.runOfThread.set(rootTs, i);
    const s = new ReplyStream({
      writer,
      presenter,
      channel,
      threadTs: rootTs,
      editIntervalMs: 1_000,
      bodyBudget: 10_000,
      log: silent,
      team: 'T0REPLAY',
      recipientUserId: 'U0REPLAY',
      mode: 'native',
      balance,
      runKey: `run-${i}`,
      stopValue: `stop-${i}`,
    });
    await s.open();
    await playWorkload(s, i, o.chars, produced[i]!);
    await s.finish({ outcome: 'done' });
  });
  let settled = false;
  const all = Promise.all(runs).then(() => {
    settled = true;
  });
  while (!settled) await vi.advanceTimersByTimeAsync(1_000);
  await all;
  const m = measureThreads(sink.asFake(), roots, produced);
  return {
    stalenessP95: pct(m.stale, 95),
    stalenessP50: pct(m.stale, 50),
    firsts: m.firsts,
    calls: sink.calls.map((c) => ({ ...c, at: c.at - t0 })),
    refused: sink.refused,
    shownBy: sink.shownBy,
    lost: m.lost,
    unfinished: m.unfinished,
    endMs: Date.now() - t0,
    threads: roots.map((r) =>
      [...sink.messages.values()]
        .filter((x) => x.threadTs === r!.ts)
        .map((x) =>
          (x.blocks as Array<{ type: string; text?: string }>)
            .filter((b) => b.type === 'markdown')
            .map((b) => b.text ?? '')
            .join(''),
        )
        .join(''),
    ),
    produced,
  };
}
