/** Writes a fixture cluster as collect.sh would and runs the assessment's run_checks.sh over it with the container's jq. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FixtureCluster, meta } from '../fixtures/eks-clusters.ts';
import { SKILLS_DIR } from '../load.ts';
import { runWithJq } from './jq.ts';

export const RUN_CHECKS = join(
  SKILLS_DIR,
  'eks-workload-best-practice-assessment',
  'scripts',
  'run_checks.sh',
);

export interface CheckResult {
  id: string;
  dimension: string;
  severity: string;
  title: string;
  status: string;
  observed: string;
  offenders: { count: number; examples: string[] };
}

export interface Assessment {
  cluster: Record<string, unknown>;
  summary: {
    score: number | null;
    rating: string;
    uncappedRating: string;
    cappedBy: string[];
    coverage: number;
    assessed: number;
    total: number;
    counts: Record<string, number>;
  };
  dimensions: { dimension: string; score: number | null; assessed: number; total: number }[];
  topPriorities: { id: string }[];
  checks: CheckResult[];
}

export function writeCluster(fixture: FixtureCluster, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `eks-${name}-`));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta(name)));
  for (const [key, value] of Object.entries(fixture.files)) {
    // undefined marks a file the fixture removes from the cluster it builds on.
    if (value !== undefined) writeFileSync(join(dir, `${key}.json`), JSON.stringify(value));
  }
  writeFileSync(join(dir, 'gaps.txt'), fixture.gaps.map((g) => `${g}\n`).join(''));
  return dir;
}

export function assess(
  fixture: FixtureCluster,
  name: string,
): { result: Assessment; stdout: string; dir: string } {
  const dir = writeCluster(fixture, name);
  const out = runWithJq(RUN_CHECKS, ['--dir', dir]);
  if (out.status !== 0) throw new Error(`run_checks.sh exited ${out.status}: ${out.stderr}`);
  return { result: JSON.parse(out.stdout) as Assessment, stdout: out.stdout, dir };
}

export const statusOf = (a: Assessment, id: string) => {
  const c = a.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};
