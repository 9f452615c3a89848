/**
 * AgentSkills spec validation of every skill: the two npm validators plus the project's own rules.
 *
 * Validators, both used through their JS API (offline, no network):
 * - skills-ref (npm port of the official validator). It parses YAML with js-yaml, so it accepts flow
 *   style that the official strictyaml-based validator rejects; the block-style rule below covers that.
 * - skill-check. Its package.json has no "main"/"exports", so `import 'skill-check'` fails; we import
 *   `skill-check/dist/index.js`. Its optional security scan (mcp-scan via uvx/pipx) needs the network and
 *   is not part of `analyze`, so it is not run here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { analyze } from 'skill-check/dist/index.js';
import { validate } from 'skills-ref';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { flowCollections } from './lint.ts';
import { loadAllSkills, localLinks, REPO_ROOT } from './load.ts';

const ALLOWED_KEYS = ['name', 'description', 'license', 'compatibility', 'metadata', 'allowed-tools'];
const skills = loadAllSkills();

describe.each(skills.map((s) => [s.name, s] as const))('skill %s', (_name, skill) => {
  const meta = (skill.frontmatter ? parse(skill.frontmatter) : {}) as Record<string, unknown>;

  it('passes skills-ref validate', async () => {
    expect(await validate(skill.dir)).toEqual([]);
  });

  it('passes skill-check with no errors and no warnings', async () => {
    const result = await analyze(REPO_ROOT, skill.dir, {});
    expect(result.summary.skillCount).toBe(1);
    expect(result.diagnostics.map((d) => `${d.ruleId}: ${d.message}`)).toEqual([]);
  });

  it('has block-style YAML frontmatter with only the allowed keys', () => {
    expect(skill.frontmatter, 'SKILL.md must start with --- frontmatter').toBeDefined();
    expect(flowCollections(skill.frontmatter ?? '')).toEqual([]);
    expect(Object.keys(meta).filter((k) => !ALLOWED_KEYS.includes(k))).toEqual([]);
  });

  it('names itself after its folder', () => {
    expect(meta.name).toBe(skill.name);
    expect(skill.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(skill.name.length).toBeLessThanOrEqual(64);
  });

  it('has a description of at most 1024 characters without < or >', () => {
    const description = meta.description;
    expect(typeof description).toBe('string');
    const text = String(description);
    expect(text.trim().length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(text).not.toMatch(/[<>]/);
    expect(text).toMatch(/Use when/);
  });

  it('keeps optional fields in spec form', () => {
    if (meta.compatibility !== undefined) expect(String(meta.compatibility).length).toBeLessThanOrEqual(500);
    if (meta['allowed-tools'] !== undefined) expect(typeof meta['allowed-tools']).toBe('string');
    if (meta.metadata !== undefined) {
      for (const value of Object.values(meta.metadata as Record<string, unknown>)) {
        expect(typeof value).toBe('string');
      }
    }
  });

  it('keeps SKILL.md at most 500 lines', () => {
    expect(skill.skillMd.split('\n').length).toBeLessThanOrEqual(500);
  });

  it('links only to files that exist, one level deep from SKILL.md', () => {
    for (const file of skill.files.filter((f) => f.rel.endsWith('.md'))) {
      for (const link of localLinks(file.text)) {
        const target = posix.normalize(posix.join(posix.dirname(file.rel), link));
        expect(target.startsWith('..'), `${file.rel} links outside the skill: ${link}`).toBe(false);
        expect(existsSync(`${skill.dir}/${target}`), `${file.rel} links to missing ${link}`).toBe(true);
        if (file.rel === 'SKILL.md') expect(target.split('/').length, link).toBeLessThanOrEqual(2);
      }
    }
  });

  it('has no orphan files in references/', () => {
    const linked = new Set<string>();
    for (const file of skill.files.filter((f) => f.rel === 'SKILL.md' || f.rel.startsWith('references/'))) {
      for (const link of localLinks(file.text)) {
        linked.add(posix.normalize(posix.join(posix.dirname(file.rel), link)));
      }
    }
    const references = skill.files.filter((f) => f.rel.startsWith('references/')).map((f) => f.rel);
    expect(references.filter((rel) => !linked.has(rel))).toEqual([]);
    expect(
      references.filter((rel) => rel.split('/').length > 2),
      'references/ must be flat',
    ).toEqual([]);
  });

  it('gives long reference files a table of contents', () => {
    for (const file of skill.files.filter((f) => f.rel.startsWith('references/'))) {
      if (file.text.split('\n').length > 100) expect(file.text, file.rel).toMatch(/^## Contents$/m);
    }
  });

  it('writes its report to /tmp/reports/<skill>-<UTC timestamp>.md and answers in the caller language', () => {
    expect(skill.body).toContain(`/tmp/reports/${skill.name}-<UTC timestamp>.md`);
    expect(skill.body).toMatch(/language/i);
  });

  it('ships scripts that are executable, non-interactive and answer --help', () => {
    // jq programs under scripts/ are read by a script (run_checks.sh), not run on their own.
    for (const file of skill.files.filter((f) => f.rel.startsWith('scripts/') && !f.rel.endsWith('.jq'))) {
      expect(file.text.startsWith('#!'), `${file.rel} needs a shebang`).toBe(true);
      expect(statSync(`${skill.dir}/${file.rel}`).mode & 0o111, `${file.rel} must be executable`).not.toBe(0);
      const run = spawnSync(`${skill.dir}/${file.rel}`, ['--help'], { encoding: 'utf8', timeout: 10_000 });
      expect(run.status, `${file.rel} --help`).toBe(0);
      expect(run.stdout).toMatch(/Usage:/);
    }
  });

  it('has evals: 2 to 5 prompts with an edge case, and trigger queries with near-miss negatives', () => {
    const evals = JSON.parse(readFileSync(`${skill.dir}/evals/evals.json`, 'utf8')) as {
      skill_name: string;
      evals: { prompt: string; expected_output: string }[];
      trigger_queries: { query: string; should_trigger: boolean }[];
    };
    expect(evals.skill_name).toBe(skill.name);
    expect(evals.evals.length).toBeGreaterThanOrEqual(2);
    expect(evals.evals.length).toBeLessThanOrEqual(5);
    expect(evals.evals.some((e) => e.expected_output.startsWith('Edge case'))).toBe(true);
    expect(evals.trigger_queries.filter((q) => q.should_trigger).length).toBeGreaterThanOrEqual(5);
    expect(evals.trigger_queries.filter((q) => !q.should_trigger).length).toBeGreaterThanOrEqual(5);
  });

  it('declares its risk level', () => {
    const risk = (meta.metadata as Record<string, unknown> | undefined)?.['risk-level'];
    expect(['read-only', 'mutating']).toContain(risk);
  });
});

it('finds seven skills', () => {
  expect(skills).toHaveLength(7);
});
