/**
 * The doctor's output. Text: one line per finding (status, check, what it found) with the fix indented
 * under it, then a summary. JSON (`--json`): the stable, versioned shape documented in
 * src/doctor/README.md; fields are only ever added.
 */
import type { Finding, Status } from './check.ts';

export const JSON_SCHEMA_VERSION = 1;

export interface DoctorReport {
  schema: 'agentcore-slack-bot/doctor';
  version: typeof JSON_SCHEMA_VERSION;
  /** False when any finding is FAIL (the exit code is then 1). */
  ok: boolean;
  summary: Record<Lowercase<Status>, number>;
  findings: Finding[];
}

export function report(findings: Finding[]): DoctorReport {
  const summary = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const f of findings) summary[f.status.toLowerCase() as Lowercase<Status>]++;
  return {
    schema: 'agentcore-slack-bot/doctor',
    version: JSON_SCHEMA_VERSION,
    ok: summary.fail === 0,
    summary,
    findings,
  };
}

export function renderText(r: DoctorReport): string {
  const width = Math.max(
    ...r.findings.map((f) => f.check.length + (f.subject ? f.subject.length + 3 : 0)),
    10,
  );
  const lines = r.findings.flatMap((f) => {
    const name = f.subject ? `${f.check} [${f.subject}]` : f.check;
    const head = `${f.status.padEnd(4)}  ${name.padEnd(width)}  ${f.found}`;
    return f.fix && f.status !== 'PASS' ? [head, `      fix: ${f.fix}`] : [head];
  });
  const s = r.summary;
  lines.push(
    '',
    `${s.pass} passed, ${s.warn} warning${s.warn === 1 ? '' : 's'}, ${s.fail} failed, ${s.skip} skipped`,
  );
  return lines.join('\n');
}
