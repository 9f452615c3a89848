/**
 * The doctor's building blocks: a check is one small named function that looks at one thing and says
 * what it found and, when something is wrong, the exact fix. Adding a check is adding one entry to a list
 * (src/doctor/checks.ts); the runner, the text and the JSON output need no change.
 */

/** PASS: works. WARN: works, but something will bite (or could not be checked). FAIL: will break. SKIP: not applicable. */
export type Status = 'PASS' | 'WARN' | 'FAIL' | 'SKIP';

export interface Outcome {
  status: Status;
  /** What the check found, in one line. */
  found: string;
  /** The exact fix: a command, an IAM statement, a manifest line, a setting or a console page. */
  fix?: string;
  /** What the line is about when one check reports several things (a channel, an approver, a cluster). */
  subject?: string;
}

export interface Finding extends Outcome {
  /** The check's id, e.g. `slack.scopes`. */
  check: string;
}

export interface Check<C> {
  /** `<area>.<name>`, stable: the JSON output and the docs use it. */
  id: string;
  /** One line: what the check verifies (shown when the doctor has nothing configured). */
  title: string;
  /** Part of the startup self-check (fast, and no permission beyond what the bot already needs). */
  quick?: boolean;
  run(ctx: C): Promise<Outcome | Outcome[]>;
}

export const pass = (found: string, subject?: string): Outcome => ({ status: 'PASS', found, subject });
export const warn = (found: string, fix?: string, subject?: string): Outcome => ({
  status: 'WARN',
  found,
  fix,
  subject,
});
export const fail = (found: string, fix: string, subject?: string): Outcome => ({
  status: 'FAIL',
  found,
  fix,
  subject,
});
export const skip = (found: string, subject?: string): Outcome => ({ status: 'SKIP', found, subject });

/**
 * A check's failure to look (an SDK error it did not expect) as an outcome, so one broken lookup never
 * hides the other checks. `explain` turns known errors (access denied, not found) into their fix.
 */
export type ErrorExplainer = (err: unknown, checkId: string) => Outcome;

/** Runs every check in order (they share memoized lookups, so order only matters for the output). */
export async function runChecks<C>(
  checks: readonly Check<C>[],
  ctx: C,
  explain: ErrorExplainer,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const check of checks) {
    let outcomes: Outcome[];
    try {
      const out = await check.run(ctx);
      outcomes = Array.isArray(out) ? out : [out];
    } catch (err) {
      outcomes = [explain(err, check.id)];
    }
    for (const o of outcomes) findings.push({ check: check.id, ...withoutUndefined(o) });
  }
  return findings;
}

function withoutUndefined(o: Outcome): Outcome {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as unknown as Outcome;
}
