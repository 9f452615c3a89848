/**
 * One benchmark scenario (a strategy at N concurrent runs) and the 100-command ack burst: start the
 * stand-ins and the bot, send the commands at once, wait for every thread to finish (or the cap),
 * and turn what the stand-ins saw into one record.
 */
import { loadavg } from 'node:os';
import { DEFAULT_BUDGETS } from '../src/core/slack-scheduler.ts';
import type { FakeSlack, StoredMessage } from '../src/stand-ins/fake-slack.ts';
import { STREAMED_MESSAGE_BYTES } from '../src/stand-ins/fake-slack-streams.ts';
import { ask, startBotProcess, stopBot } from './bot-control.ts';
import type { SlackBudgetLog } from './first-text-budget.ts';
import { editFloor, nativeFloor } from './floor.ts';
import {
  ALL_METHODS,
  EDIT_METHODS,
  SPILL_ALL_METHODS,
  SPILL_EDIT_METHODS,
  sampleTimes,
  writerFloor,
} from './floor-writers.ts';
import { lateSeconds, watchLateness } from './loop-lateness.ts';
import { FIRST_TEXT_MS, finished, measureThreads, norm, type Produced, pct } from './measure.ts';
import { runsOver, type ThreadEnd, threadId } from './run-ends.ts';
import { channelOf, commandBurst, harnessCalls, SIGNING_SECRET, stands } from './stands.ts';
import { streamSeconds } from './workload.ts';

export interface BenchOptions {
  chars: number;
  /** Seconds a scenario may take; default its stream time + 60 s + 3 s × N. */
  capS?: number;
  cpuProfDir?: string;
  /** Seconds to wait after the footers for every run's end at the store; default 30 s + 1.2 s × N. */
  endWaitS?: number;
  embeddedDynamo?: boolean;
  debug?: boolean;
}

export interface BenchRecord {
  strategy: string;
  n: number;
  charsPerRun: number;
  channels: number;
  ackMs: { p50: number; p99: number };
  firstVisibleMs: { p50: number; p95: number };
  stalenessMs: { p50: number; p95: number };
  /**
   * Below every writer's p50/p95 staleness under the fake Slack's limits, from what the harness wrote
   * (bench/floor-writers.ts): posts and edits (edit-mode strategies), streams as well (streaming ones).
   */
  floorMs: { p50: number; p95: number; streamed?: number };
  /**
   * The same writers keeping the spill rule (at most one new message per run per 10 s,
   * bench/floor-writers.ts): a floor a reply design a person in the thread accepts could reach.
   */
  floorSpillMs?: { p50: number; p95: number };
  /** bench/floor.ts's floor, the figure before 30 Nov 18:00: chat.update only (native: streams and edits, no posts). */
  floorUpdatesOnlyMs?: { p50: number; p95: number; streamed?: number };
  /** Runs whose first text showed within 300 ms of their first delta, of the runs that wrote text. */
  /** `allowed`: runs Slack's budget let show first text in time (bench/first-text-budget.ts); `metAllowed` of those did. */
  firstTextOnTime: { runs: number; of: number; withinMs: number; allowed?: number; metAllowed?: number };
  /** From the command to the run's first text on screen (includes waiting for a reply to open). */
  commandToFirstTextMs: { p50: number; p95: number };
  /** Characters of unfinished runs not shown by the cap (not lost; `charsLost` counts real losses). */
  charsUndelivered: number;
  stalenessP95VsFloor: number;
  slackCallsPerRun: number;
  responses429: number;
  responses429ByMethod: Record<string, number>;
  charsLost: number;
  unfinishedRuns: number;
  /** Runs whose agent was invoked, and commands answered "cannot record" (the store's duplicate check timed out). */
  runsStarted: number;
  refusedCannotRecord: number;
  peakRssMb: number;
  cpuMs: number;
  /** Bot process CPU time ÷ its wall time (1 = one core busy throughout). */
  cpuAvgCores: number;
  wallS: number;
  /** Slack Web API calls per run, by method. */
  slackPerRun: Record<string, number>;
  /** DynamoDB requests per turn (one turn per run here), by purpose; counted at the stand-in. */
  dynamoPerTurn: Record<string, number>;
  /**
   * Estimated DynamoDB capacity units per turn (bench/dynamo-capacity.ts): read request units and
   * write request units, in all and by purpose. Older results have none.
   */
  dynamoUnitsPerTurn?: { rru: number; wru: number; byPurpose: Record<string, { rru: number; wru: number }> };
  /**
   * After the footers, the wait for every run's end at the store (bench/run-ends.ts) before the
   * DynamoDB counters were read; `pending` runs had none recorded by `limitS` (their cost is undercounted).
   */
  storeEnds?: { waitedS: number; limitS: number; pending: number };
  /** The bot's scheduler counters (ours only): calls granted, 429s it saw, edits replaced unsent. */
  scheduler?: { granted: number; rateLimited: number; replaced: number };
  /** 1-, 5- and 15-minute load averages of the machine at the start and the end of the scenario. */
  load: { start: number[]; end: number[] };
}

/** What reached the fake Slack, with Slack's own limits, to judge the first-text target by. */
export function budgetLog(
  all: Array<{ method: string; at: number; params: Record<string, unknown>; status?: number }>,
): SlackBudgetLog {
  // The fake (like Slack) does not count a call it refused with 429 against the limit.
  const calls = all.filter((c) => c.status !== 429);
  const posts = new Map<string, number[]>();
  for (const c of calls)
    if (c.method === 'chat.postMessage') {
      const ch = String(c.params.channel);
      posts.set(ch, [...(posts.get(ch) ?? []), c.at]);
    }
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

export const loads = () => loadavg().map((l) => Math.round(l * 10) / 10);

/** Capacity units per turn, in all and by purpose. */
export function unitsPerTurn(by: Record<string, { rru: number; wru: number }>, n: number) {
  const byPurpose = Object.fromEntries(
    Object.entries(by).map(([k, u]) => [k, { rru: u.rru / n, wru: u.wru / n }]),
  );
  const sum = (f: 'rru' | 'wru') => Object.values(by).reduce((a, u) => a + u[f], 0) / n;
  return { rru: sum('rru'), wru: sum('wru'), byPurpose };
}

export const perRun = (o: Record<string, number>, n: number) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round((v / n) * 100) / 100]));

export async function scenario(strategy: string, n: number, o: BenchOptions): Promise<BenchRecord> {
  const produced: Produced[] = Array.from({ length: n }, () => ({ times: [], lens: [], text: '' }));
  const loadStart = loads();
  const st = await stands({
    n,
    chars: o.chars,
    embeddedDynamo: o.embeddedDynamo,
    onText: (run, t, at) => {
      const p = produced[run];
      if (!p) return;
      p.text += norm(t);
      p.times.push(at);
      p.lens.push(p.text.length);
    },
  });
  const { slack, dynamo } = st;
  const { child, port } = await startBotProcess({ ...st.env, BENCH_STRATEGY: strategy }, o.cpuProfDir);
  slack.connectApp({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET });
  await dynamo.reset(); // the startup's own requests (table check, health record) are not a turn's
  const started = Date.now();
  const acks = await commandBurst(slack, n);
  const lateness = o.debug ? watchLateness(child, started) : undefined;
  const capS = o.capS ?? Math.round(streamSeconds(o.chars) + 60 + n * 3);
  const roots = () =>
    Array.from({ length: n }, (_, i) =>
      slack.rootMessages(channelOf(i)).find((m) => m.text.includes(`\`bench-${i}\``)),
    );
  while (!roots().every((r) => finished(slack, r)) && Date.now() - started < capS * 1000)
    await new Promise((r) => setTimeout(r, 250));
  const wallS = (Date.now() - started) / 1000;
  await lateness?.stop();
  if (lateness) console.error(`event loops late by more than 100 ms: ${lateSeconds(lateness.rows, 100)}`);
  const use = await ask<{
    maxRssMb: number;
    cpuMs: number;
    cpuAvgCores: number;
    scheduler?: BenchRecord['scheduler'];
  }>(child, 'usage');
  // CPU and wall time stop at the footers, as before; the store's counts wait for every run's end.
  // (chat-stream's baseline and an embedded store write nothing here: nothing to wait for.)
  const storeEnds =
    strategy === 'chat-stream' || o.embeddedDynamo
      ? undefined
      : await awaitStoreEnds(dynamo, slack, roots, o.endWaitS ?? Math.round(30 + 1.2 * n));
  await stopBot(child);

  const calls = slack.calls.filter((c) => c.method !== 'auth.test');
  const m = measureThreads(slack, roots(), produced, o.debug, started, budgetLog(calls));
  const byMethod: Record<string, number> = {};
  const limitedBy: Record<string, number> = {};
  for (const c of calls) {
    byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
    if (c.status === 429) limitedBy[c.method] = (limitedBy[c.method] ?? 0) + 1;
  }
  // The floor over every writer (bench/floor-writers.ts), and bench/floor.ts's: chat.update shared by
  // N runs; native mode the best split of the runs between streams and edits (posts not counted).
  const streaming = strategy === 'ours-native' || strategy === 'chat-stream';
  const sampled = produced.map((p, i) => ({ channel: channelOf(i), at: sampleTimes(p) }));
  const floor = writerFloor(sampled, streaming ? ALL_METHODS : EDIT_METHODS);
  const floorSpill = writerFloor(sampled, streaming ? SPILL_ALL_METHODS : SPILL_EDIT_METHODS);
  const floorUpdatesOnly =
    strategy === 'ours-native'
      ? nativeFloor(
          n,
          {
            append: DEFAULT_BUDGETS['chat.appendStream']!,
            update: DEFAULT_BUDGETS['chat.update']!,
            start: DEFAULT_BUDGETS['chat.startStream']!,
          },
          { chars: o.chars, writeSeconds: streamSeconds(o.chars), streamBytes: STREAMED_MESSAGE_BYTES },
        )
      : strategy === 'chat-stream'
        ? editFloor(n, DEFAULT_BUDGETS['chat.appendStream']!)
        : editFloor(n, DEFAULT_BUDGETS['chat.update']!);
  const rec: BenchRecord = {
    strategy,
    n,
    charsPerRun: o.chars,
    channels: st.channels,
    ackMs: { p50: pct(acks, 50), p99: pct(acks, 99) },
    firstVisibleMs: { p50: pct(m.firsts, 50), p95: pct(m.firsts, 95) },
    firstTextOnTime: {
      runs: m.firstOnTime,
      of: m.wrote,
      withinMs: FIRST_TEXT_MS,
      allowed: m.firstAllowed,
      metAllowed: m.firstMetAllowed,
    },
    commandToFirstTextMs: { p50: pct(m.fromCommand, 50), p95: pct(m.fromCommand, 95) },
    stalenessMs: { p50: pct(m.stale, 50), p95: pct(m.stale, 95) },
    floorMs: floor,
    floorUpdatesOnlyMs: floorUpdatesOnly,
    floorSpillMs: floorSpill,
    stalenessP95VsFloor: pct(m.stale, 95) / floor.p95,
    slackCallsPerRun: calls.length / n,
    responses429: calls.filter((c) => c.status === 429).length,
    responses429ByMethod: limitedBy,
    charsLost: m.lost,
    charsUndelivered: m.undelivered,
    unfinishedRuns: m.unfinished,
    runsStarted: harnessCalls(st.harness.invocations).runsStarted,
    refusedCannotRecord: slack.ephemerals.filter((e) => e.text.includes('record this request')).length,
    peakRssMb: use.maxRssMb,
    cpuMs: use.cpuMs,
    cpuAvgCores: use.cpuAvgCores,
    wallS,
    slackPerRun: perRun(byMethod, n),
    dynamoPerTurn: perRun(await dynamo.counts(), n),
    dynamoUnitsPerTurn: unitsPerTurn(await dynamo.units(), n),
    ...(storeEnds ? { storeEnds } : {}),
    ...(use.scheduler ? { scheduler: use.scheduler } : {}),
    load: { start: loadStart, end: loads() },
  };
  await st.close();
  return rec;
}

/**
 * Waits (at most `limitS`) until every run showing its footer has its end recorded at the store: a
 * spilled run records its finish after its first reply's last edit, later than its footer under load.
 */
async function awaitStoreEnds(
  dynamo: { ends(): Promise<Record<string, ThreadEnd>> },
  slack: FakeSlack,
  roots: () => Array<StoredMessage | undefined>,
  limitS: number,
): Promise<NonNullable<BenchRecord['storeEnds']>> {
  const from = Date.now();
  for (;;) {
    const runs = roots().flatMap((r) =>
      r && finished(slack, r) ? [{ thread: threadId(r.channel, r.ts), footer: true }] : [],
    );
    const check = runsOver(runs, await dynamo.ends(), Date.now());
    const waitedS = Math.round((Date.now() - from) / 100) / 10;
    if (check.over || waitedS >= limitS) return { waitedS, limitS, pending: check.pending.length };
    await new Promise((r) => setTimeout(r, 250));
  }
}
