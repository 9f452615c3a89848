/**
 * When a scenario's runs are over, for counting what a turn costs. A run's footer in Slack is not its
 * end at the store: a spilled run (src/core/reply-stream-spill.ts) shows its footer on a later reply
 * and records its finish (the turn log, the claim's release, the Home tab and agent-close records)
 * only after its first reply's last edit, which under load waits for chat.update budget long after
 * the footer. Counters read at the footers missed those writes (30 Nov: "finish 0.08 per turn" at
 * N = 50). So a run is over when the store has seen its finish and then nothing more for its thread
 * for a quiet spell (the writes that follow the release).
 */

/** What the counting store saw of one thread (dynamo-counter.ts), ms epoch. */
export interface ThreadEnd {
  /** When the thread's finish write (the claim's release) was answered with success. */
  finishAt?: number;
  /** When the last request about this thread was answered. */
  lastAt: number;
}

/** Thread id used by the counter and the scenario: `<channel>#<thread ts>`. */
export const threadId = (channel: string, ts: string) => `${channel}#${ts}`;

/** How long after a thread's last store request its end counts as recorded. */
export const END_QUIET_MS = 2_000;

export interface RunsOver {
  /** Every run shows its footer in Slack. */
  footersShown: boolean;
  /** Threads with a footer whose end the store has not recorded yet. */
  pending: string[];
  /** Every run shows its footer and its end is recorded at the store. */
  over: boolean;
}

/**
 * Whether the runs are over: each shows its footer (`thread` undefined while its thread has no root)
 * and the store recorded its finish, with nothing about its thread for `quietMs` since.
 */
export function runsOver(
  runs: Array<{ thread?: string; footer: boolean }>,
  ends: Record<string, ThreadEnd>,
  now: number,
  quietMs = END_QUIET_MS,
): RunsOver {
  const footersShown = runs.every((r) => r.footer && r.thread !== undefined);
  const pending = runs.flatMap((r) => {
    if (!r.footer || r.thread === undefined) return [];
    const e = ends[r.thread];
    return e?.finishAt !== undefined && now - e.lastAt >= quietMs ? [] : [r.thread];
  });
  return { footersShown, pending, over: footersShown && pending.length === 0 };
}

type Attr = { S?: string };

/**
 * The thread a store request is about, from its key or item (`<channel>#<ts>`), or undefined for
 * requests about no one thread (index queries, batch reads, a person's Home tab flag).
 */
export function threadOfRequest(body: string): string | undefined {
  let req: { Key?: { pk?: Attr; sk?: Attr }; Item?: { pk?: Attr; sk?: Attr } } = {};
  try {
    req = JSON.parse(body);
  } catch {
    return undefined;
  }
  const pk = req.Key?.pk?.S ?? req.Item?.pk?.S ?? '';
  const sk = req.Key?.sk?.S ?? req.Item?.sk?.S ?? '';
  // THREAD#<team>#<channel>#<ts> (session, turn log, agent close: session-table.ts, agent-close-schedule.ts)
  const t = /^THREAD#[^#]*#([^#]+)#([^#]+)$/.exec(pk);
  if (t) return threadId(t[1]!, t[2]!);
  // HOME#<user> / RUN#<created>#<channel>#<thread> (home-store.ts)
  const h = pk.startsWith('HOME#') ? /^RUN#[^#]*#([^#]+)#([^#]+)$/.exec(sk) : null;
  return h ? threadId(h[1]!, h[2]!) : undefined;
}
