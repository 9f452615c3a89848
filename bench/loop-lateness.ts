/**
 * `--debug`: each second of a scenario, the longest event-loop delay of the bot process (its
 * 'usage' window, bench/bot-process.ts) and of this process (the fake Slack and the harness
 * emulator, which timestamp what the bench measures). A first text the budget allowed that showed
 * late while either loop stalled is the machine's load, not the scheduler's choice.
 */
import type { ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ask } from './bot-control.ts';

export interface LatenessRow {
  /** Seconds after the commands at the end of the second. */
  atS: number;
  botMaxMs: number;
  benchMaxMs: number;
}

export function watchLateness(child: ChildProcess, t0: number) {
  const bench = monitorEventLoopDelay({ resolution: 10 });
  bench.enable();
  const rows: LatenessRow[] = [];
  let on = true;
  const done = (async () => {
    while (on) {
      await new Promise((r) => setTimeout(r, 1_000));
      if (!on) break;
      const u = await ask<{ window: { loopMaxMs: number } }>(child, 'usage');
      rows.push({
        atS: Math.round((Date.now() - t0) / 100) / 10,
        botMaxMs: u.window.loopMaxMs,
        benchMaxMs: Math.round(bench.max / 1e5) / 10,
      });
      bench.reset();
    }
  })();
  return {
    rows,
    async stop(): Promise<void> {
      on = false;
      await done;
      bench.disable();
    },
  };
}

/** The seconds whose loop delay in either process exceeded `overMs`. */
export const lateSeconds = (rows: LatenessRow[], overMs: number) =>
  rows
    .filter((r) => r.botMaxMs > overMs || r.benchMaxMs > overMs)
    .map((r) => `${r.atS}s bot ${r.botMaxMs} ms, bench ${r.benchMaxMs} ms`)
    .join('; ');
