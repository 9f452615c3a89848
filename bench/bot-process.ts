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
import { WebApiSlackWriter } from '../src/adapters/slack-writer.ts';
import { startBot } from '../src/bot.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { startChatStreamBaseline } from './baseline-chat-stream.ts';

const strategy = process.env.BENCH_STRATEGY ?? 'ours';
const config = loadConfig({
  ...process.env,
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
const baseline = strategy === 'every-delta' || strategy === 'every-2s';

const cpu0 = process.cpuUsage();
const started = performance.now();
const dynamo = process.env.BENCH_DYNAMO_ENDPOINT;
const bot =
  strategy === 'chat-stream'
    ? { ...(await startChatStreamBaseline(config)), scheduler: { stats: undefined } }
    : await startBot(config, createLogger(config.logLevel), {
        ...(baseline ? { writer: (app) => new WebApiSlackWriter(app.client) } : {}),
        ...(dynamo ? { storeEndpoint: () => dynamo } : {}),
      });
process.send?.({ type: 'ready', port: bot.port });
process.on('message', async (m: { type: string }) => {
  if (m.type === 'usage') {
    const cpu = process.cpuUsage(cpu0);
    process.send?.({
      type: 'usage',
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      cpuAvgCores: (cpu.user + cpu.system) / 1000 / (performance.now() - started),
      cpuMs: (cpu.user + cpu.system) / 1000,
      scheduler: bot.scheduler.stats,
    });
  }
  // A point in time on the CPU profile's clock (--cpu-prof), to cut the profile to one phase.
  if (m.type === 'mark') {
    process.send?.({ type: 'mark', atUs: Number(process.hrtime.bigint() / 1000n) });
  }
  if (m.type === 'stop') {
    await Promise.race([bot.stop(), new Promise((r) => setTimeout(r, 5_000))]);
    process.exit(0);
  }
});
