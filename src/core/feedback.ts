/**
 * Feedback on the agent's answers (Slack's feedback buttons): one verdict per person per answer, the
 * latest click winning (Slack's buttons toggle and send nothing on deselect), stored with the thread,
 * the answer (turn), the skill and the harness session, and summarized per skill for the export.
 */

export type Verdict = 'good' | 'bad';

export interface Feedback {
  teamId: string;
  channel: string;
  threadTs: string;
  /** The answer the buttons were on (its message ts): the turn. */
  turnTs: string;
  skill: string;
  routeId: string;
  runtimeSessionId: string;
  user: string;
  verdict: Verdict;
  at: number;
}

export interface FeedbackStore {
  /** Records a person's verdict on an answer; `same` when it was already their verdict. */
  record(f: Feedback): Promise<'new' | 'changed' | 'same'>;
  /** Every verdict given since `sinceMs`, oldest first. */
  since(sinceMs: number): Promise<Feedback[]>;
}

/** A feedback button's value: `good|<channel>|<thread_ts>` or `bad|…`. */
export function parseFeedbackValue(
  value: string,
  channel: string,
): { verdict: Verdict; threadTs: string } | undefined {
  const [verdict, c, threadTs] = value.split('|');
  if (verdict !== 'good' && verdict !== 'bad') return undefined;
  if (c !== channel || !threadTs || !/^\d+\.\d+$/.test(threadTs)) return undefined;
  return { verdict, threadTs };
}

export interface SkillSummary {
  skill: string;
  good: number;
  bad: number;
  /** Share of "not helpful" among this skill's verdicts. */
  badRatio: number;
}

/** Per skill, the worst first (most "not helpful" by share, then by count). */
export function summarize(items: Feedback[]): SkillSummary[] {
  const by = new Map<string, { good: number; bad: number }>();
  for (const f of items) {
    const s = by.get(f.skill) ?? { good: 0, bad: 0 };
    s[f.verdict]++;
    by.set(f.skill, s);
  }
  return [...by.entries()]
    .map(([skill, s]) => ({ skill, ...s, badRatio: s.bad / (s.good + s.bad) }))
    .sort((a, b) => b.badRatio - a.badRatio || b.bad - a.bad || a.skill.localeCompare(b.skill));
}

/** `7d`, `24h`, `30m` → milliseconds; undefined when it is not one of those. */
export function parseSince(s: string): number | undefined {
  const m = /^(\d{1,4})([dhm])$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n * (m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000);
}
