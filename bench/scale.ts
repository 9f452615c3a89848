/**
 * The scale case: `workspaces` workspaces with `perWorkspace` concurrent runs each (20 × 50 = 1,000
 * runs by default), every workspace its own installation and Slack budget, all served by one bot
 * process (bench/bot-process.ts with BENCH_WORKSPACES). Reports the bot process's peak RSS and
 * average cores over the scenario, staleness p95 ÷ that workspace's floor (worst and median over
 * the workspaces), Slack calls, 429s, characters lost, and the stand-ins' own CPU (they run in the
 * bench process, so an overloaded stand-in shows here rather than in the bot's figures).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_BUDGETS } from '../src/core/slack-scheduler.ts';
import type { FakeSlack } from '../src/stand-ins/fake-slack.ts';
import type { StoredMessage } from '../src/stand-ins/fake-slack-types.ts';
import { ask, startBotProcess, stopBot } from './bot-control.ts';
import { EDIT_METHODS, SPILL_EDIT_METHODS, sampleTimes, writerFloor } from './floor-writers.ts';
import { finished, measureThreads, norm, type Produced, pct, visibleTimeline } from './measure.ts';
import { type WorkspaceLateness, workspaceLateness } from './scale-lateness.ts';
import type { BenchOptions } from './scenario.ts';
import { loads } from './scenario.ts';
import { channelOf, commandBurst, harnessCalls, SIGNING_SECRET, scaleStands } from './stands.ts';
import { streamSeconds } from './workload.ts';

export interface ScaleRecord {
  workspaces: number;
  perWorkspace: number;
  charsPerRun: number;
  /** Runs whose harness session started (the agent was invoked), of workspaces × perWorkspace. */
  runsStarted: number;
  /** InvokeHarness attempts refused with ThrottlingException (retried by the bot; not runs). */
  harnessThrottled?: number;
  /** Commands answered "cannot record" (the store did not answer the duplicate check in time). */
  refusedCannotRecord: number;
  /** How long the store stand-in took to answer, all requests: p50 / p99 ms. */
  storeServiceMs: { p50: number; p99: number };
  ackMs: { p50: number; p99: number };
  /** bench/floor.ts's updates-only floor for one workspace's runs (chat.update shared by them). */
  floorP95Ms: number;
  /** Staleness p95 ÷ floor per workspace: the worst workspace and the median one. */
  p95VsFloor: { worst: number; median: number; perWorkspace: number[] };
  /**
   * The same ÷ each workspace's every-writer floor (posts and edits, bench/floor-writers.ts) and its
   * spill-rule floor (the same writers, at most one new message per run per 10 s), worst / median.
   */
  p95VsWriterFloor?: { worst: number; median: number; perWorkspace: number[] };
  p95VsSpillFloor?: { worst: number; median: number; perWorkspace: number[] };
  stalenessMs: { p50: number; p95: number };
  slackCalls: number;
  responses429: number;
  charsLost: number;
  /** Runs with no footer at the cap (refused commands not included: they have no thread). */
  unfinishedRuns: number;
  /** Runs whose footer says failed, ended early or stopped: over, but they did not answer. */
  failedRuns?: number;
  /** How long the scenario waited for the last footer (scaleCapS unless --cap). */
  capS?: number;
  peakRssMb: number;
  /** Peaks of the bot's JS heap and of the memory outside it (sampled each second), MB. */
  peakMem?: Record<string, number>;
  /** The bot's RSS and JS heap with its workspaces' instances started and no run yet, MB. */
  idleMem?: { rssMb: number; heapUsedMb: number };
  /** RSS and JS heap every 10 s from the command burst: [seconds, RSS MB, heap MB]. */
  memTimeline?: Array<[number, number, number]>;
  /** Every 10 s from the command burst: [seconds, bot cores, loop delay p99 ms, max ms, GC ms] in those 10 s. */
  loopTimeline?: Array<[number, number, number, number, number]>;
  /** Bot process CPU time ÷ wall time from the command burst to the last thread finished. */
  cpuAvgCores: number;
  cpuMs: number;
  /** The bench process's (stand-ins') CPU time ÷ the same wall time. */
  standInsAvgCores: number;
  /** The stand-ins' event loop delay (their process's lag), p99 and max ms. */
  standInsLoopDelayMs?: { p99: number; max: number };
  /** How long the bench's own "every thread finished?" check blocked that loop, p50 and max ms. */
  doneCheckMs?: { p50: number; max: number };
  wallS: number;
  scheduler?: Record<string, number>;
  /** The bot's own event loop delay from the command burst (ms): a late loop grants Slack calls late. */
  botLoopDelayMs?: { p50: number; p99: number; max: number; mean: number };
  /** The bot's GC pauses from the command burst: count, total and longest ms, major (mark-compact) ones. */
  botGc?: Record<string, number>;
  /** Per workspace: its staleness split into the budget's wait and lateness (bench/scale-lateness.ts). */
  lateness?: WorkspaceLateness[];
  /**
   * Share of the wall time some task on the machine waited for a CPU (Linux PSI, cpu "some"), from
   * the burst to the end: unlike the load average, it says the bot and the stand-ins were short of CPU.
   */
  cpuPressure?: number;
  load: { start: number[]; end: number[] };
}

/** Linux PSI: µs some task waited for a CPU since boot (undefined off Linux). */
function cpuWaitUs(): number | undefined {
  try {
    const m = /some .*total=(\d+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long the scale case waits for its last footer, from the workload like the other scenarios'
 * cap (stream time + 60 s + 3 s per run of a workspace, each workspace having its own Slack
 * budget), plus the time the harness's admission rate takes to start every run: the bot paces
 * starts to HARNESS_ADMISSIONS_PER_SECOND across all workspaces, so the last run's stream begins
 * that much later (40 s for 1,000 runs).
 */
export function scaleCapS(workspaces: number, perWorkspace: number, chars: number): number {
  return Math.round(
    (workspaces * perWorkspace) / HARNESS_ADMISSIONS_PER_SECOND +
      streamSeconds(chars) +
      60 +
      perWorkspace * 3,
  );
}

/** InvokeHarness starts per second the harness admits (the emulator's and the service's default), as the bot paces them. */
export const HARNESS_ADMISSIONS_PER_SECOND = 25;

type Usage = {
  maxRssMb: number;
  nowMem: { rssMb: number; heapUsedMb: number };
  cpuMs: number;
  peakMem?: Record<string, number>;
  scheduler?: Record<string, number>;
  loopDelayMs?: { p50: number; p99: number; max: number; mean: number };
  gc?: Record<string, number>;
  window?: { cpuMs: number; loopP99Ms: number; loopMaxMs: number; gcMs: number };
};

/** `heapSnapshotDir`: the bot writes heap snapshots there at `heapSnapshotAtS` seconds after the burst. */
export async function scaleScenario(
  workspaces: number,
  perWorkspace: number,
  o: BenchOptions,
  diag: { heapSnapshotDir?: string; heapSnapshotAtS?: number[]; dumpFile?: string } = {},
): Promise<ScaleRecord> {
  const total = workspaces * perWorkspace;
  const produced: Produced[] = Array.from({ length: total }, () => ({ times: [], lens: [], text: '' }));
  const loadStart = loads();
  const st = await scaleStands({
    workspaces,
    perWorkspace,
    chars: o.chars,
    onText: (run, t, at) => {
      const p = produced[run];
      if (!p) return;
      p.text += norm(t);
      p.times.push(at);
      p.lens.push(p.text.length);
    },
  });
  const { child, ports } = await startBotProcess(
    {
      ...st.env,
      BENCH_STRATEGY: 'ours',
      BENCH_WORKSPACES: JSON.stringify(st.perBot),
      ...(diag.heapSnapshotDir ? { BENCH_HEAP_SNAPSHOT_DIR: diag.heapSnapshotDir } : {}),
    },
    o.cpuProfDir,
  );
  for (const [w, s] of st.slacks.entries())
    s.connectApp({ url: `http://127.0.0.1:${ports[w]}/slack/events`, signingSecret: SIGNING_SECRET });
  await st.dynamo.reset();
  const before = await ask<Usage>(child, 'usage');
  await ask(child, 'diag-reset');
  const benchCpu0 = process.cpuUsage();
  const cpuWait0 = cpuWaitUs();
  const started = Date.now();
  const memTimeline: Array<[number, number, number]> = [];
  const loopTimeline: Array<[number, number, number, number, number]> = [];
  let askedAt = started;
  // One ask at a time: a bot too busy to answer within 10 s would get a second ask, and both would
  // take its one answer (the 10 s window's figures counted twice, over no time).
  let asking = false;
  const sampler = setInterval(async () => {
    if (asking) return;
    asking = true;
    const u = await ask<Usage>(child, 'usage').finally(() => {
      asking = false;
    });
    const now = Date.now();
    const s = Math.round((now - started) / 1000);
    memTimeline.push([s, u.nowMem.rssMb, u.nowMem.heapUsedMb]);
    const w = u.window;
    if (w)
      loopTimeline.push([
        s,
        Math.round((w.cpuMs / (now - askedAt)) * 100) / 100,
        w.loopP99Ms,
        w.loopMaxMs,
        w.gcMs,
      ]);
    askedAt = now;
  }, 10_000);
  const snapshots = (diag.heapSnapshotDir ? (diag.heapSnapshotAtS ?? []) : []).map((s) =>
    setTimeout(() => void ask(child, 'heap-snapshot'), s * 1000),
  );
  const acks = (
    await Promise.all(st.slacks.map((s, w) => commandBurst(s, perWorkspace, w * perWorkspace)))
  ).flat();
  const capS = o.capS ?? scaleCapS(workspaces, perWorkspace, o.chars);
  const rootsOf = (w: number) =>
    Array.from({ length: perWorkspace }, (_, i) =>
      st.slacks[w]!.rootMessages(channelOf(i)).find((m) =>
        m.text.includes(`\`bench-${w * perWorkspace + i}\``),
      ),
    );
  // A command refused "cannot record" has no thread and never will: waiting for it held every
  // scale run to the cap. Each workspace is done when its threads are finished and every command
  // without a thread was refused.
  const refusedIn = (s: FakeSlack) =>
    s.ephemerals.filter((e) => e.text.includes('record this request')).length;
  const allDone = () =>
    st.slacks.every((s, w) => {
      const roots = rootsOf(w);
      return roots.every((r) => !r || finished(s, r)) && roots.filter((r) => !r).length <= refusedIn(s);
    });
  // The stand-ins share this process's event loop: a stall here delays every fake Slack answer and
  // harness frame, and shows as the bot's staleness, timeouts and bunched starts.
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const checkMs: number[] = [];
  for (;;) {
    const t = performance.now();
    const done = allDone();
    checkMs.push(performance.now() - t);
    if (done || Date.now() - started >= capS * 1000) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  loopDelay.disable();
  const wallMs = Date.now() - started;
  const cpuWait1 = cpuWaitUs();
  clearInterval(sampler);
  for (const t of snapshots) clearTimeout(t);
  const after = await ask<Usage>(child, 'usage');
  const service = Object.values(await st.dynamo.serviceMs()).flat();
  const benchCpu = process.cpuUsage(benchCpu0);
  await stopBot(child);

  const budget = DEFAULT_BUDGETS['chat.update']!;
  const floorP95 = ((perWorkspace * budget.windowMs) / budget.limit) * 0.95;
  const ratios: number[] = [];
  const writerRatios: number[] = [];
  const spillRatios: number[] = [];
  const allStale: number[] = [];
  let lost = 0;
  let unfinished = 0;
  let failed = 0;
  let refused = 0;
  let calls = 0;
  let limited = 0;
  const lateness: WorkspaceLateness[] = [];
  st.slacks.forEach((s, w) => {
    const mine = produced.slice(w * perWorkspace, (w + 1) * perWorkspace);
    lateness.push(
      workspaceLateness(
        rootsOf(w).flatMap((root, i) =>
          root
            ? [{ times: mine[i]!.times, lens: mine[i]!.lens, vis: visibleTimeline(s, root, mine[i]!).vis }]
            : [],
        ),
      ),
    );
    const m = measureThreads(
      s,
      rootsOf(w),
      produced.slice(w * perWorkspace, (w + 1) * perWorkspace),
      o.debug,
    );
    ratios.push(pct(m.stale, 95) / floorP95);
    const sampled = produced
      .slice(w * perWorkspace, (w + 1) * perWorkspace)
      .map((p, i) => ({ channel: channelOf(i), at: sampleTimes(p) }));
    writerRatios.push(pct(m.stale, 95) / writerFloor(sampled, EDIT_METHODS).p95);
    spillRatios.push(pct(m.stale, 95) / writerFloor(sampled, SPILL_EDIT_METHODS).p95);
    allStale.push(...m.stale);
    lost += m.lost;
    // A refused command's run is counted as refused, not as unfinished.
    const r = refusedIn(s);
    refused += r;
    unfinished += m.unfinished - Math.min(r, rootsOf(w).filter((x) => !x).length);
    failed += m.failed;
    const own = s.calls.filter((c) => c.method !== 'auth.test');
    calls += own.length;
    limited += own.filter((c) => c.status === 429).length;
  });
  const harness = harnessCalls(st.harness.invocations);
  if (diag.dumpFile) dumpTimelines(diag.dumpFile, st, rootsOf, produced, started, perWorkspace);
  const sorted = [...ratios].sort((a, b) => a - b);
  const spread = (xs: number[]) => {
    const q = [...xs].sort((a, b) => a - b);
    return {
      worst: q.at(-1) ?? Number.NaN,
      median: q[Math.floor((q.length - 1) / 2)] ?? Number.NaN,
      perWorkspace: xs.map((r) => Math.round(r * 100) / 100),
    };
  };
  const cpuMs = after.cpuMs - before.cpuMs;
  const rec: ScaleRecord = {
    workspaces,
    perWorkspace,
    charsPerRun: o.chars,
    runsStarted: harness.runsStarted,
    harnessThrottled: harness.throttled,
    refusedCannotRecord: refused,
    storeServiceMs: { p50: Math.round(pct(service, 50)), p99: Math.round(pct(service, 99)) },
    ackMs: { p50: pct(acks, 50), p99: pct(acks, 99) },
    floorP95Ms: floorP95,
    p95VsFloor: {
      worst: sorted.at(-1) ?? Number.NaN,
      median: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN,
      perWorkspace: ratios.map((r) => Math.round(r * 100) / 100),
    },
    p95VsWriterFloor: spread(writerRatios),
    p95VsSpillFloor: spread(spillRatios),
    stalenessMs: { p50: pct(allStale, 50), p95: pct(allStale, 95) },
    slackCalls: calls,
    responses429: limited,
    charsLost: lost,
    unfinishedRuns: unfinished,
    failedRuns: failed,
    capS,
    peakRssMb: after.maxRssMb,
    ...(after.peakMem ? { peakMem: after.peakMem } : {}),
    idleMem: before.nowMem,
    memTimeline,
    loopTimeline,
    cpuAvgCores: cpuMs / wallMs,
    cpuMs,
    standInsAvgCores: (benchCpu.user + benchCpu.system) / 1000 / wallMs,
    standInsLoopDelayMs: {
      p99: Math.round(loopDelay.percentile(99) / 1e6),
      max: Math.round(loopDelay.max / 1e6),
    },
    doneCheckMs: { p50: Math.round(pct(checkMs, 50)), max: Math.round(Math.max(...checkMs)) },
    wallS: wallMs / 1000,
    ...(after.scheduler ? { scheduler: after.scheduler } : {}),
    ...(after.loopDelayMs ? { botLoopDelayMs: after.loopDelayMs } : {}),
    ...(after.gc ? { botGc: after.gc } : {}),
    lateness,
    ...(cpuWait0 !== undefined && cpuWait1 !== undefined
      ? { cpuPressure: Math.round(((cpuWait1 - cpuWait0) / 1000 / wallMs) * 100) / 100 }
      : {}),
    load: { start: loadStart, end: loads() },
  };
  await st.close();
  return rec;
}

/** Per run: when its harness stream wrote first and last, and each reply's versions (s from the burst, chars). */
function dumpTimelines(
  file: string,
  st: Awaited<ReturnType<typeof scaleStands>>,
  rootsOf: (w: number) => Array<StoredMessage | undefined>,
  produced: Produced[],
  started: number,
  perWorkspace: number,
) {
  const s = (at: number) => Math.round((at - started) / 100) / 10;
  const runs = st.slacks.flatMap((slack, w) =>
    rootsOf(w).map((root, i) => {
      const p = produced[w * perWorkspace + i]!;
      const replies = root ? slack.replies(root.channel, root.ts).filter((m) => m.botId) : [];
      return {
        run: w * perWorkspace + i,
        finished: finished(slack, root),
        wrote: p.text.length,
        firstDelta: p.times[0] === undefined ? null : s(p.times[0]),
        lastDelta: p.times.at(-1) === undefined ? null : s(p.times.at(-1)!),
        replies: replies.map((m) => ({
          versions: m.versions.map((v) => [s(v.at), JSON.stringify(v.blocks ?? []).length]),
          tail: JSON.stringify(m.blocks ?? []).slice(-160),
        })),
        ephemerals: slack.ephemerals
          .filter((e) => e.text.includes(`bench-${w * perWorkspace + i}\``))
          .map((e) => e.text.slice(0, 160)),
      };
    }),
  );
  writeFileSync(
    file,
    JSON.stringify({
      harness: st.harness.invocations.map((i) => ({ sid: i.sessionId, status: i.status })),
      runs,
    }),
  );
}

/**
 * Whether the bot kept up (bench --scale-only prints it under the table): its event loop and GC, the
 * machine's CPU pressure, and the staleness split per workspace (median over the workspaces).
 */
export function scaleDiagnosis(r: ScaleRecord): string {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
  // Workspaces whose runs never wrote 80% at once (starts spread by the harness's admission) have no span.
  const l = (r.lateness ?? []).filter((x) => x.windowMs > 0);
  const parts = [
    r.botLoopDelayMs &&
      `the bot's event loop delay p99 ${r.botLoopDelayMs.p99} ms (max ${r.botLoopDelayMs.max} ms)`,
    r.botGc &&
      `GC pauses ${(r.botGc.totalMs! / 1000).toFixed(1)} s of its ${(r.cpuMs / 1000).toFixed(1)} s CPU`,
    r.cpuPressure !== undefined &&
      `a task waited for a CPU ${Math.round(r.cpuPressure * 100)}% of the time (PSI)`,
    l.length > 0 &&
      `per workspace (median of the ${l.length} of ${r.workspaces} whose runs wrote 80% at once): ${med(l.map((x) => x.updatesPerMin)).toFixed(1)} updates a minute, budget wait ${(med(l.map((x) => x.budgetWaitMs)) / 1000).toFixed(1)} s, text late at an update p50 ${(med(l.map((x) => x.lateMs.p50)) / 1000).toFixed(1)} s / p95 ${(med(l.map((x) => x.lateMs.p95)) / 1000).toFixed(1)} s`,
  ].filter(Boolean);
  return parts.length ? `Did the bot keep up: ${parts.join('; ')}.` : '';
}
