/**
 * The scale case: `workspaces` workspaces with `perWorkspace` concurrent runs each (20 × 50 = 1,000
 * runs by default), every workspace its own installation and Slack budget, all served by one bot
 * process (bench/bot-process.ts with BENCH_WORKSPACES). Reports the bot process's peak RSS and
 * average cores over the scenario, staleness p95 ÷ that workspace's floor (worst and median over
 * the workspaces), Slack calls, 429s, characters lost, and the stand-ins' own CPU (they run in the
 * bench process, so an overloaded stand-in shows here rather than in the bot's figures).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_BUDGETS } from '../src/core/slack-scheduler.ts';
import type { FakeSlack } from '../src/stand-ins/fake-slack.ts';
import { ask, startBotProcess, stopBot } from './bot-control.ts';
import { EDIT_METHODS, SPILL_EDIT_METHODS, sampleTimes, writerFloor } from './floor-writers.ts';
import { finished, measureThreads, norm, type Produced, pct, visibleTimeline } from './measure.ts';
import { type WorkspaceLateness, workspaceLateness } from './scale-lateness.ts';
import type { ScaleRecord } from './scale-record.ts';
import { cpuWaitUs, dumpTimelines, sampleTimeline, type Usage } from './scale-timeline.ts';
import type { BenchOptions } from './scenario.ts';
import { loads } from './scenario.ts';
import { channelOf, commandBurst, harnessCalls, SIGNING_SECRET, scaleStands } from './stands.ts';
import { streamSeconds } from './workload.ts';

export type { ScaleRecord } from './scale-record.ts';
export { scaleDiagnosis } from './scale-timeline.ts';

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

/** `heapSnapshotDir`: the bot writes a heap snapshot there before the burst and at `heapSnapshotAtS` seconds after it. */
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
  // The idle heap, to set the snapshots taken during the burst against.
  if (diag.heapSnapshotDir) await ask(child, 'heap-snapshot');
  await ask(child, 'diag-reset');
  const benchCpu0 = process.cpuUsage();
  const cpuWait0 = cpuWaitUs();
  const started = Date.now();
  const timeline = sampleTimeline(child, started);
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
  timeline.stop();
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
    memTimeline: timeline.mem,
    loopTimeline: timeline.loop,
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
