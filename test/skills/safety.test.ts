/** Safety lint over every file of every skill (markdown, scripts, everything under the skill folder). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { READ_ONLY_SKILLS, SKILLS } from '../../src/core/skills.ts';
import {
  findForeignTools,
  findIamWrites,
  findMutatingAws,
  findMutatingKubectl,
  findSecretReads,
  findStartExperiment,
  fisIds,
  unknownMcpTools,
} from './lint.ts';
import { codeOf, FIS_CATALOGUE, loadAllSkills, loadSkill, type Skill } from './load.ts';

const skills = loadAllSkills();
const byFile = (skill: Skill) => skill.files.map((f) => [f.rel, f] as const);

describe('no skill starts a FIS experiment', () => {
  it.each(skills.map((s) => [s.name, s] as const))('%s', (_name, skill) => {
    for (const [rel, file] of byFile(skill)) expect(findStartExperiment(file.text), rel).toEqual([]);
  });
});

describe('no skill writes IAM (the FIS experiment role is pre-created by the deploy)', () => {
  it.each(skills.map((s) => [s.name, s] as const))('%s', (_name, skill) => {
    for (const [rel, file] of byFile(skill)) expect(findIamWrites(file.text), rel).toEqual([]);
  });
});

describe('read-only skills contain no mutating commands', () => {
  const readOnly = skills.filter((s) => (READ_ONLY_SKILLS as readonly string[]).includes(s.name));

  it('covers exactly the five read-only skills', () => {
    expect(readOnly.map((s) => s.name).sort()).toEqual(
      [SKILLS.bestPractice, SKILLS.eks, SKILLS.chaos, SKILLS.logs, SKILLS.cost].sort(),
    );
  });

  it.each(readOnly.map((s) => [s.name, s] as const))('%s: no mutating aws commands', (_name, skill) => {
    for (const [rel, file] of byFile(skill)) expect(findMutatingAws(file.text), rel).toEqual([]);
  });

  it.each(readOnly.map((s) => [s.name, s] as const))('%s: no mutating kubectl in code', (_name, skill) => {
    for (const [rel, file] of byFile(skill)) {
      expect(codeOf(file).flatMap(findMutatingKubectl), rel).toEqual([]);
    }
  });
});

describe('no skill prints Secret values', () => {
  it.each(skills.map((s) => [s.name, s] as const))('%s', (_name, skill) => {
    for (const [rel, file] of byFile(skill)) expect(codeOf(file).flatMap(findSecretReads), rel).toEqual([]);
  });
});

describe('FIS action ids', () => {
  const catalogue = new Set(fisIds(readFileSync(FIS_CATALOGUE, 'utf8')));

  it('the catalogue holds the real actions and none of the commonly invented ones', () => {
    expect(catalogue.size).toBeGreaterThan(50);
    for (const real of [
      'aws:eks:pod-delete',
      'aws:rds:failover-db-cluster',
      'aws:network:disrupt-connectivity',
    ]) {
      expect(catalogue.has(real), real).toBe(true);
    }
    for (const invented of [
      'aws:eks:pod-kill',
      'aws:rds:failover',
      'aws:ec2:disrupt-network-connectivity',
      'aws:elasticache:interrupt-cluster-az-power',
      'aws:fis:inject-api-unavailable',
    ]) {
      expect(catalogue.has(invented), invented).toBe(false);
    }
  });

  it.each(skills.map((s) => [s.name, s] as const))('%s mentions only catalogued ids', (_name, skill) => {
    for (const [rel, file] of byFile(skill)) {
      expect(
        fisIds(file.text).filter((id) => !catalogue.has(id)),
        rel,
      ).toEqual([]);
    }
  });
});

describe('harness fit', () => {
  it.each(skills.map((s) => [s.name, s] as const))('%s uses only harness tool names', (_name, skill) => {
    for (const [rel, file] of byFile(skill)) {
      expect(findForeignTools(file.text), rel).toEqual([]);
      expect(unknownMcpTools(file.text), rel).toEqual([]);
    }
  });
});

describe('approval gate contract of the execute skill', () => {
  const execute = loadSkill(SKILLS.fisExecute);
  const text = execute.files.map((f) => f.text).join('\n');

  it('calls request_fis_experiment_approval with the four input fields', () => {
    expect(execute.body).toContain('request_fis_experiment_approval');
    for (const field of ['experimentTemplateId', 'region', 'summary', 'expectedImpact']) {
      expect(execute.body).toContain(`"${field}"`);
    }
  });

  it('accepts only {decision: "approved", experimentId, approver} and refuses everything else', () => {
    expect(text).toContain(
      '{"decision": "approved", "experimentId": "EXPabc123def456", "approver": "U0123ABCD"}',
    );
    expect(execute.body).toMatch(/Anything else means do not proceed/);
    for (const outcome of ['denied', 'expired', 'error']) expect(execute.body).toContain(outcome);
  });

  it('monitors with get-experiment and may stop without approval', () => {
    expect(text).toContain('aws fis get-experiment --id');
    expect(text).toContain('aws fis stop-experiment --id');
    expect(execute.body).toMatch(/Stopping is never gated/);
  });
});

describe('prepare skill guarantees', () => {
  const prepare = loadSkill(SKILLS.fisPrepare);
  const text = prepare.files.map((f) => f.text).join('\n');

  it('requires CloudWatch alarm stop conditions and confused-deputy conditions', () => {
    expect(text).toContain('"source": "aws:cloudwatch:alarm"');
    expect(text).toContain('"aws:SourceAccount"');
    expect(text).toContain('"aws:SourceArn"');
    expect(prepare.body).toMatch(/Never start an experiment/);
  });
});

describe('eks assessment catalogue', () => {
  const checks = loadSkill(SKILLS.eks).files.find((f) => f.rel === 'references/checks.md')?.text ?? '';
  const rows = [
    ...checks.matchAll(/^\| ([A-Z]+)-(\d+) \| (High|Medium|Low) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm),
  ];

  it('has at least 35 checks across all seven dimensions, each naming its inputs and a PASS criterion', () => {
    expect(rows.length).toBeGreaterThanOrEqual(35);
    expect(new Set(rows.map((m) => m[1]))).toEqual(
      new Set(['SEC', 'REL', 'NET', 'AUTO', 'COST', 'OBS', 'UPG']),
    );
    for (const [, dim, n, , title, reads, pass] of rows) {
      expect((title ?? '').trim(), `${dim}-${n}`).not.toBe('');
      expect((reads ?? '').trim(), `${dim}-${n}`).toMatch(/^[a-z*-]+(, [a-z*-]+)*$/);
      expect((pass ?? '').trim().length, `${dim}-${n}`).toBeGreaterThan(5);
    }
  });
});
