/**
 * The ack burst's load generator, in a process of its own (forked by bench/ack-burst.ts): apart from
 * the bot, and apart from the stand-ins (the counting DynamoDB, the fake Slack's Web API, the
 * harness emulator), whose work after the acks would otherwise delay the reading of later acks.
 *
 * On 2 cores the generator's CPU competes with the bot's, so it does as little as a client can
 * (bench/ack-client.ts): every request is built and signed into one buffer before the clock starts,
 * each is one write on a connection opened beforehand and kept alive (as Slack keeps connections to
 * a busy app open), and a response is read only as far as its status line and length. node:http's
 * client spent nearly as much per request as the bot did (bench/results.md of 2026-11-30: 695 µs
 * against the bot's 794). An ack's time is from its request being written to its response having ended.
 *
 * CPU time is read from the kernel's per-thread run time (/proc/<pid>/task/<tid>/schedstat, ns) of
 * both processes at the first write and at the last response: the bot's work after the acks (its
 * duplicate checks, Bolt's pass, the runs) is then not counted as the acks' cost, as it was when the
 * bench process asked the bot for its usage some time after the burst.
 */
import { Connection, cpuUs, signedRequest } from './ack-client.ts';

let pool: Connection[] = [];

/** As many open connections as requests; closed ones (the bot's keep-alive timeout) are replaced. */
async function connections(port: number, count: number): Promise<Connection[]> {
  pool = pool.filter((c) => !c.closed);
  const missing = Math.max(0, count - pool.length);
  pool.push(...(await Promise.all(Array.from({ length: missing }, () => Connection.open(port)))));
  return pool.slice(0, count);
}

type Round = { type: 'round'; url: string; secret: string; forms: string[]; botPid?: number };

process.on('message', async (m: Round | { type: 'stop' }) => {
  if (m.type === 'stop') {
    for (const c of pool) c.close();
    process.exit(0);
  }
  if (m.type !== 'round') return;
  const url = new URL(m.url);
  const requests = m.forms.map((f) => signedRequest(url, f, m.secret));
  const conns = await connections(Number(url.port), requests.length);
  const bot0 = m.botPid ? cpuUs(m.botPid) : undefined;
  const gen0 = cpuUs('self');
  let left = requests.length;
  let bot1: number | undefined;
  let gen1: number | undefined;
  const ms = await Promise.all(
    requests.map((r, i) =>
      conns[i]!.send(r).then((t) => {
        left -= 1;
        if (left === 0) {
          gen1 = cpuUs('self');
          bot1 = m.botPid ? cpuUs(m.botPid) : undefined;
        }
        return t;
      }),
    ),
  );
  process.send?.({
    type: 'round',
    ms: ms.map((x) => Math.round(x)),
    cpuUs: gen0 !== undefined && gen1 !== undefined ? gen1 - gen0 : undefined,
    botCpuUs: bot0 !== undefined && bot1 !== undefined ? bot1 - bot0 : undefined,
  });
});
process.send?.({ type: 'ready' });
