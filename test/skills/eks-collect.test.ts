/**
 * The EKS assessment's pieces agree: the catalogue, the coverage table and collect.sh match the checks in the
 * script, and collect.sh run against stand-in aws and kubectl feeds run_checks.sh the same findings as a fixture.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { healthy } from './fixtures/eks-clusters.ts';
import { type Assessment, assess, RUN_CHECKS, writeCluster } from './helpers/eks-run.ts';
import { fakeEksCliDir } from './helpers/fake-eks-cli.ts';
import { runWithJq } from './helpers/jq.ts';
import { REPO_ROOT } from './load.ts';

const skillDir = join(REPO_ROOT, 'skills', 'eks-workload-best-practice-assessment');

describe('the catalogue, the coverage table and the collector agree with the script', () => {
  const jqText = ['security.jq', 'reliability.jq', 'platform.jq']
    .map((f) => readFileSync(join(skillDir, 'scripts', f), 'utf8'))
    .join('\n');
  const scriptIds = [...jqText.matchAll(/check\("([A-Z]+-\d+)"/g)].map((m) => m[1] ?? '');
  const expand = (text: string) =>
    [...text.matchAll(/([A-Z]+)-(\d+)(?: to \1-(\d+))?/g)].flatMap(([, p = '', a = '0', b]) => {
      const from = Number(a);
      const to = b ? Number(b) : from;
      return Array.from({ length: to - from + 1 }, (_, i) => `${p}-${String(from + i).padStart(2, '0')}`);
    });

  it('every check in the script has one catalogue row, and no row lacks a check', () => {
    const rows = [
      ...readFileSync(join(skillDir, 'references', 'checks.md'), 'utf8').matchAll(/^\| ([A-Z]+-\d+) \|/gm),
    ].map((m) => m[1]);
    expect(new Set(scriptIds).size).toBe(scriptIds.length);
    expect([...rows].sort()).toEqual([...scriptIds].sort());
  });

  it('every check appears in the coverage table against a guide section', () => {
    const covered = new Set(expand(readFileSync(join(skillDir, 'references', 'coverage.md'), 'utf8')));
    expect(scriptIds.filter((id) => !covered.has(id))).toEqual([]);
  });

  it('collect.sh writes every file the checks read', () => {
    const collect = readFileSync(join(skillDir, 'scripts', 'collect.sh'), 'utf8');
    const needs = new Set(
      [...jqText.matchAll(/; \[((?:"[a-z-]+"(?:, )?)+)\];/g)].flatMap(
        (m) => JSON.parse(`[${m[1]}]`) as string[],
      ),
    );
    expect(needs.size).toBeGreaterThan(20);
    const written = (key: string) =>
      new RegExp(`(aws_dump|kube_dump) "?${key}"?[ \\n]`).test(collect) ||
      collect.includes(`"$OUT/${key}.json"`);
    expect([...needs].filter((k) => !written(k))).toEqual([]);
  });
  it('every file collect.sh writes is read by a check, or feeds the collection itself', () => {
    const collect = readFileSync(join(skillDir, 'scripts', 'collect.sh'), 'utf8');
    // Families written per node group or add-on are named by their prefix.
    const family = (k: string) => k.replace(/-(\$[a-z]+|\\\(.*)$/, '-');
    const written = new Set(
      [
        ...collect.matchAll(/(?:aws_dump|kube_dump) "?([a-z0-9$-]+)"?/g),
        ...collect.matchAll(/"\$OUT\/([a-z0-9$-]+)\.json"/g),
      ].map((m) => family(m[1] ?? '')),
    );
    const all = `${jqText}\n${readFileSync(join(skillDir, 'scripts', 'context.jq'), 'utf8')}`;
    const read = new Set([
      ...[...all.matchAll(/; \[((?:"[a-z-]+"(?:, )?)+)\];/g)].flatMap(
        (m) => JSON.parse(`[${m[1]}]`) as string[],
      ),
      ...[...all.matchAll(/\$F\.([a-z]+)/g)].map((m) => m[1] ?? ''),
      ...[...all.matchAll(/\$F\["([a-z-]+)(?:\\\(|")/g)].map((m) => m[1] ?? ''),
      ...[...all.matchAll(/startswith\("([a-z-]+)"\)/g)].map((m) => m[1] ?? ''),
    ]);
    const FEEDS_COLLECTION: Record<string, string> = {
      'access-entries': 'collect.sh lists the access policies of these principals',
      meta: 'the clock and region of the run',
      bundle: 'written by run_checks.sh',
    };
    const unread = [...written].filter((k) => !k.startsWith('$') && !read.has(k) && !(k in FEEDS_COLLECTION));
    expect(written.size).toBeGreaterThan(25);
    expect(unread).toEqual([]);
  });
});

describe('collect.sh then run_checks.sh, against stand-in aws and kubectl', () => {
  it('collects every file the checks read, keeps no Secret values, and gives the same findings as the fixture', () => {
    const fixture = healthy();
    const src = writeCluster(fixture, 'prod-healthy');
    writeFileSync(
      join(src, 'secrets.json'),
      JSON.stringify({
        items: [
          {
            metadata: { namespace: 'shop', name: 'db' },
            type: 'Opaque',
            data: { password: 'c2VjcmV0LXZhbHVl' },
          },
        ],
      }),
    );
    const out = mkdtempSync(join(tmpdir(), 'eks-collected-'));
    const collect = join(skillDir, 'scripts', 'collect.sh');
    const env = { PATH: `${fakeEksCliDir()}:${process.env.PATH ?? ''}`, FAKE_FIXTURE: src };
    const run = runWithJq(collect, ['--cluster', 'prod-healthy', '--region', 'us-east-1', '--out', out], env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ gaps: [] });
    const secrets = readFileSync(join(out, 'secret-names.json'), 'utf8');
    expect(secrets).not.toContain('c2VjcmV0LXZhbHVl');
    expect(secrets).not.toContain('password');
    const calls = readFileSync(join(src, 'calls.log'), 'utf8');
    expect(calls).not.toMatch(/^kubectl (?!get )/m);
    const collected = runWithJq(RUN_CHECKS, ['--dir', out]);
    expect(collected.status).toBe(0);
    const byId = (s: string) =>
      Object.fromEntries(
        (JSON.parse(s) as Assessment).checks.map((c) => [c.id, `${c.status} ${c.observed}`]),
      );
    expect(byId(collected.stdout)).toEqual(byId(assess(fixture, 'prod-healthy').stdout));
  });
});
