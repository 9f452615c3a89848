/**
 * `npm run bench`: the real bot (bench/bot-process.ts, its own process) against the stand-ins in this
 * process: the fake Slack enforcing Slack's rate limits (chat.update 50/min per workspace,
 * chat.postMessage 1/s per channel, stream methods per tier, HTTP 429 + Retry-After) and the harness
 * emulator streaming realistic output with tool calls.
 *
 * For each strategy and N concurrent runs it reports ack latency, first-visible latency, staleness
 * (time from text produced by the harness to the same text visible in Slack), Slack calls per run,
 * 429 responses, characters lost, and the bot process's peak RSS and CPU time. It also measures the
 * ack latency of 100 concurrent slash commands.
 *
 *   npm run bench                     N = 1, 10, 50, 200; 20 KB per run at ~50 tokens/s (long)
 *   npm run bench -- --quick          N = 1, 10, 50; 4 KB per run (a few minutes, for CI)
 *   npm run bench -- --n=1,10 --chars=8000 --strategies=ours,every-2s --cap=300 --out=results-custom
 *
 * Writes bench/results.json (one record per strategy and N) and bench/results.md (the table), or
 * bench/<out>.json and .md.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BUDGETS } from '../src/core/slack-scheduler.ts';
import { FakeSlack, type StoredMessage } from '../src/stand-ins/fake-slack.ts';
import { HarnessEmulator, type Invocation, type Step, userText } from '../src/stand-ins/harness-emulator.ts';
import { toolCall, usage } from '../src/stand-ins/scenarios.ts';
import { startCountingDynamo } from './dynamo-counter.ts';

const here = dirname(fileURLToPath(import.meta.url));
const HARNESS_ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/benchagent-AbCdEf1234';
const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
const USER = 'U0BENCH01';
const RUNS_PER_CHANNEL = 10;
const CHARS_PER_DELTA = 20; // ~5 tokens
const DELTA_EVERY_MS = 100; // → ~50 tokens/s, 200 chars/s
const TOOL_EVERY_CHARS = 4_000;
const TOOL_MS = 1_500;

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'] as const;
  }),
);
const quick = args.has('quick');
const ns = (args.get('n') ?? (quick ? '1,10,50' : '1,10,50,200')).split(',').map(Number);
const chars = Number(args.get('chars') ?? (quick ? 4_000 : 20_000));
const strategies = (args.get('strategies') ?? 'ours,every-delta,every-2s,chat-stream,ours-native').split(',');
const nativeMaxN = Number(args.get('native-max-n') ?? (quick ? 10 : 50));

// ---- realistic output -------------------------------------------------------------------------

const WORDS =
  'the node group runs pods without resource requests so the scheduler cannot place them and the cluster autoscaler adds capacity late during peaks which also hides noisy neighbours on shared nodes'.split(
    ' ',
  );

/** ~`size` characters of Markdown: headings, paragraphs, lists, small code blocks. Deterministic per run. */
function report(run: number, size: number): string {
  const out: string[] = [`## Assessment of bench-${run}`];
  let i = 0;
  let len = out[0]!.length;
  while (len < size) {
    let block: string;
    if (i % 9 === 4) block = `\`\`\`bash\nkubectl get pods -n team-${i} -o wide\nkubectl top nodes\n\`\`\``;
    else if (i % 6 === 2)
      block = Array.from({ length: 4 }, (_, k) => `- finding ${i}.${k}: ${words(run + i + k, 9)}`).join('\n');
    else if (i % 13 === 0) block = `### Section ${i}`;
    else block = `${words(run * 7 + i, 40)}.`;
    out.push(block);
    len += block.length + 2;
    i++;
  }
  return `${out.join('\n\n')}\n`;
}

function words(seed: number, n: number): string {
  return Array.from({ length: n }, (_, k) => WORDS[(seed * 31 + k * 17) % WORDS.length]).join(' ');
}

function script(run: number): Step[] {
  const text = report(run, chars);
  const steps: Step[] = [{ event: 'messageStart', data: { role: 'assistant' } }];
  steps.push(
    ...toolCall('shell', { command: `aws eks describe-cluster --name bench-${run}` }, '{"cluster":{}}', {
      delayMs: TOOL_MS,
    }),
  );
  for (let i = 0; i < text.length; i += CHARS_PER_DELTA) {
    if (i > 0 && i % TOOL_EVERY_CHARS === 0) {
      steps.push({ event: 'contentBlockStop', data: { contentBlockIndex: 0 } });
      steps.push(
        ...toolCall('shell', { command: `kubectl get deploy -n team-${i}` }, 'NAME READY', {
          delayMs: TOOL_MS,
        }),
      );
    }
    steps.push({ delayMs: DELTA_EVERY_MS });
    steps.push({
      event: 'contentBlockDelta',
      data: { contentBlockIndex: 0, delta: { text: text.slice(i, i + CHARS_PER_DELTA) } },
    });
  }
  steps.push({ event: 'contentBlockStop', data: { contentBlockIndex: 0 } });
  steps.push({ event: 'messageStop', data: { stopReason: 'end_turn' } });
  steps.push(usage(12_000, Math.ceil(text.length / 4)));
  return steps;
}

// ---- measurement helpers ----------------------------------------------------------------------

/** What counts as a character: whitespace and backticks are layout (fences are closed and reopened across messages). */
function norm(s: string): string {
  return s.replace(/[\s`]+/g, '');
}

function markdownOf(blocks: unknown[] | undefined): string {
  return ((blocks ?? []) as Array<{ type: string; text?: string }>)
    .filter((b) => b.type === 'markdown')
    .map((b) => b.text ?? '')
    .join('');
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const FINAL = /(Done|Failed|Ended early|Stopped) in/;

interface Record_ {
  strategy: string;
  n: number;
  charsPerRun: number;
  channels: number;
  ackMs: { p50: number; p99: number };
  firstVisibleMs: { p50: number; p95: number };
  stalenessMs: { p50: number; p95: number };
  /** Best p50/p95 staleness any scheduler could reach under the workspace budget (see README). */
  floorMs: { p50: number; p95: number };
  stalenessP95VsFloor: number;
  slackCallsPerRun: number;
  responses429: number;
  responses429ByMethod: Record<string, number>;
  charsLost: number;
  unfinishedRuns: number;
  peakRssMb: number;
  cpuMs: number;
  /** Bot process CPU time ÷ its wall time (1 = one core busy throughout). */
  cpuAvgCores: number;
  wallS: number;
  /** Slack Web API calls per run, by method. */
  slackPerRun: Record<string, number>;
  /** DynamoDB requests per turn (one turn per run here), by purpose; counted at the stand-in. */
  dynamoPerTurn: Record<string, number>;
  /** 1-, 5- and 15-minute load averages of the machine at the start and the end of the scenario. */
  load: { start: number[]; end: number[] };
}

const loads = () => loadavg().map((l) => Math.round(l * 10) / 10);

function startBotProcess(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const prof = args.get('cpu-prof');
  const child = fork(join(here, 'bot-process.ts'), [], {
    execArgv: ['--import', 'tsx', ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bot process exited early (${code})`)));
    child.on('message', (m: { type: string; port?: number }) => {
      if (m.type === 'ready') resolve({ child, port: m.port! });
    });
  });
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type === type) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
    child.send({ type });
  });
}

async function stopBot(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.send({ type: 'stop' });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 8_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function stands(
  n: number,
  onText?: (run: number, text: string, at: number) => void,
  embeddedDynamo = args.get('dynamo') === 'embedded',
) {
  const slack = new FakeSlack({ enforceRateLimits: true, echoBotMessages: false });
  await slack.start();
  const channels = Math.max(1, Math.ceil(n / RUNS_PER_CHANNEL));
  for (let c = 0; c < channels; c++)
    slack.addChannel({ id: `C0BENCH${c}`, name: `bench-${c}`, members: [slack.botUserId, USER] });
  slack.addUser({ id: USER, name: 'bench' });
  const runOf = new Map<string, number>();
  const runFor = (inv: Invocation) => Number(/bench-(\d+)/.exec(userText(inv))?.[1] ?? -1);
  let harness: HarnessEmulator;
  harness = new HarnessEmulator({
    harnessArn: HARNESS_ARN,
    defaultScenario: (inv) => ({ steps: script(runFor(inv)) }),
    onEvent: (sid, step, at) => {
      if (!onText || step.event !== 'contentBlockDelta') return;
      const t = (step.data as { delta?: { text?: string } }).delta?.text;
      if (!t) return;
      let run = runOf.get(sid);
      if (run === undefined) {
        const inv = harness.invocations.find((i) => i.sessionId === sid);
        run = inv ? runFor(inv) : -1;
        runOf.set(sid, run);
      }
      onText(run, t, at);
    },
  });
  await harness.start();
  const dynamo = await startCountingDynamo('us-east-1');
  const env = {
    ...(embeddedDynamo ? {} : { BENCH_DYNAMO_ENDPOINT: dynamo.endpoint }),
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    HARNESS_ARN,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_BEDROCK_AGENTCORE: harness.url,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
  return { slack, harness, dynamo, channels, env };
}

// ---- one scenario -----------------------------------------------------------------------------

async function scenario(strategy: string, n: number): Promise<Record_> {
  const produced = Array.from({ length: n }, () => ({
    times: [] as number[],
    lens: [] as number[],
    text: '',
  }));
  const loadStart = loads();
  const { slack, harness, dynamo, channels, env } = await stands(n, (run, t, at) => {
    const p = produced[run];
    if (!p) return;
    p.text += norm(t);
    p.times.push(at);
    p.lens.push(p.text.length);
  });
  const { child, port } = await startBotProcess({ ...env, BENCH_STRATEGY: strategy });
  slack.connectApp({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET });
  dynamo.reset(); // the startup's own requests (table check, health record) are not a turn's
  const started = Date.now();
  const acks = await commandBurst(slack, n);
  const streamS =
    (chars / CHARS_PER_DELTA) * (DELTA_EVERY_MS / 1000) + (chars / TOOL_EVERY_CHARS + 1) * (TOOL_MS / 1000);
  const capS = Number(args.get('cap') ?? Math.round(streamS + 60 + n * 3));
  const roots = () =>
    Array.from({ length: n }, (_, i) =>
      slack
        .rootMessages(`C0BENCH${Math.floor(i / RUNS_PER_CHANNEL)}`)
        .find((m) => m.text.includes(`\`bench-${i}\``)),
    );
  const done = (root: StoredMessage | undefined) =>
    !!root && slack.replies(root.channel, root.ts).some((m) => FINAL.test(JSON.stringify(m.blocks ?? [])));
  for (;;) {
    if (roots().every(done)) break;
    if (Date.now() - started > capS * 1000) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const wallS = (Date.now() - started) / 1000;
  const use = await ask<{ maxRssMb: number; cpuMs: number; cpuAvgCores: number }>(child, 'usage');
  await stopBot(child);

  const firsts: number[] = [];
  const stale: number[] = [];
  let lost = 0;
  let unfinished = 0;
  const rs = roots();
  for (let i = 0; i < n; i++) {
    const root = rs[i];
    const p = produced[i]!;
    if (!root || !done(root)) unfinished++;
    if (!root) {
      lost += p.text.length;
      continue;
    }
    const replies = slack.replies(root.channel, root.ts).filter((m) => m.botId);
    // Visible characters over time: the sum over replies of each one's latest version.
    const events: Array<{ at: number; reply: number; len: number }> = [];
    replies.forEach((m, r) => {
      for (const v of m.versions) events.push({ at: v.at, reply: r, len: norm(markdownOf(v.blocks)).length });
    });
    events.sort((a, b) => a.at - b.at);
    const latest = new Array<number>(replies.length).fill(0);
    let visible = 0;
    const vis: Array<{ at: number; len: number }> = [];
    for (const e of events) {
      visible += e.len - latest[e.reply]!;
      latest[e.reply] = e.len;
      vis.push({ at: e.at, len: visible });
    }
    const finalText = replies.map((m) => norm(markdownOf(m.blocks))).join('');
    let common = 0;
    while (common < p.text.length && common < finalText.length && p.text[common] === finalText[common])
      common++;
    lost += p.text.length - common;
    if (args.has('debug') && common < p.text.length) {
      console.error(
        `run ${i}: lost ${p.text.length - common} of ${p.text.length}; replies:`,
        replies.map((m) => ({
          stream: m.stream?.state,
          len: norm(markdownOf(m.blocks)).length,
          versions: m.versions.length,
        })),
        `\n  expected …${p.text.slice(common, common + 60)}\n  shown    …${finalText.slice(common, common + 60)}`,
      );
    }
    // Staleness: for every 20th character, when it was produced and when Slack first showed it.
    let v = 0;
    let d = 0;
    for (let j = 1; j <= common; j += j === 1 ? 19 : 20) {
      while (d < p.lens.length && p.lens[d]! < j) d++;
      while (v < vis.length && vis[v]!.len < j) v++;
      if (d >= p.lens.length || v >= vis.length) break;
      const ms = Math.max(0, vis[v]!.at - p.times[d]!);
      if (j === 1) firsts.push(ms);
      stale.push(ms);
    }
  }
  const calls = slack.calls.filter((c) => c.method !== 'auth.test');
  // The floor: the workspace budget shared by N continuously writing runs gives each run one update
  // every T = N / rate; text written at a uniformly random moment waits U(0, T) for the next one.
  const budget =
    strategy === 'ours-native' || strategy === 'chat-stream'
      ? DEFAULT_BUDGETS['chat.appendStream']!
      : DEFAULT_BUDGETS['chat.update']!;
  const slackPerRun: Record<string, number> = {};
  for (const c of calls) slackPerRun[c.method] = (slackPerRun[c.method] ?? 0) + 1 / n;
  const limitedBy: Record<string, number> = {};
  for (const c of calls) if (c.status === 429) limitedBy[c.method] = (limitedBy[c.method] ?? 0) + 1;
  const dynamoPerTurn = Object.fromEntries(
    Object.entries(dynamo.counts()).map(([k, v]) => [k, Math.round((v / n) * 100) / 100]),
  );
  const period = (n * budget.windowMs) / budget.limit;
  const floor = { p50: period * 0.5, p95: period * 0.95 };
  const rec: Record_ = {
    strategy,
    n,
    charsPerRun: chars,
    channels,
    ackMs: { p50: pct(acks, 50), p99: pct(acks, 99) },
    firstVisibleMs: { p50: pct(firsts, 50), p95: pct(firsts, 95) },
    stalenessMs: { p50: pct(stale, 50), p95: pct(stale, 95) },
    floorMs: floor,
    stalenessP95VsFloor: pct(stale, 95) / floor.p95,
    slackCallsPerRun: calls.length / n,
    responses429: calls.filter((c) => c.status === 429).length,
    responses429ByMethod: limitedBy,
    charsLost: lost,
    unfinishedRuns: unfinished,
    peakRssMb: use.maxRssMb,
    cpuMs: use.cpuMs,
    cpuAvgCores: use.cpuAvgCores,
    wallS,
    slackPerRun: Object.fromEntries(
      Object.entries(slackPerRun).map(([k, v]) => [k, Math.round(v * 100) / 100]),
    ),
    dynamoPerTurn,
    load: { start: loadStart, end: loads() },
  };
  await slack.stop();
  await harness.stop();
  await dynamo.close();
  return rec;
}

/** 100 slash commands at once: how fast each is acked (the runs themselves are not waited for). */
async function ackBurst(
  count: number,
  embeddedDynamo: boolean,
): Promise<{
  p50: number;
  p99: number;
  max: number;
  helpP99: number;
  storeDedupMs: { p50: number; p99: number };
  dynamoPerCommand: Record<string, number>;
  load: number[];
}> {
  const { slack, harness, dynamo, env } = await stands(count, undefined, embeddedDynamo);
  const { child, port } = await startBotProcess({ ...env, BENCH_STRATEGY: 'ours' });
  slack.connectApp({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET });
  // Warm up first, as a long-running bot would be: the request path (module loading, JIT) and the
  // HTTP connections (Slack keeps connections to a busy app open): 100 concurrent `help` commands,
  // which are answered in the ack and start nothing.
  // The second round is the floor under the machine's current load: an ack with no store and no run.
  let helpAcks: number[] = [];
  for (let round = 0; round < 2; round++)
    helpAcks = await Promise.all(
      Array.from({ length: count }, () =>
        slack
          .slashCommand({ command: '/assess', text: 'help', user: USER, channel: 'C0BENCH0' })
          .then((r) => r.ms),
      ),
    );
  dynamo.reset();
  const mark = await ask<{ atUs: number }>(child, 'mark');
  if (args.has('cpu-prof')) console.log(`profile mark: burst starts at ${mark.atUs} µs`);
  const acks = await commandBurst(slack, count);
  const dynamoPerCommand = Object.fromEntries(
    Object.entries(dynamo.counts()).map(([k, v]) => [k, Math.round((v / count) * 100) / 100]),
  );
  // What the ack waits on: the dedup checks, as long as the store takes to answer them.
  const dedup = dynamo.serviceMs()['dedup (remember)'] ?? [];
  const storeDedupMs = { p50: Math.round(pct(dedup, 50)), p99: Math.round(pct(dedup, 99)) };
  await stopBot(child);
  await slack.stop();
  await harness.stop();
  await dynamo.close();
  return {
    p50: pct(acks, 50),
    p99: pct(acks, 99),
    max: Math.max(...acks),
    helpP99: pct(helpAcks, 99),
    storeDedupMs,
    dynamoPerCommand,
    load: loads(),
  };
}

// ---- main -------------------------------------------------------------------------------------

function fmt(x: number, digits = 0): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

function table(records: Record_[]): string {
  const lines = [
    '| Strategy | N | ack p50/p99 ms | first visible p50/p95 ms | staleness p50/p95 ms | floor p95 ms | p95 ÷ floor | Slack calls/run | 429s | chars lost | unfinished | peak RSS MB | CPU s | wall s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of records) {
    lines.push(
      `| ${r.strategy} | ${r.n} | ${fmt(r.ackMs.p50)} / ${fmt(r.ackMs.p99)} | ${fmt(r.firstVisibleMs.p50)} / ${fmt(r.firstVisibleMs.p95)} | ${fmt(r.stalenessMs.p50)} / ${fmt(r.stalenessMs.p95)} | ${fmt(r.floorMs.p95)} | ${fmt(r.stalenessP95VsFloor, 2)} | ${fmt(r.slackCallsPerRun, 1)} | ${r.responses429} | ${r.charsLost} | ${r.unfinishedRuns} | ${fmt(r.peakRssMb)} | ${fmt(r.cpuMs / 1000, 1)} | ${fmt(r.wallS)} |`,
    );
  }
  return lines.join('\n');
}

/** What a turn costs: DynamoDB requests by purpose and Slack calls by method, per strategy and N. */
function costs(records: Record_[]): string {
  const lines = [
    '| Strategy | N | DynamoDB requests per turn (by purpose) | Slack calls per run (by method) |',
    '|---|---:|---|---|',
  ];
  const list = (o: Record<string, number>) =>
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${fmt(v, 2)}`)
      .join(', ');
  for (const r of records) {
    const total = Object.values(r.dynamoPerTurn).reduce((a, b) => a + b, 0);
    lines.push(
      `| ${r.strategy} | ${r.n} | **${fmt(total, 2)}**: ${list(r.dynamoPerTurn)} | **${fmt(r.slackCallsPerRun, 1)}**: ${list(r.slackPerRun)} |`,
    );
  }
  return lines.join('\n');
}

function ratios(records: Record_[]): string {
  const lines = [
    '| N | ours vs baseline | staleness p95 (ours ÷ theirs) | first visible p50 | Slack calls/run | 429s (ours / theirs) | chars lost (ours / theirs) |',
    '|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const n of ns) {
    const ours = records.find((r) => r.strategy === 'ours' && r.n === n);
    if (!ours) continue;
    const native = records.find((r) => r.strategy === 'ours-native' && r.n === n);
    const pairs: Array<[Record_, string]> = [
      [ours, 'every-delta'],
      [ours, 'every-2s'],
      [ours, 'chat-stream'],
      ...(native ? [[native, 'chat-stream'] as [Record_, string]] : []),
    ];
    for (const [us, base] of pairs) {
      const b = records.find((r) => r.strategy === base && r.n === n);
      if (!b) continue;
      lines.push(
        `| ${n} | ${us.strategy} vs ${base} | ${fmt(us.stalenessMs.p95 / b.stalenessMs.p95, 2)} | ${fmt(us.firstVisibleMs.p50 / b.firstVisibleMs.p50, 2)} | ${fmt(us.slackCallsPerRun / b.slackCallsPerRun, 2)} | ${us.responses429} / ${b.responses429} | ${us.charsLost} / ${b.charsLost} |`,
      );
    }
  }
  return lines.join('\n');
}

const records: Record_[] = [];
const began = Date.now();
console.log(
  `bench: N=${ns.join(',')}, ${chars} chars per run at ~${(CHARS_PER_DELTA * 1000) / DELTA_EVERY_MS / 4} tokens/s, strategies ${strategies.join(', ')}`,
);
const loadAtStart = loads();
// Side by side in the same run: the store remote (as in production, counted) and in the bot's process.
const burst = await ackBurst(100, false);
console.log(
  `ack of 100 concurrent slash commands: p50 ${burst.p50} ms, p99 ${burst.p99} ms, max ${burst.max} ms; 100 \`help\` p99 ${burst.helpP99} ms; the store answered the dedup checks in p50 ${burst.storeDedupMs.p50} / p99 ${burst.storeDedupMs.p99} ms (load ${burst.load.join(' ')})`,
);
const burstEmbedded = await ackBurst(100, true);
console.log(
  `  with the store in the bot's process: p50 ${burstEmbedded.p50} ms, p99 ${burstEmbedded.p99} ms, max ${burstEmbedded.max} ms; \`help\` p99 ${burstEmbedded.helpP99} ms (load ${burstEmbedded.load.join(' ')})`,
);
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
const done: Array<{ i: number; r: Record_ }> = [];
await Promise.all(
  Array.from({ length: parallel }, async (_, w) => {
    // Workers start 30 s apart, so their command bursts (N acks at once) do not coincide.
    await new Promise((r) => setTimeout(r, w * 30_000));
    for (let t = order.shift(); t; t = order.shift()) {
      const r = await scenario(t.st, t.n);
      done.push({ i: tasks.indexOf(t), r });
      console.log(table([r]).split('\n').at(-1));
    }
  }),
);
records.push(...done.sort((a, b) => a.i - b.i).map((d) => d.r));
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
    `(each scenario's own is in results.json). ${chars} characters per run at ~50 tokens/s with tool calls, ${RUNS_PER_CHANNEL} runs per channel, one workspace, ${parallel} scenario(s) at a time, each capped at ${args.get('cap') ?? 'its stream time + 60 s + 3 s × N'}.`,
  '',
  `Ack latency, 100 concurrent slash commands, load generator in its own process: p50 ${burst.p50} ms, p99 ${burst.p99} ms (max ${burst.max} ms) ` +
    `with the store out of the bot's process as in production; ${burstEmbedded.p50} / ${burstEmbedded.p99} ms with the embedded store in the bot's process. ` +
    `The store (dynalite in the stand-ins' process) took p50 ${burst.storeDedupMs.p50} / p99 ${burst.storeDedupMs.p99} ms to answer the dedup checks the ack waits for. ` +
    `Floor under the same load (100 concurrent \`/assess help\`, answered in the ack with no store and no run): p99 ${burst.helpP99} ms and ${burstEmbedded.helpP99} ms. ` +
    `Store requests per command while the acks were answered (dedup checks side by side, one round trip; the runs that started meanwhile add theirs): ${Object.entries(
      burst.dynamoPerCommand,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  '',
  table(records),
  '',
  'Cost per turn (one turn per run; counted at the stand-ins):',
  '',
  costs(records),
  '',
  'Ours as a ratio of each baseline (same N, same stand-ins; below 1 is better):',
  '',
  ratios(records),
  '',
].join('\n');
const out = args.get('out') ?? 'results';
writeFileSync(
  join(here, `${out}.json`),
  `${JSON.stringify({ machine, ackBurst100: burst, ackBurst100EmbeddedStore: burstEmbedded, records }, null, 2)}\n`,
);
writeFileSync(join(here, `${out}.md`), md);
console.log(`\n${md}`);
process.exit(0);

/** `count` slash commands sent at once (RUNS_PER_CHANNEL per channel); resolves with each ack's latency in ms. */
function commandBurst(slack: FakeSlack, count: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      slack
        .slashCommand({
          command: '/assess',
          text: `eks bench-${i} us-west-2`,
          user: USER,
          channel: `C0BENCH${Math.floor(i / RUNS_PER_CHANNEL)}`,
        })
        .then((r) => r.ms),
    ),
  );
}
