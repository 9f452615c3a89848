/**
 * The bot under test, in its own process so its memory and CPU are measured apart from the
 * stand-ins. Started by bench/bench.ts with the stand-ins' URLs in the environment and the strategy
 * in BENCH_STRATEGY:
 *   ours        the bot as shipped (scheduler, progress/critical clients, STREAM_MODE=edit)
 *   ours-native the bot as shipped with STREAM_MODE=native
 *   every-delta baseline: one shared WebClient (web-api's 429 handling), an edit on every delta
 *   every-2s    baseline: one shared WebClient, an edit every 2 seconds per reply
 *   chat-stream baseline: a Bolt app written the way Slack's templates stream (baseline-chat-stream.ts)
 * The session store is the counting dynalite in the bench process (BENCH_DYNAMO_ENDPOINT), as
 * production's DynamoDB is remote; BENCH_DYNAMO=embedded keeps the bot's own in-process dynalite.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { EMBEDDED_TABLE } from '../src/adapters/embedded-dynamo.ts';
import { WebApiSlackWriter } from '../src/adapters/slack-writer.ts';
import { startBot } from '../src/bot.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { startChatStreamBaseline } from './baseline-chat-stream.ts';

const strategy = process.env.BENCH_STRATEGY ?? 'ours';
const configFor = (env: Record<string, string | undefined>) => {
  const config = loadConfig({
    ...env,
    STREAM_MODE: strategy === 'ours-native' ? 'native' : 'edit',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-bot-')),
    PORT: '0',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    // The benchmark measures streaming; the long-answer file is measured separately by the tests.
    LONG_ANSWER_FILE_CHARS: '0',
    REPORT_FILES: 'off',
  });
  if (strategy === 'every-delta') config.streamEditIntervalMs = 1;
  if (strategy === 'every-2s') config.streamEditIntervalMs = 2_000;
  return config;
};
const baseline = strategy === 'every-delta' || strategy === 'every-2s';

const cpu0 = process.cpuUsage();
// Where the memory is at its peak (JS heap, buffers outside it), sampled each second: peak RSS alone
// does not say what to cut.
const peakMem = { heapUsedMb: 0, externalMb: 0, arrayBuffersMb: 0 };
setInterval(() => {
  const m = process.memoryUsage();
  peakMem.heapUsedMb = Math.max(peakMem.heapUsedMb, Math.round(m.heapUsed / 2 ** 20));
  peakMem.externalMb = Math.max(peakMem.externalMb, Math.round(m.external / 2 ** 20));
  peakMem.arrayBuffersMb = Math.max(peakMem.arrayBuffersMb, Math.round(m.arrayBuffers / 2 ** 20));
}, 1_000).unref();
const started = performance.now();
// Is the bot itself late? Its event loop's delay and its GC pauses over the scenario (reset by the
// bench's 'diag-reset' at the command burst): a late loop fires the scheduler's grants late, and a
// late grant is staleness the Slack budget did not cause.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
// The same since the bench's last 'usage' ask (every 10 s in the scale case): when in the scenario.
const windowDelay = monitorEventLoopDelay({ resolution: 10 });
windowDelay.enable();
let windowGcMs = 0;
let windowCpu = process.cpuUsage();
const gc = { count: 0, totalMs: 0, maxMs: 0, over50ms: 0, majorCount: 0, majorMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    windowGcMs += e.duration;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
    if (e.duration > 50) gc.over50ms++;
    // NODE_PERFORMANCE_GC_MAJOR (mark-sweep-compact): the pauses that grow with the live heap.
    if ((e as { detail?: { kind?: number } }).detail?.kind === 4) {
      gc.majorCount++;
      gc.majorMs += e.duration;
    }
  }
}).observe({ entryTypes: ['gc'] });
const ms = (ns: number) => Math.round(ns / 1e5) / 10;
const loopStats = () => ({
  p50: ms(loopDelay.percentile(50)),
  p99: ms(loopDelay.percentile(99)),
  max: ms(loopDelay.max),
  mean: ms(loopDelay.mean),
});
/** Since the last call: the bot's cores, loop delay p99 and max, GC pause total (ms). */
function windowStats() {
  const cpu = process.cpuUsage(windowCpu);
  windowCpu = process.cpuUsage();
  const out = {
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    loopP99Ms: ms(windowDelay.percentile(99)),
    loopMaxMs: ms(windowDelay.max),
    gcMs: Math.round(windowGcMs),
  };
  windowDelay.reset();
  windowGcMs = 0;
  return out;
}
const dynamo = process.env.BENCH_DYNAMO_ENDPOINT;
const start = async (env: Record<string, string | undefined>) => {
  const config = configFor(env);
  return strategy === 'chat-stream'
    ? { ...(await startChatStreamBaseline(config)), scheduler: { stats: undefined } }
    : await startBot(config, createLogger(config.logLevel), {
        ...(baseline ? { writer: (app) => new WebApiSlackWriter(app.client) } : {}),
        // The ack burst's floor command (bench/ack-burst.ts): an empty 200 right after verification.
        ...(process.env.BENCH_ACK_FLOOR ? { ackFloorCommand: process.env.BENCH_ACK_FLOOR } : {}),
        // The counting store stands for the shared table, as replicas share one: the bot must not also
        // start an embedded store of its own that it never uses (one LevelDB per workspace instance).
        ...(dynamo
          ? { sharedStore: { endpoint: dynamo, table: EMBEDDED_TABLE, close: async () => {} } }
          : {}),
      });
};
// The scale case (BENCH_WORKSPACES): one workspace per bot token, as the bot serves them (a
// workspace installation, no org-wide token, no installation store), so each workspace is one bot
// instance with its own token and Slack budget, all in this one process.
const workspaces = process.env.BENCH_WORKSPACES
  ? (JSON.parse(process.env.BENCH_WORKSPACES) as Array<Record<string, string>>)
  : [{}];
const bots: Array<Awaited<ReturnType<typeof start>>> = [];
for (const ws of workspaces) bots.push(await start({ ...process.env, ...ws }));
const bot = bots[0]!;
process.send?.({ type: 'ready', port: bot.port, ports: bots.map((b) => b.port) });
process.on('message', async (m: { type: string }) => {
  if (m.type === 'usage') {
    const cpu = process.cpuUsage(cpu0);
    process.send?.({
      type: 'usage',
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      peakMem,
      nowMem: {
        rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20),
        heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      },
      cpuAvgCores: (cpu.user + cpu.system) / 1000 / (performance.now() - started),
      cpuMs: (cpu.user + cpu.system) / 1000,
      scheduler: sumStats(bots.map((b) => b.scheduler.stats)),
      loopDelayMs: loopStats(),
      window: windowStats(),
      gc: {
        ...gc,
        totalMs: Math.round(gc.totalMs),
        maxMs: Math.round(gc.maxMs),
        majorMs: Math.round(gc.majorMs),
      },
    });
  }
  if (m.type === 'diag-reset') {
    loopDelay.reset();
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0, over50ms: 0, majorCount: 0, majorMs: 0 });
    process.send?.({ type: 'diag-reset' });
  }
  // What the heap holds at a point of the scenario (bench --heap-snapshot=DIR): peak RSS alone does
  // not say which objects to cut.
  if (m.type === 'heap-snapshot' && process.env.BENCH_HEAP_SNAPSHOT_DIR) {
    const file = writeHeapSnapshot(
      join(process.env.BENCH_HEAP_SNAPSHOT_DIR, `bot-${Date.now()}.heapsnapshot`),
    );
    process.send?.({ type: 'heap-snapshot', file });
  }
  // A point in time on the CPU profile's clock (--cpu-prof), to cut the profile to one phase.
  if (m.type === 'mark') {
    process.send?.({ type: 'mark', atUs: Number(process.hrtime.bigint() / 1000n) });
  }
  if (m.type === 'stop') {
    await Promise.race([Promise.all(bots.map((b) => b.stop())), new Promise((r) => setTimeout(r, 5_000))]);
    process.exit(0);
  }
});

function sumStats(all: Array<Record<string, number> | undefined>) {
  const present = all.filter((x): x is Record<string, number> => x !== undefined);
  if (present.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const st of present) for (const [k, v] of Object.entries(st)) out[k] = (out[k] ?? 0) + v;
  return out;
}
