/** What the scale case (bench/scale.ts) records: one record per run of it, read by bench/report.ts. */
import type { WorkspaceLateness } from './scale-lateness.ts';

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
