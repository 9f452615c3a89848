/**
 * Shape of every skill's evals/evals.json: prompts with an expected output and checkable expectations, and a
 * trigger set of should-trigger and should-not-trigger queries whose near misses point at the sibling skills.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { SKILLS_DIR, skillFolders } from './load.ts';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['skill_name', 'evals', 'trigger_queries'],
  properties: {
    skill_name: { type: 'string' },
    evals: {
      type: 'array',
      minItems: 2,
      maxItems: 5,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'prompt', 'expected_output', 'files', 'expectations'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          prompt: { type: 'string', minLength: 10 },
          expected_output: { type: 'string', minLength: 20 },
          files: { type: 'array', items: { type: 'string', minLength: 1 } },
          expectations: { type: 'array', minItems: 2, items: { type: 'string', minLength: 15 } },
        },
      },
    },
    trigger_queries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['query', 'should_trigger'],
        properties: { query: { type: 'string', minLength: 8 }, should_trigger: { type: 'boolean' } },
      },
    },
  },
} as const;

interface Evals {
  skill_name: string;
  evals: { id: number; prompt: string; expected_output: string; files: string[]; expectations: string[] }[];
  trigger_queries: { query: string; should_trigger: boolean }[];
}

const validate = new Ajv({ allErrors: true }).compile(SCHEMA);
const load = (name: string) =>
  JSON.parse(readFileSync(join(SKILLS_DIR, name, 'evals', 'evals.json'), 'utf8')) as Evals;
const skills = skillFolders();

/** What a query for each skill talks about; a near miss for skill S uses the words of a neighbour of S. */
const DOMAIN: Record<string, RegExp> = {
  'aws-fis-experiment-prepare': /\b(template|prepare|draft|design)\b/i,
  'aws-fis-experiment-execute': /\b(run|start|execute|stop|monitor)\b/i,
  'aws-service-chaos-research': /\b(fail|failure|chaos|test it)\b/i,
  'eks-workload-best-practice-assessment': /\b(EKS|cluster)\b/i,
  'aws-best-practice-research': /\b(best practices?|Well-Architected)\b/i,
  'app-service-log-analysis': /\b(logs?|errors?)\b/i,
  'aws-cost-analysis': /\b(cost|spend|bill|Savings Plan)\b/i,
};
const NEIGHBOURS: Record<string, string[]> = {
  'aws-fis-experiment-prepare': ['aws-fis-experiment-execute', 'aws-service-chaos-research'],
  'aws-fis-experiment-execute': ['aws-fis-experiment-prepare', 'app-service-log-analysis'],
  'aws-service-chaos-research': ['aws-fis-experiment-prepare', 'aws-fis-experiment-execute'],
  'eks-workload-best-practice-assessment': ['aws-best-practice-research', 'aws-service-chaos-research'],
  'aws-best-practice-research': ['eks-workload-best-practice-assessment', 'aws-service-chaos-research'],
  'app-service-log-analysis': ['aws-best-practice-research', 'aws-fis-experiment-execute'],
  'aws-cost-analysis': ['aws-best-practice-research', 'app-service-log-analysis'],
};

describe.each(skills)('%s evals', (name) => {
  const evals = load(name);

  it('match the schema and name their skill', () => {
    expect(validate(evals), JSON.stringify(validate.errors)).toBe(true);
    expect(evals.skill_name).toBe(name);
  });

  it('have unique ids, one edge case, and files that exist', () => {
    const ids = evals.evals.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      evals.evals.filter((e) => e.expected_output.startsWith('Edge case')).length,
    ).toBeGreaterThanOrEqual(1);
    for (const f of evals.evals.flatMap((e) => e.files))
      expect(existsSync(join(SKILLS_DIR, name, 'evals', f)), f).toBe(true);
  });

  it('have 8 to 12 should-trigger and 8 to 12 should-not-trigger queries, no duplicates', () => {
    const yes = evals.trigger_queries.filter((q) => q.should_trigger);
    const no = evals.trigger_queries.filter((q) => !q.should_trigger);
    for (const set of [yes, no]) {
      expect(set.length).toBeGreaterThanOrEqual(8);
      expect(set.length).toBeLessThanOrEqual(12);
    }
    const keys = evals.trigger_queries.map((q) => q.query.toLowerCase().trim());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('include near misses from each neighbouring skill among the should-not-trigger queries', () => {
    const no = evals.trigger_queries.filter((q) => !q.should_trigger).map((q) => q.query);
    for (const n of NEIGHBOURS[name] ?? []) {
      expect(no.filter((q) => DOMAIN[n]?.test(q)).length, `near misses for ${n}`).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('trigger sets across skills', () => {
  it('no query should trigger two skills', () => {
    const owners = new Map<string, string[]>();
    for (const name of skills) {
      for (const q of load(name).trigger_queries.filter((x) => x.should_trigger)) {
        const k = q.query.toLowerCase().trim();
        owners.set(k, [...(owners.get(k) ?? []), name]);
      }
    }
    expect([...owners].filter(([, o]) => o.length > 1)).toEqual([]);
  });

  it('a query one skill must not take is not also one it should take', () => {
    for (const name of skills) {
      const e = load(name);
      const yes = new Set(
        e.trigger_queries.filter((q) => q.should_trigger).map((q) => q.query.toLowerCase()),
      );
      for (const q of e.trigger_queries.filter((x) => !x.should_trigger))
        expect(yes.has(q.query.toLowerCase()), q.query).toBe(false);
    }
  });
});
