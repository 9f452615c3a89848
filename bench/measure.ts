/**
 * What a finished scenario's threads show, measured against what the harness wrote: staleness
 * (for every 20th character, the time from the harness writing it to Slack first showing it),
 * first-visible latency and characters lost. The fake Slack keeps every version of every message.
 */
import type { FakeSlack, StoredMessage } from '../src/stand-ins/fake-slack.ts';

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

/** The run's thread has its final footer. */
export function finished(slack: FakeSlack, root: StoredMessage | undefined): boolean {
  return (
    !!root && slack.replies(root.channel, root.ts).some((m) => FINAL.test(JSON.stringify(m.blocks ?? [])))
  );
}

/** What the harness wrote for one run: the text (normalized) and when each prefix length was reached. */
export interface Produced {
  text: string;
  times: number[];
  lens: number[];
}

export interface ThreadMeasure {
  firsts: number[];
  stale: number[];
  lost: number;
  unfinished: number;
}

/** Measures every run's thread; `roots[i]` is run i's root message. */
export function measureThreads(
  slack: FakeSlack,
  roots: Array<StoredMessage | undefined>,
  produced: Produced[],
  debug = false,
): ThreadMeasure {
  const out: ThreadMeasure = { firsts: [], stale: [], lost: 0, unfinished: 0 };
  roots.forEach((root, i) => {
    const p = produced[i]!;
    if (!finished(slack, root)) out.unfinished++;
    if (!root) {
      out.lost += p.text.length;
      return;
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
    out.lost += p.text.length - common;
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
      if (j === 1) out.firsts.push(ms);
      out.stale.push(ms);
    }
  });
  return out;
}
