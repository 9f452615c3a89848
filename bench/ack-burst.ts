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
import { type BenchOptions, loads } from './scenario.ts';
import { channelOf, SIGNING_SECRET, stands, USER } from './stands.ts';

/** The floor's command: only the bench's bot process knows it (BotHooks.ackFloorCommand, BENCH_ACK_FLOOR). */
export const FLOOR_COMMAND = '/bench-ack-floor';
/** Measured rounds of each side, alternated so that a drift in the machine's load favours neither. */
export const ACK_ROUNDS = 5;
/**
 * Characters each accepted command's run streams. The acks come before the runs (the hand-over waits
 * for the burst), so their length does not touch the acks; short runs let the bot go idle again
 * before the next round, so that every round, ours or a floor's, starts from an idle bot.
 */
const RUN_CHARS = 200;

type Side = 'floor' | 'help' | 'ours';

export interface AckBurst {
  /** Ours: `count` concurrent accepted commands, over ACK_ROUNDS rounds. */
  p50: number;
  p99: number;
  max: number;
  /**
   * The floor: `count` concurrent FLOOR_COMMAND, answered with an empty 200 right after the receiver
   * read the body and checked the signature (nothing decided, stored or rendered): the least the same
   * receiver can do for a verified command. Same generator, connections, warm-up and rounds as ours.
   */
  floorP50?: number;
  floorP99?: number;
  /** `count` concurrent `/assess help`, answered in the ack with the help body (the floor until 30 Nov: it includes rendering that body). */
  helpP99: number;
  helpP50?: number;
  /**
   * The median over the rounds of each round's p99, per side: on a shared machine one round that
   * meets a busy moment sets the pooled p99 of either side, and the median of rounds does not.
   */
  roundP99Median?: Record<Side, number>;
  /** Every measured round in the order it ran: its side, p99, the 1-minute load at its start, and whether the bot was still busy (not idle within 15 s) before it. */
  rounds?: Array<{ side: Side; p99: number; load: number; busyBefore?: true }>;
  /**
   * CPU time per command, in µs: the bot's from the first request sent to the last ack received
   * (for the real commands this includes whatever after-ack work ran before the last ack), and the
   * load generator's over the same span; mean over the rounds. `floor*` is the empty ack's.
   */
  cpuUsPerCommand?: {
    floorBot: number;
    bot: number;
    floorGenerator: number;
    generator: number;
    helpBot?: number;
    helpGenerator?: number;
  };
  /** How long the store took to answer the duplicate checks (now made after the ack). */
  storeDedupMs: { p50: number; p99: number };
  /**
   * Duplicate checks per accepted command (two: the command's and its thread's), counted once every
   * one was answered. A turn's other store requests are counted by the scenarios (bench/run-ends.ts):
   * the burst's runs take minutes to end.
   */
  dedupPerCommand: number;
  /** How long after the last round the duplicate checks took to be all answered, and whether they were. */
  dedupWait?: { waitedMs: number; complete: boolean };
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
async function settled(bot: ChildProcess): Promise<boolean> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const before = (await ask<Usage>(bot, 'usage')).cpuMs;
    await new Promise((res) => setTimeout(res, 500));
    if ((await ask<Usage>(bot, 'usage')).cpuMs - before < 25) return true;
  }
  return false;
}

/** The counting store's name for a duplicate check (bench/dynamo-counter.ts). */
const DEDUP = 'dedup (remember)';

/** Waits (at most `limitMs`) until the store has counted at least `want[purpose]` requests of each. */
async function untilCounted(
  dynamo: { counts(): Promise<Record<string, number>> },
  want: Record<string, number>,
  limitMs: number,
): Promise<{ waitedMs: number; complete: boolean }> {
  const from = Date.now();
  for (;;) {
    const got = await dynamo.counts();
    const complete = Object.entries(want).every(([purpose, n]) => (got[purpose] ?? 0) >= n);
    const waitedMs = Date.now() - from;
    if (complete || waitedMs >= limitMs) return { waitedMs, complete };
    await new Promise((r) => setTimeout(r, 100));
  }
}

const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));

/**
 * `count` slash commands at once: how fast each is acked (the runs themselves are not waited for),
 * beside two floors measured the same way, in alternated rounds: floor, help, ours; ours, help,
 * floor; … Before each measured round the bot has gone idle and the connections are re-warmed by a
 * round of the floor's command, the same for every side.
 */
export async function ackBurst(count: number, o: BenchOptions): Promise<AckBurst> {
  const st = await stands({ n: count, chars: RUN_CHARS, embeddedDynamo: o.embeddedDynamo });
  const { slack, dynamo } = st;
  const { child, port } = await startBotProcess(
    { ...st.env, BENCH_STRATEGY: 'ours', BENCH_ACK_FLOOR: FLOOR_COMMAND },
    o.cpuProfDir,
  );
  const url = `http://127.0.0.1:${port}/slack/events`;
  const gen = await startGenerator();
  const same = (command: string, text: string) =>
    Array.from({ length: count }, () =>
      slack.slashCommandForm({ command, text, user: USER, channel: channelOf(0) }),
    );
  // Warm up first, as a long-running bot would be: the request path (module loading, JIT) and the
  // HTTP connections (Slack keeps connections to a busy app open), every side's path. The
  // accepted-command path too (its decision, the hand-over to Bolt, the duplicate checks): measured
  // cold, the burst counted V8 compiling it (the first rounds of accepted commands cost the bot up to
  // twice the CPU of the third). Each of its warm-up rounds is `count` copies of one command, so the
  // double-submit check lets one run start and tells the rest.
  await round(child, gen, url, same(FLOOR_COMMAND, ''));
  await round(child, gen, url, same('/assess', 'help'));
  for (const r of [1, 2]) await round(child, gen, url, same('/assess', `eks warm-${r} us-west-2`));
  // Their duplicate checks follow their acks: not counted as the measured commands'.
  await settled(child);
  await dynamo.reset();
  const forms = (side: Side, k: number) =>
    side === 'floor'
      ? same(FLOOR_COMMAND, '')
      : side === 'help'
        ? same('/assess', 'help')
        : Array.from({ length: count }, (_, i) =>
            slack.slashCommandForm({
              command: '/assess',
              text: `eks bench-${i}-r${k} us-west-2`,
              user: USER,
              channel: channelOf(i),
            }),
          );
  const got: Record<Side, Array<Awaited<ReturnType<typeof round>>>> = { floor: [], help: [], ours: [] };
  const rounds: NonNullable<AckBurst['rounds']> = [];
  for (let k = 0; k < ACK_ROUNDS; k++) {
    const order: Side[] = k % 2 === 0 ? ['floor', 'help', 'ours'] : ['ours', 'help', 'floor'];
    for (const side of order) {
      const idle = await settled(child);
      // The bot's keep-alive timeout may have closed connections meanwhile; reopened, their first
      // requests would count the bot's accepting them.
      await round(child, gen, url, same(FLOOR_COMMAND, ''));
      const mark = await ask<{ atUs: number }>(child, 'mark');
      if (o.cpuProfDir) console.log(`profile mark: ${side} round ${k} starts at ${mark.atUs} µs`);
      const load = loads()[0] ?? Number.NaN;
      const r = await round(child, gen, url, forms(side, k));
      got[side].push(r);
      rounds.push({ side, p99: pct(r.ms, 99), load, ...(idle ? {} : { busyBefore: true }) });
    }
  }
  // The duplicate checks follow the acks: count once every measured command's two are answered and its
  // run's session claimed, not
  // after a guessed pause. The runs go on for minutes (500 runs share one workspace's 50 chat.update a
  // minute), so their own requests are not in this count: a turn's whole cost is the scenarios'.
  const commands = count * ACK_ROUNDS;
  const dedupWait = await untilCounted(dynamo, { [DEDUP]: 2 * commands }, 60_000);
  const dedup = (await dynamo.serviceMs())[DEDUP] ?? [];
  const all = (side: Side) => got[side].flatMap((r) => r.ms);
  const ours = all('ours');
  const result: AckBurst = {
    p50: pct(ours, 50),
    p99: pct(ours, 99),
    max: Math.max(...ours),
    floorP50: pct(all('floor'), 50),
    floorP99: pct(all('floor'), 99),
    helpP50: pct(all('help'), 50),
    helpP99: pct(all('help'), 99),
    roundP99Median: {
      floor: pct(
        got.floor.map((r) => pct(r.ms, 99)),
        50,
      ),
      help: pct(
        got.help.map((r) => pct(r.ms, 99)),
        50,
      ),
      ours: pct(
        got.ours.map((r) => pct(r.ms, 99)),
        50,
      ),
    },
    rounds,
    cpuUsPerCommand: {
      floorBot: mean(got.floor.map((r) => r.botUs)),
      bot: mean(got.ours.map((r) => r.botUs)),
      floorGenerator: mean(got.floor.map((r) => r.generatorUs)),
      generator: mean(got.ours.map((r) => r.generatorUs)),
      helpBot: mean(got.help.map((r) => r.botUs)),
      helpGenerator: mean(got.help.map((r) => r.generatorUs)),
    },
    storeDedupMs: { p50: Math.round(pct(dedup, 50)), p99: Math.round(pct(dedup, 99)) },
    dedupPerCommand: ((await dynamo.counts())[DEDUP] ?? 0) / commands,
    dedupWait,
    load: loads(),
  };
  gen.send({ type: 'stop' });
  await stopBot(child);
  await st.close();
  return result;
}
