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
    });
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
