/**
 * What the scale case (bench/scale.ts) watches beside its figures: the bot's memory, cores, loop delay
 * and GC every 10 s, the machine's CPU pressure, each run's timeline on request, and the "did the bot
 * keep up" line printed under the table. (Split out of scale.ts: running the scenario and judging it
 * are one thing, watching the bot while it runs is another.)
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { StoredMessage } from '../src/stand-ins/fake-slack-types.ts';
import { ask } from './bot-control.ts';
import { finished, type Produced } from './measure.ts';
import type { ScaleRecord } from './scale-record.ts';
import type { scaleStands } from './stands.ts';

/** What the bot process answers to 'usage' (bench/bot-process.ts). */
export type Usage = {
  maxRssMb: number;
  nowMem: { rssMb: number; heapUsedMb: number };
  cpuMs: number;
  peakMem?: Record<string, number>;
  scheduler?: Record<string, number>;
  loopDelayMs?: { p50: number; p99: number; max: number; mean: number };
  gc?: Record<string, number>;
  window?: { cpuMs: number; loopP99Ms: number; loopMaxMs: number; gcMs: number };
};

/** Linux PSI: µs some task waited for a CPU since boot (undefined off Linux). */
export function cpuWaitUs(): number | undefined {
  try {
    const m = /some .*total=(\d+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every 10 s from `started`: the bot's RSS and heap ([s, MB, MB]) and its cores, loop delay p99 and
 * max and GC ms over those 10 s ([s, cores, ms, ms, ms]).
 */
export function sampleTimeline(child: ChildProcess, started: number) {
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
  return { mem: memTimeline, loop: loopTimeline, stop: () => clearInterval(sampler) };
}

/** Per run: when its harness stream wrote first and last, and each reply's versions (s from the burst, chars). */
export function dumpTimelines(
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
