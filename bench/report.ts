/** bench/results.md: the results table, cost per turn, and ours as a ratio of each baseline. */
import type { AckBurst } from './ack-burst.ts';
import { usdPerMillion } from './dynamo-capacity.ts';
import type { ScaleRecord } from './scale.ts';
import type { BenchRecord } from './scenario.ts';

export function fmt(x: number, digits = 0): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

export function table(records: BenchRecord[]): string {
  const lines = [
    '| Strategy | N | ack p50/p99 ms | first visible p50/p95 ms | staleness p50/p95 ms | floor p95 ms (updates only) | p95 ÷ floor (updates only) | spill-rule floor p95 ms | p95 ÷ spill-rule floor | Slack calls/run | 429s | chars lost | unfinished (refused: cannot record) | peak RSS MB | CPU s | wall s | load at start |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of records) {
    lines.push(
      `| ${r.strategy} | ${r.n} | ${fmt(r.ackMs.p50)} / ${fmt(r.ackMs.p99)} | ${fmt(r.firstVisibleMs.p50)} / ${fmt(r.firstVisibleMs.p95)} | ${fmt(r.stalenessMs.p50)} / ${fmt(r.stalenessMs.p95)} | ${fmt(r.floorMs.p95)}${r.floorUpdatesOnlyMs ? ` (${fmt(r.floorUpdatesOnlyMs.p95)})` : ''} | ${fmt(r.stalenessP95VsFloor, 2)}${r.floorUpdatesOnlyMs ? ` (${fmt(r.stalenessMs.p95 / r.floorUpdatesOnlyMs.p95, 2)})` : ''} | ${fmt(r.floorSpillMs?.p95 ?? Number.NaN)} | ${fmt(r.stalenessMs.p95 / (r.floorSpillMs?.p95 ?? Number.NaN), 2)} | ${fmt(r.slackCallsPerRun, 1)} | ${r.responses429}${r.responses429 ? ` (${list(r.responses429ByMethod, 0)})` : ''} | ${r.charsLost} | ${r.unfinishedRuns} (${r.refusedCannotRecord ?? '–'}) | ${fmt(r.peakRssMb)} | ${fmt(r.cpuMs / 1000, 1)} | ${fmt(r.wallS)} | ${fmt(r.load.start[0] ?? Number.NaN, 1)} |`,
    );
  }
  return lines.join('\n');
}

function list(o: Record<string, number>, digits = 2): string {
  return Object.entries(o)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${fmt(v, digits)}`)
    .join(', ');
}

/**
 * What a turn costs: DynamoDB requests by purpose, their estimated capacity units (read / write
 * request units, dynamo-capacity.ts) and what those cost on demand, and Slack calls by method.
 */
export function costs(records: BenchRecord[]): string {
  const lines = [
    '| Strategy | N | DynamoDB requests per turn (by purpose) | RRU / WRU per turn (by purpose) | USD per million turns | Slack calls per run (by method) |',
    '|---|---:|---|---|---:|---|',
  ];
  for (const r of records) {
    const total = Object.values(r.dynamoPerTurn).reduce((a, b) => a + b, 0);
    const u = r.dynamoUnitsPerTurn;
    const by = (f: 'rru' | 'wru') =>
      list(
        Object.fromEntries(Object.entries(u?.byPurpose ?? {}).flatMap(([k, x]) => (x[f] ? [[k, x[f]]] : []))),
      );
    const units = u
      ? `**${fmt(u.rru, 2)} / ${fmt(u.wru, 2)}**: reads ${by('rru')}; writes ${by('wru')}`
      : '–';
    // Counted once every run's end reached the store (bench/run-ends.ts); a run still without one at the limit is undercounted.
    const e = r.storeEnds;
    const ends = e
      ? ` (read ${fmt(e.waitedS, 1)} s after the footers${e.pending ? `; **${e.pending} runs' ends not recorded within ${e.limitS} s: undercounted**` : ''})`
      : '';
    lines.push(
      `| ${r.strategy} | ${r.n} | **${fmt(total, 2)}**${ends}: ${list(r.dynamoPerTurn)} | ${units} | ${u ? fmt(usdPerMillion(u), 2) : '–'} | **${fmt(r.slackCallsPerRun, 1)}**: ${list(r.slackPerRun)} |`,
    );
  }
  return lines.join('\n');
}

export function ratios(records: BenchRecord[], ns: number[]): string {
  const lines = [
    '| N | ours vs baseline | staleness p95 (ours ÷ theirs) | first visible p50 | Slack calls/run | 429s (ours / theirs) | chars lost (ours / theirs) |',
    '|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const n of ns) {
    const ours = records.find((r) => r.strategy === 'ours' && r.n === n);
    if (!ours) continue;
    const native = records.find((r) => r.strategy === 'ours-native' && r.n === n);
    const pairs: Array<[BenchRecord, string]> = [
      [ours, 'every-delta'],
      [ours, 'every-2s'],
      [ours, 'chat-stream'],
      ...(native ? [[native, 'chat-stream'] as [BenchRecord, string]] : []),
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

export function ackSummary(burst: AckBurst, embedded: AckBurst): string {
  return (
    `Ack latency, 100 concurrent slash commands, load generator in its own process: p50 ${burst.p50} ms, p99 ${burst.p99} ms (max ${burst.max} ms) ` +
    `with the store out of the bot's process as in production (load ${burst.load.join(' / ')}); ${embedded.p50} / ${embedded.p99} ms with the embedded store in the bot's process (load ${embedded.load.join(' / ')}). ` +
    `Floor in the same rounds (100 concurrent commands answered with an empty 200 right after the signature check, nothing decided; alternated with ours): p99 ${burst.floorP99 ?? '–'} ms and ${embedded.floorP99 ?? '–'} ms; ` +
    `\`/assess help\` (its help body rendered in the ack): p99 ${burst.helpP99} ms and ${embedded.helpP99} ms. ` +
    (burst.roundP99Median
      ? `Median of the rounds' p99: ours ${burst.roundP99Median.ours} ms, floor ${burst.roundP99Median.floor} ms, help ${burst.roundP99Median.help} ms. `
      : '') +
    (burst.rounds
      ? `Rounds in order (p99 ms at load): ${burst.rounds.map((r) => `${r.side} ${r.p99} @ ${r.load}${r.busyBefore ? ' (bot busy before)' : ''}`).join(', ')}. `
      : '') +
    cpuLine(burst) +
    `The duplicate checks are made after the ack (the store answered them in p50 ${burst.storeDedupMs.p50} / p99 ${burst.storeDedupMs.p99} ms). ` +
    `Duplicate checks per accepted command: ${fmt(burst.dedupPerCommand, 2)}, counted ${dedupNote(burst.dedupWait)}; a turn's other store requests are in the cost table.`
  );
}

/** When the ack burst's store counts were read. */
const dedupNote = (w: AckBurst['dedupWait']) =>
  !w
    ? '3 s after the last round'
    : w.complete
      ? `once every one was answered (${fmt(w.waitedMs / 1000, 1)} s after the last round)`
      : `**${fmt(w.waitedMs / 1000, 1)} s after the last round, with some still unanswered**`;

const workspaceRatios = (q: { worst: number; median: number } | undefined) =>
  q ? `${fmt(q.worst, 2)} / ${fmt(q.median, 2)}` : '–';

export function scaleSummary(r: ScaleRecord): string {
  return [
    '| Workspaces × runs | runs started (refused: cannot record) | store answer p50/p99 ms | ack p50/p99 ms | staleness p95 ÷ floor, worst / median workspace | floor p95 ms | p95 ÷ every-writer floor, worst / median | p95 ÷ spill-rule floor, worst / median | staleness p50/p95 ms | Slack calls | 429s | chars lost | unfinished (failed) | peak RSS MB | bot cores (avg) | stand-ins cores (avg) | wall s (cap) | load at start |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${r.workspaces} × ${r.perWorkspace} | ${r.runsStarted} (${r.refusedCannotRecord}) | ${r.storeServiceMs.p50} / ${r.storeServiceMs.p99} | ${fmt(r.ackMs.p50)} / ${fmt(r.ackMs.p99)} | ${fmt(r.p95VsFloor.worst, 2)} / ${fmt(r.p95VsFloor.median, 2)} | ${fmt(r.floorP95Ms)} | ${workspaceRatios(r.p95VsWriterFloor)} | ${workspaceRatios(r.p95VsSpillFloor)} | ${fmt(r.stalenessMs.p50)} / ${fmt(r.stalenessMs.p95)} | ${r.slackCalls} | ${r.responses429} | ${r.charsLost} | ${r.unfinishedRuns} (${r.failedRuns ?? '–'}) | ${fmt(r.peakRssMb)} | ${fmt(r.cpuAvgCores, 2)} | ${fmt(r.standInsAvgCores, 2)} | ${fmt(r.wallS)} (${r.capS ?? '–'}) | ${fmt(r.load.start[0] ?? Number.NaN, 1)} |`,
    ...(r.peakMem
      ? [
          '',
          `The bot's memory at its peaks (sampled each second): JS heap ${r.peakMem.heapUsedMb} MB, outside the heap ${r.peakMem.externalMb} MB (array buffers ${r.peakMem.arrayBuffersMb} MB)${r.idleMem ? `; before the burst, with every workspace's instance started: RSS ${r.idleMem.rssMb} MB, JS heap ${r.idleMem.heapUsedMb} MB` : ''}. Per-workspace staleness p95 ÷ floor: ${r.p95VsFloor.perWorkspace.join(', ')}.`,
          ...(r.harnessThrottled !== undefined
            ? [
                '',
                `InvokeHarness attempts the harness throttled (25 per second; the bot retried them, they are not runs): ${r.harnessThrottled}.`,
              ]
            : []),
        ]
      : []),
  ].join('\n');
}

/** What an ack costs in CPU: on a shared machine an ack mostly waits for the CPU, so this is what it is made of. */
function cpuLine(b: AckBurst): string {
  const c = b.cpuUsPerCommand;
  if (!c) return '';
  return (
    `CPU per command (store out of process): the bot ${c.bot} µs (floor ${c.floorBot} µs${c.helpBot !== undefined ? `, help ${c.helpBot} µs` : ''}), the load generator ${c.generator} µs (floor ${c.floorGenerator} µs); ` +
    `floor p50 ${b.floorP50 ?? b.helpP50} ms. `
  );
}

/**
 * The first-text target (first text visible within 300 ms of the run's first delta) per strategy and
 * N: met of the runs Slack's budget allowed it for (bench/first-text-budget.ts), and of all runs; with what the user waited from the command, and lost (finished runs missing text) apart from
 * undelivered (unfinished runs at the cap).
 */
export function firstText(records: BenchRecord[]): string {
  const lines = [
    '| Strategy | N | first text ≤ 300 ms: met / budget allowed | ≤ 300 ms of all runs | first visible p50/p95 ms | command → first text p50/p95 ms | floor p95 ms (native: runs streamed) | chars lost | chars undelivered at cap | unfinished |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of records) {
    const ft = r.firstTextOnTime;
    const allowed = ft?.allowed !== undefined ? `${ft.metAllowed} / ${ft.allowed}` : '–';
    const floor = `${fmt(r.floorMs.p95)}${r.floorMs.streamed !== undefined ? ` (${r.floorMs.streamed} of ${r.n})` : ''}`;
    lines.push(
      `| ${r.strategy} | ${r.n} | ${allowed} | ${ft ? `${ft.runs} / ${ft.of}` : '–'} | ${fmt(r.firstVisibleMs.p50)} / ${fmt(r.firstVisibleMs.p95)} | ${fmt(r.commandToFirstTextMs?.p50 ?? Number.NaN)} / ${fmt(r.commandToFirstTextMs?.p95 ?? Number.NaN)} | ${floor} | ${r.charsLost} | ${r.charsUndelivered ?? '–'} | ${r.unfinishedRuns} |`,
    );
  }
  return lines.join('\n');
}
