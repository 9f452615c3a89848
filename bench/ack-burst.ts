/**
 * The ack burst: `count` slash commands at once from the load generator (bench/ack-generator.ts, a
 * process of its own) to the bot (another), and how fast each is acknowledged. Beside the latencies it
 * counts what they are made of: the bot's CPU time per command (process.cpuUsage across the burst),
 * the load generator's own, and the machine's load, because on a shared machine an ack waits mostly
 * for the CPU, not for anything the bot does.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ask, startBotProcess, stopBot } from './bot-control.ts';
import { pct } from './measure.ts';
import { type BenchOptions, loads, perRun } from './scenario.ts';
import { channelOf, commandForms, SIGNING_SECRET, stands, USER } from './stands.ts';

export interface AckBurst {
  p50: number;
  p99: number;
  max: number;
  /** Floor under the same load: `count` concurrent `/assess help`, answered in the ack with no store and no run. */
  helpP99: number;
  helpP50?: number;
  /**
   * CPU time per command, in µs: the bot's from the first request sent to the last ack received
   * (for the real commands this includes whatever after-ack work ran before the last ack), and the
   * load generator's over the same span.
   */
  cpuUsPerCommand?: { floorBot: number; bot: number; floorGenerator: number; generator: number };
  /** How long the store took to answer the duplicate checks (now made after the ack). */
  storeDedupMs: { p50: number; p99: number };
  dynamoPerCommand: Record<string, number>;
  load: number[];
}

type Usage = { cpuMs: number };
const here = dirname(fileURLToPath(import.meta.url));

/** The load generator (bench/ack-generator.ts) in its own process. */
async function startGenerator(): Promise<ChildProcess> {
  const child = fork(join(here, 'ack-generator.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: { type: string }) => m.type === 'ready' && resolve());
  });
  return child;
}

/**
 * One round: every form sent at once; each ack's latency and the CPU both processes spent per
 * command, read by the generator from the first request written to the last ack received (Linux);
 * elsewhere the bot's is asked for after the round and includes what it did after its acks.
 */
async function round(bot: ChildProcess, gen: ChildProcess, url: string, forms: string[]) {
  const bot0 = (await ask<Usage>(bot, 'usage')).cpuMs;
  const done = new Promise<{ ms: number[]; cpuUs: number; botCpuUs?: number }>((resolve) => {
    const on = (m: { type: string; ms: number[]; cpuUs: number; botCpuUs?: number }) => {
      if (m.type !== 'round') return;
      gen.off('message', on);
      resolve(m);
    };
    gen.on('message', on);
  });
  gen.send({ type: 'round', url, secret: SIGNING_SECRET, forms, botPid: bot.pid });
  const { ms, cpuUs, botCpuUs } = await done;
  const botUs = botCpuUs ?? ((await ask<Usage>(bot, 'usage')).cpuMs - bot0) * 1000;
  return {
    ms,
    botUs: Math.round(botUs / forms.length),
    generatorUs: Math.round(cpuUs / forms.length),
  };
}

/**
 * Resolves once the bot has been nearly idle (under 5% of a core) for half a second, or after 15 s:
 * what came after the warm-up's acks (duplicate checks, the notes to the copies, GC) is over.
 */
async function settled(bot: ChildProcess): Promise<void> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const before = (await ask<Usage>(bot, 'usage')).cpuMs;
    await new Promise((res) => setTimeout(res, 500));
    if ((await ask<Usage>(bot, 'usage')).cpuMs - before < 25) return;
  }
}

/** `count` slash commands at once: how fast each is acked (the runs themselves are not waited for). */
export async function ackBurst(count: number, o: BenchOptions): Promise<AckBurst> {
  const st = await stands({ n: count, chars: o.chars, embeddedDynamo: o.embeddedDynamo });
  const { slack, dynamo } = st;
  const { child, port } = await startBotProcess({ ...st.env, BENCH_STRATEGY: 'ours' }, o.cpuProfDir);
  const url = `http://127.0.0.1:${port}/slack/events`;
  const gen = await startGenerator();
  // Warm up first, as a long-running bot would be: the request path (module loading, JIT) and the
  // HTTP connections (Slack keeps connections to a busy app open): `count` concurrent `help`
  // commands, answered in the ack, starting nothing, then accepted commands. The next `help` round
  // is the floor under the machine's current load.
  const help = () =>
    Array.from({ length: count }, () =>
      slack.slashCommandForm({ command: '/assess', text: 'help', user: USER, channel: channelOf(0) }),
    );
  await round(child, gen, url, help());
  // The accepted-command path warmed up too (its decision, the hand-over to Bolt, the duplicate
  // checks): measured cold, the burst counted V8 compiling it (the first rounds of accepted
  // commands cost the bot up to twice the CPU of the third). Each warm-up round is `count` copies of
  // one command, so the double-submit check lets one run start and tells the rest; their after-ack
  // work is left to finish before the floor (measured right after it, the floor rose to 558-954 µs).
  for (const r of [1, 2]) {
    const same = Array.from({ length: count }, () =>
      slack.slashCommandForm({
        command: '/assess',
        text: `eks warm-${r} us-west-2`,
        user: USER,
        channel: channelOf(0),
      }),
    );
    await round(child, gen, url, same);
  }
  await settled(child);
  // Meanwhile the bot's keep-alive timeout may have closed the connections; reopened, their first
  // requests would count the bot's accepting them in the floor.
  await round(child, gen, url, help());
  const floorMark = await ask<{ atUs: number }>(child, 'mark');
  if (o.cpuProfDir) console.log(`profile mark: floor burst starts at ${floorMark.atUs} µs`);
  const floor = await round(child, gen, url, help());
  await dynamo.reset();
  const mark = await ask<{ atUs: number }>(child, 'mark');
  if (o.cpuProfDir) console.log(`profile mark: burst starts at ${mark.atUs} µs`);
  const ours = await round(child, gen, url, commandForms(slack, count));
  // The duplicate checks follow the acks; give them time to be made before counting.
  await new Promise((r) => setTimeout(r, 3_000));
  const dedup = (await dynamo.serviceMs())['dedup (remember)'] ?? [];
  const result: AckBurst = {
    p50: pct(ours.ms, 50),
    p99: pct(ours.ms, 99),
    max: Math.max(...ours.ms),
    helpP50: pct(floor.ms, 50),
    helpP99: pct(floor.ms, 99),
    cpuUsPerCommand: {
      floorBot: floor.botUs,
      bot: ours.botUs,
      floorGenerator: floor.generatorUs,
      generator: ours.generatorUs,
    },
    storeDedupMs: { p50: Math.round(pct(dedup, 50)), p99: Math.round(pct(dedup, 99)) },
    dynamoPerCommand: perRun(await dynamo.counts(), count),
    load: loads(),
  };
  gen.send({ type: 'stop' });
  await stopBot(child);
  await st.close();
  return result;
}
