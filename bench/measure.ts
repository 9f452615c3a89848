/**
 * What a finished scenario's threads show, measured against what the harness wrote: staleness
 * (for every 20th character, the time from the harness writing it to Slack first showing it),
 * first-visible latency (from the run's first delta, and from its command), and characters lost.
 * The fake Slack keeps every version of every message.
 *
 * Lost and undelivered are told apart: a finished run (its footer is shown) that does not show all
 * the harness wrote lost those characters; an unfinished run at the cap has not delivered the rest
 * yet, which is counted as undelivered unless what it shows differs from what was written (then the
 * rest is lost: it cannot arrive by appending).
 */
import type { FakeSlack, StoredMessage } from '../src/stand-ins/fake-slack.ts';
import { firstTextAllowed, type RunTimeline, type SlackBudgetLog } from './first-text-budget.ts';
import { explainFirstTextMisses } from './first-text-debug.ts';

/** What counts as a character: whitespace and backticks are layout (fences are closed and reopened across messages). */
export function norm(s: string): string {
  return s.replace(/[\s`]+/g, '');
}

function markdownOf(blocks: unknown[] | undefined): string {
  return ((blocks ?? []) as Array<{ type: string; text?: string }>)
    .filter((b) => b.type === 'markdown')
    .map((b) => b.text ?? '')
    .join('');
}

export function pct(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const FINAL = /(Done|Failed|Ended early|Stopped) in/;

const FENCE_OPENER = /^(`{3,}|~{3,})([^\s`]*)[^\n]*\n/;

/**
 * A reply that continues a code block cut at the end of the previous one starts with the block's
 * fence line again ("```bash"); its language tag is layout the agent did not write twice, so it is
 * not counted (without this a cut inside a code block counted the rest of the answer as lost). A
 * reply that starts a new block where the agent's text has one keeps its tag. Returns, per reply,
 * the tag to drop from its start ('' for none).
 */
function reopenedTags(markdowns: string[], written: string): string[] {
  let at = 0;
  return markdowns.map((md, r) => {
    const m = FENCE_OPENER.exec(md);
    const tag = r > 0 && m?.[2] && !written.startsWith(norm(m[2]), at) ? norm(m[2]) : '';
    at += shownText(md, tag).length;
    return tag;
  });
}

/** A reply's countable characters, less a reopened fence's tag. */
function shownText(md: string, tag: string): string {
  const n = norm(md);
  return tag && FENCE_OPENER.test(md) && n.startsWith(tag) ? n.slice(tag.length) : n;
}

/** The run's thread has its final footer (whatever the outcome: "Failed in" ends a run too). */
export function finished(slack: FakeSlack, root: StoredMessage | undefined): boolean {
  return outcome(slack, root) !== undefined;
}

/**
 * How the run ended, from its footer: `done` for "Done in", `failed` for a run that ended otherwise
 * (failed, ended early, stopped), undefined while no footer is shown. A run that ends in an error
 * is over for its person but did not answer: the scale target counts only `done`.
 */
export function outcome(slack: FakeSlack, root: StoredMessage | undefined): 'done' | 'failed' | undefined {
  if (!root) return undefined;
  let ended: 'done' | 'failed' | undefined;
  for (const m of slack.replies(root.channel, root.ts)) {
    const f = FINAL.exec(JSON.stringify(m.blocks ?? []));
    if (f) ended = f[1] === 'Done' ? 'done' : 'failed';
  }
  return ended;
}

/** What the harness wrote for one run: the text (normalized) and when each prefix length was reached. */
export interface Produced {
  text: string;
  times: number[];
  lens: number[];
}

/** The first-text target: the first text visible within this long of the first delta. */
export const FIRST_TEXT_MS = 300;

export interface ThreadMeasure {
  firsts: number[];
  /** Per run with any text shown: its command to its first text on screen. */
  fromCommand: number[];
  /** Runs whose first text showed within FIRST_TEXT_MS of their first delta (of runs that wrote any). */
  firstOnTime: number;
  /** With a budget log: runs whose first text the budget allowed within FIRST_TEXT_MS, and how many of those made it. */
  firstAllowed?: number;
  firstMetAllowed?: number;
  wrote: number;
  stale: number[];
  lost: number;
  /** Characters of unfinished runs not shown by the cap (not lost: still to come). */
  undelivered: number;
  unfinished: number;
  /** Runs whose footer says they failed, ended early or were stopped (finished, but without an answer). */
  failed: number;
}

/** Measures every run's thread; `roots[i]` is run i's root message. */
export function measureThreads(
  slack: FakeSlack,
  roots: Array<StoredMessage | undefined>,
  produced: Produced[],
  debug = false,
  /** When the commands were sent (ms epoch). */
  commandAt = Number.NaN,
  /** What reached Slack, to judge whether the budget allowed each run's first text in time. */
  budget?: SlackBudgetLog,
): ThreadMeasure {
  const out: ThreadMeasure = {
    firsts: [],
    fromCommand: [],
    firstOnTime: 0,
    wrote: 0,
    stale: [],
    lost: 0,
    undelivered: 0,
    unfinished: 0,
    failed: 0,
  };
  const timelines: RunTimeline[] = [];
  const firstMs: number[] = [];
  roots.forEach((root, i) => {
    const p = produced[i]!;
    firstMs[i] = Number.NaN;
    timelines[i] = {
      channel: root?.channel ?? '',
      firstDelta: p.times[0] ?? Number.POSITIVE_INFINITY,
      replyOpenAt: undefined,
      firstShownAt: undefined,
      pendingAt: (t) => lenAt(p.times, p.lens, t) > 0,
    };
    const ended = outcome(slack, root);
    const done = ended !== undefined;
    if (!done) out.unfinished++;
    if (ended === 'failed') out.failed++;
    if (p.text.length > 0) out.wrote++;
    if (!root) {
      if (done) out.lost += p.text.length;
      else out.undelivered += p.text.length;
      return;
    }
    const { replies, tags, events, vis } = visibleTimeline(slack, root, p);
    const finalText = replies.map((m, r) => shownText(markdownOf(m.blocks), tags[r]!)).join('');
    let common = 0;
    while (common < p.text.length && common < finalText.length && p.text[common] === finalText[common])
      common++;
    if (done || finalText.length > common) out.lost += p.text.length - common;
    else out.undelivered += p.text.length - common;
    timelines[i]!.replyOpenAt = events[0]?.at;
    timelines[i]!.pendingAt = (t) =>
      lenAt(p.times, p.lens, t) >
      lenAt(
        vis.map((e) => e.at),
        vis.map((e) => e.len),
        t,
      );
    const firstShown = vis.find((e) => e.len > 0);
    timelines[i]!.firstShownAt = firstShown?.at;
    if (firstShown) out.fromCommand.push(firstShown.at - commandAt);
    if (debug && common < p.text.length) {
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
      if (j === 1) {
        firstMs[i] = ms;
        out.firsts.push(ms);
        if (ms <= FIRST_TEXT_MS) out.firstOnTime++;
      }
      out.stale.push(ms);
    }
  });
  if (budget) {
    out.firstAllowed = 0;
    out.firstMetAllowed = 0;
    const allowed = timelines.map(
      (t, i) => Number.isFinite(t.firstDelta) && firstTextAllowed(timelines, i, budget, FIRST_TEXT_MS),
    );
    allowed.forEach((ok, i) => {
      if (!ok) return;
      out.firstAllowed!++;
      if (firstMs[i]! <= FIRST_TEXT_MS) out.firstMetAllowed!++;
    });
    if (debug) {
      const replyTs = (r: StoredMessage) => slack.replies(r.channel, r.ts).map((m) => m.ts);
      explainFirstTextMisses(
        slack.calls,
        roots,
        replyTs,
        timelines,
        firstMs,
        allowed,
        budget,
        FIRST_TEXT_MS,
        commandAt,
      );
    }
  }
  return out;
}

/**
 * A run's thread as its reader saw it over time: every version of every bot reply (`events`, by
 * time) and the agent's characters visible after each (`vis`: the sum over replies of each one's
 * latest version).
 */
export function visibleTimeline(slack: FakeSlack, root: StoredMessage, p: Produced) {
  const replies = slack.replies(root.channel, root.ts).filter((m) => m.botId);
  const tags = reopenedTags(
    replies.map((m) => markdownOf(m.blocks)),
    p.text,
  );
  const events: Array<{ at: number; reply: number; len: number }> = [];
  replies.forEach((m, r) => {
    for (const v of m.versions)
      events.push({ at: v.at, reply: r, len: shownText(markdownOf(v.blocks), tags[r]!).length });
  });
  events.sort((a, b) => a.at - b.at);
  const latest = new Array<number>(replies.length).fill(0);
  let visible = 0;
  const vis: Array<{ at: number; len: number; reply: number }> = [];
  for (const e of events) {
    visible += e.len - latest[e.reply]!;
    latest[e.reply] = e.len;
    vis.push({ at: e.at, len: visible, reply: e.reply });
  }
  return { replies, tags, events, vis };
}

/** The value of a step function (times ascending) at `t`: 0 before its first step. */
export function lenAt(times: number[], lens: number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : lens[lo - 1]!;
}
