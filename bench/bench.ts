/**
 * `npm run bench`: the real bot (bench/bot-process.ts, its own process) against the stand-ins in this
 * process: the fake Slack enforcing Slack's rate limits (chat.update 50/min per workspace,
 * chat.postMessage 1/s per channel, stream methods per tier, HTTP 429 + Retry-After) and the harness
 * emulator streaming realistic output with tool calls (bench/workload.ts).
 *
 * For each strategy and N concurrent runs it reports ack latency, first-visible latency, staleness
 * (time from text produced by the harness to the same text visible in Slack), Slack calls per run,
 * 429 responses, characters lost, DynamoDB requests per turn, and the bot process's peak RSS and CPU
 * time (bench/scenario.ts, bench/measure.ts), with staleness as a ratio of a floor no writer can go
 * under (bench/floor-writers.ts). It also measures the ack latency of 100 concurrent slash commands,
 * in rounds alternated with its floor (an empty 200 from the same receiver) (bench/ack-burst.ts).
 *
 *   npm run bench                     N = 1, 10, 50, 200; 20 KB per run at ~50 tokens/s (long)
 *   npm run bench -- --quick          N = 1, 10, 50; 4 KB per run (a few minutes, for CI)
 *   npm run bench -- --n=1,10 --chars=8000 --strategies=ours,every-2s --cap=300 --out=results-custom
 *   npm run bench -- --ack-only --cpu-prof=/tmp/prof   the ack burst alone, with a CPU profile of the bot
 *   npm run bench -- --ack-only --ack-store=remote     only the store-out-of-process burst (quicker)
 *   npm run bench -- --parallel=3 --big-n-strategies=ours,chat-stream   3 scenarios at a time; above N = 50 only these
 *   npm run bench -- --scale-only      only the scale case: 20 workspaces × 50 runs in one bot process
 *                                      (--scale=WxN to change it, --scale=off to leave it out of a full run)
 *   npm run bench -- --scale-only --scale=5x50 --heap-snapshot=/tmp/snap --heap-snapshot-at=60,120
 *                                      bot heap snapshots at those seconds after the burst
 *   npm run bench -- --scale-only --scale=5x50 --dump=/tmp/runs.json   each run's harness and Slack timeline
 *
 * Writes bench/results.json (one record per strategy and N) and bench/results.md (bench/report.ts),
 * or bench/<out>.json and .md.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ackBurst } from './ack-burst.ts';
import { ackSummary, costs, firstText, fmt, ratios, scaleSummary, table } from './report.ts';
import { type ScaleRecord, scaleDiagnosis, scaleScenario } from './scale.ts';
import { type BenchOptions, type BenchRecord, loads, scenario } from './scenario.ts';
import { RUNS_PER_CHANNEL } from './stands.ts';
import { CHARS_PER_DELTA, DELTA_EVERY_MS } from './workload.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const quick = args.has('quick');
const ns = (args.get('n') ?? (quick ? '1,10,50' : '1,10,50,200')).split(',').map(Number);
const strategies = (args.get('strategies') ?? 'ours,every-delta,every-2s,chat-stream,ours-native').split(',');
const nativeMaxN = Number(args.get('native-max-n') ?? (quick ? 10 : 50));
const opts: BenchOptions = {
  chars: Number(args.get('chars') ?? (quick ? 4_000 : 20_000)),
  ...(args.has('cap') ? { capS: Number(args.get('cap')) } : {}),
  ...(args.has('end-wait') ? { endWaitS: Number(args.get('end-wait')) } : {}),
  ...(args.has('cpu-prof') ? { cpuProfDir: args.get('cpu-prof') } : {}),
  embeddedDynamo: args.get('dynamo') === 'embedded',
  debug: args.has('debug'),
};

const scaleArg = args.get('scale') ?? (quick ? 'off' : '20x50');
const [scaleW, scaleN] = scaleArg === 'off' ? [0, 0] : scaleArg.split('x').map(Number);
const began = Date.now();
if (args.has('scale-only')) {
  const r = await scaleScenario(scaleW!, scaleN!, opts, {
    heapSnapshotDir: args.get('heap-snapshot'),
    heapSnapshotAtS: args.get('heap-snapshot-at')?.split(',').map(Number),
    dumpFile: args.get('dump'),
  });
  const md = `Scale case, run ${new Date(began).toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load ${r.load.start.join(' / ')} at the start, ${r.load.end.join(' / ')} at the end:\n\n${scaleSummary(r)}\n\n${scaleDiagnosis(r)}\n`;
  writeFileSync(join(here, `${args.get('out') ?? 'results-scale'}.json`), `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(join(here, `${args.get('out') ?? 'results-scale'}.md`), md);
  console.log(md);
  process.exit(0);
}
console.log(
  `bench: N=${ns.join(',')}, ${opts.chars} chars per run at ~${(CHARS_PER_DELTA * 1000) / DELTA_EVERY_MS / 4} tokens/s, strategies ${strategies.join(', ')}`,
);
const loadAtStart = loads();
// Side by side in the same run: the store remote (as in production, counted) and in the bot's process.
const ackCount = Number(args.get('ack-count') ?? 100);
const burst = await ackBurst(ackCount, { ...opts, embeddedDynamo: false });
// --ack-store=remote: only the production layout (quicker, for profiling the ack path).
const burstEmbedded =
  args.get('ack-store') === 'remote'
    ? burst
    : await ackBurst(ackCount, { ...opts, embeddedDynamo: true, cpuProfDir: undefined });
console.log(ackSummary(burst, burstEmbedded));
if (args.has('ack-only')) process.exit(0);

// --parallel=K runs K scenarios at once, largest first (each has its own stand-ins, so its own
// workspace budget; staleness is paced by the budget, but latencies then include the others' load).
// --big-n-strategies=… limits the strategies run above N = 50 (the baselines at N = 200 take the whole cap).
const bigN = args.get('big-n-strategies')?.split(',');
const tasks = ns.flatMap((n) =>
  strategies
    .filter((st) => !(st === 'ours-native' && n > nativeMaxN))
    .filter((st) => n <= 50 || !bigN || bigN.includes(st))
    .map((st) => ({ n, st })),
);
const order = [...tasks].sort((a, b) => b.n - a.n);
const parallel = Math.max(1, Number(args.get('parallel') ?? 1));
const done: Array<{ i: number; r: BenchRecord }> = [];
await Promise.all(
  Array.from({ length: parallel }, async (_, w) => {
    // Workers start 30 s apart, so their command bursts (N acks at once) do not coincide.
    await new Promise((r) => setTimeout(r, w * 30_000));
    for (let t = order.shift(); t; t = order.shift()) {
      const r = await scenario(t.st, t.n, opts);
      done.push({ i: tasks.indexOf(t), r });
      console.log(table([r]).split('\n').at(-1));
    }
  }),
);
const records = done.sort((a, b) => a.i - b.i).map((d) => d.r);
// The scale case last, alone: it is the heaviest, and its figures are the bot's under its own load.
const scale: ScaleRecord | undefined = scaleW ? await scaleScenario(scaleW, scaleN!, opts) : undefined;
const machine = {
  cpus: cpus().length,
  model: cpus()[0]?.model ?? 'CPU',
  node: process.version,
  date: new Date(began).toISOString(),
  loadAtStart,
  loadAtEnd: loads(),
};
const md = [
  `Run ${machine.date}, ${fmt((Date.now() - began) / 60_000, 1)} min. Machine: ${machine.cpus} × ${machine.model}, Node ${machine.node}, ` +
    `shared with other work: load average (1/5/15 min) ${loadAtStart.join(' / ')} at the start, ${machine.loadAtEnd.join(' / ')} at the end ` +
    `(each scenario's own is in results.json). ${opts.chars} characters per run at ~50 tokens/s with tool calls, ${RUNS_PER_CHANNEL} runs per channel, one workspace, ${parallel} scenario(s) at a time, each capped at ${args.get('cap') ?? 'its stream time + 60 s + 3 s × N'}.`,
  '',
  ackSummary(burst, burstEmbedded),
  '',
  table(records),
  '',
  "First text and delivery (target: first text within 300 ms of the first delta whenever the budget allows; met / budget allowed: of the runs whose first text Slack's limits allowed in time given the runs already waiting (bench/first-text-budget.ts), how many made it; lost = finished runs missing text, undelivered = unfinished runs at the cap):",
  '',
  firstText(records),
  '',
  'Cost per turn (one turn per run; counted at the stand-ins):',
  '',
  costs(records),
  '',
  'Ours as a ratio of each baseline (same N, same stand-ins; below 1 is better):',
  '',
  ratios(records, ns),
  '',
  ...(scale
    ? [
        `Scale: ${scale.workspaces} workspaces × ${scale.perWorkspace} runs in one bot process (one bot instance per workspace installation):`,
        '',
        scaleSummary(scale),
        '',
      ]
    : []),
].join('\n');
const out = args.get('out') ?? 'results';
writeFileSync(
  join(here, `${out}.json`),
  `${JSON.stringify({ machine, ackBurst100: burst, ackBurst100EmbeddedStore: burstEmbedded, records, scale }, null, 2)}\n`,
);
writeFileSync(join(here, `${out}.md`), md);
console.log(`\n${md}`);
process.exit(0);
