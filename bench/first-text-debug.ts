/**
 * `--debug`: for every run the budget allowed (bench/first-text-budget.ts) whose first text missed
 * FIRST_TEXT_MS, what reached the fake Slack around its first delta: the judge's counts, and every
 * chat.update and chat.postMessage from a window before the delta to the first text, with the run
 * each served (so a miss can be told apart: the scheduler, the bot's loop, or the judge).
 */
import type { ApiCall, StoredMessage } from '../src/stand-ins/fake-slack-types.ts';
import { firstTextBudget, type RunTimeline, type SlackBudgetLog } from './first-text-budget.ts';

export function explainFirstTextMisses(
  calls: ApiCall[],
  roots: Array<StoredMessage | undefined>,
  replyTs: (root: StoredMessage) => string[],
  timelines: RunTimeline[],
  firstMs: number[],
  allowed: boolean[],
  budget: SlackBudgetLog,
  withinMs: number,
  t0: number,
): void {
  const runOfTs = new Map<string, number>();
  roots.forEach((r, i) => {
    if (!r) return;
    runOfTs.set(`${r.channel}/${r.ts}`, i);
    for (const ts of replyTs(r)) runOfTs.set(`${r.channel}/${ts}`, i);
  });
  const rel = (t: number | undefined) => (t === undefined ? '-' : `${((t - t0) / 1000).toFixed(3)}s`);
  const who = (c: ApiCall) => {
    const p = c.params;
    const key = `${String(p.channel)}/${String(p.ts ?? p.thread_ts ?? '')}`;
    return runOfTs.get(key);
  };
  timelines.forEach((t, i) => {
    if (!allowed[i] || !(firstMs[i]! > withinMs)) return;
    const d = t.firstDelta;
    const end = t.firstShownAt ?? d + 10_000;
    const { open, sent, ahead } = firstTextBudget(timelines, i, budget, withinMs);
    console.error(
      `first text missed, allowed: run ${i} (${t.channel}) first delta ${rel(d)}, reply open ${rel(t.replyOpenAt)}, ` +
        `first shown ${rel(t.firstShownAt)} (+${firstMs[i]} ms); judge: ` +
        (open
          ? `${sent} updates in the window before, ${ahead.length} ahead [${ahead.join(',')}], limit ${budget.updateLimit}`
          : `reply not open, ${ahead.length} of its channel ahead [${ahead.join(',')}]`),
    );
    const near = calls.filter(
      (c) =>
        (c.method === 'chat.update' || c.method === 'chat.postMessage') &&
        c.at >= d - 3_000 &&
        c.at <= end + 500,
    );
    for (const c of near) {
      const j = who(c);
      const first = j !== undefined && timelines[j]!.firstShownAt === c.at ? ' FIRST TEXT' : '';
      console.error(
        `  ${rel(c.at)} ${c.method} run ${j ?? '?'} status ${c.status}${c.error ? ` ${c.error}` : ''}${first}`,
      );
    }
  });
}
