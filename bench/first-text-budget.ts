/**
 * Whether Slack's budget allowed a run's first text within FIRST_TEXT_MS of its first delta (issue 21:
 * "first text visible within 300 ms of the first delta whenever the budget allows it"). Judged from
 * what reached the fake Slack, with Slack's own limits (not the bot's margins under them), so a run
 * the budget allowed and the bot did not serve in time is a miss:
 *
 * - A run whose reply is open needs one chat.update. The workspace allows it by `d + within` if the
 *   calls Slack counted in the window before the first delta `d`, plus one for every other run
 *   already waiting to show its first text at `d` (older first text, served first; a tie in index
 *   order), plus this one, fit in chat.update's limit per window. Runs waiting only to show more text are not ahead: their
 *   edit may follow this one (it costs them one edit's wait, which staleness measures), so counting
 *   them would excuse a first text Slack allowed (in the replay at N = 50, 20 KB per run: 35 of 50 runs
 *   allowed that way, 45 with this count).
 * - A run whose reply is not open yet needs a chat.postMessage in its channel (one a second): allowed
 *   if the channel's last post before `d`, plus one post for each run of the channel already waiting
 *   for its reply, leaves a slot by `d + within`.
 */

export interface SlackBudgetLog {
  /** When each chat.update reached Slack (ms epoch), sorted. */
  updates: number[];
  /** When each chat.postMessage reached Slack, by channel, sorted. */
  posts: Map<string, number[]>;
  /** Slack's chat.update limit per window for the workspace. */
  updateLimit: number;
  updateWindowMs: number;
  /** Slack's least gap between two posts in one channel. */
  postEveryMs: number;
}

export interface RunTimeline {
  channel: string;
  /** When the harness wrote the run's first text (ms epoch). */
  firstDelta: number;
  /** When the run's first reply appeared (undefined: never). */
  replyOpenAt: number | undefined;
  /** When Slack first showed any of the run's text (undefined: never). */
  firstShownAt: number | undefined;
  /** Whether the run had written text Slack did not show yet at `t`. */
  pendingAt: (t: number) => boolean;
}

const countIn = (sorted: number[], from: number, to: number) =>
  sorted.filter((t) => t > from && t < to).length;

/** Whether the budget let run `i` show its first text within `withinMs` of its first delta. */
export function firstTextAllowed(
  runs: RunTimeline[],
  i: number,
  log: SlackBudgetLog,
  withinMs: number,
): boolean {
  return firstTextBudget(runs, i, log, withinMs).allowed;
}

/**
 * The judge's counts for run `i`: with its reply open, the chat.update calls in the window before its
 * first delta (`sent`) and the runs ahead of it; else the runs of its channel ahead of it for a post.
 */
export function firstTextBudget(
  runs: RunTimeline[],
  i: number,
  log: SlackBudgetLog,
  withinMs: number,
): { allowed: boolean; open: boolean; sent: number; ahead: number[] } {
  const r = runs[i]!;
  const d = r.firstDelta;
  const open = r.replyOpenAt !== undefined && r.replyOpenAt <= d;
  // Runs whose first delta came at the same moment are ahead in index order, even those shown at
  // that moment (their calls are not in the window before `d`): Slack can take no more of them than
  // the window has room for, whichever it takes (the replay's fake clock ties them).
  const tied = (o: RunTimeline, j: number) => o.firstDelta === d && j < i;
  const waiting = runs.flatMap((o, j) =>
    j !== i && ((o.firstDelta < d && o.pendingAt(d)) || tied(o, j)) ? [j] : [],
  );
  if (open) {
    const ahead = waiting.filter((j) => {
      const o = runs[j]!;
      return (
        o.replyOpenAt !== undefined &&
        o.replyOpenAt <= d &&
        (o.firstShownAt === undefined || o.firstShownAt > d || o.firstDelta === d)
      );
    });
    const sent = countIn(log.updates, d + withinMs - log.updateWindowMs, d);
    return { allowed: sent + ahead.length + 1 <= log.updateLimit, open, sent, ahead };
  }
  const ahead = waiting.filter((j) => {
    const o = runs[j]!;
    return o.channel === r.channel && (o.replyOpenAt === undefined || o.replyOpenAt > d);
  });
  const last = (log.posts.get(r.channel) ?? []).filter((t) => t < d).at(-1);
  const slot =
    Math.max(d, (last ?? Number.NEGATIVE_INFINITY) + log.postEveryMs) + ahead.length * log.postEveryMs;
  return { allowed: slot <= d + withinMs, open, sent: 0, ahead };
}
