/**
 * The GitHub Actions workflows are valid (checked by action-validator against SchemaStore's published workflow
 * schema) and do what deploy/README.md promises: tests on pull requests; on main, OIDC credentials (no stored
 * keys), an arm64 build with buildx, cdk deploy. Dependabot covers npm, both Dockerfiles and the actions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../lib/app.ts';

const dir = path.join(REPO_ROOT, '.github', 'workflows');
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    { uses?: string; steps?: Step[]; permissions?: Record<string, string>; needs?: string }
  >;
}

describe('GitHub Actions workflows', () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith('.yml')))(
    '%s is valid against the workflow schema',
    (f) => {
      const state = validateWorkflow(read(f));
      expect(state.errors).toEqual([]);
    },
  );

  it('the validator does reject an invalid workflow', () => {
    expect(
      validateWorkflow('on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stepz: []\n').errors.length,
    ).toBeGreaterThan(0);
  });

  it('ci runs the whole test suite on pull requests with read-only permissions', () => {
    const ci = parse(read('ci.yml')) as Workflow;
    expect(Object.keys(ci.on)).toContain('pull_request');
    expect(ci.permissions).toEqual({ contents: 'read' });
    expect(ci.jobs.test!.steps!.map((s) => s.run)).toContain('npm test');
  });

  it('deploy tests first, then assumes a role through OIDC, builds arm64 with buildx and runs cdk deploy', () => {
    const d = parse(read('deploy.yml')) as Workflow;
    expect(d.on.push).toEqual({ branches: ['main'] });
    expect(d.jobs.test!.uses).toBe('./.github/workflows/ci.yml');
    const job = d.jobs.deploy!;
    expect(job.needs).toBe('test');
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const steps = job.steps!;
    const creds = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
    expect(creds?.with?.['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    expect(JSON.stringify(creds)).not.toMatch(/aws-access-key-id|secret-access-key/);
    expect(steps.find((s) => s.uses?.startsWith('docker/setup-qemu-action@'))?.with?.platforms).toBe('arm64');
    expect(steps.some((s) => s.uses?.startsWith('docker/setup-buildx-action@'))).toBe(true);
    expect(steps.at(-1)?.run).toMatch(/npx cdk deploy --require-approval never/);
  });

  it('dependabot updates npm, every Dockerfile directory and the workflow actions', () => {
    const cfg = parse(readFileSync(path.join(REPO_ROOT, '.github', 'dependabot.yml'), 'utf8')) as {
      updates: Array<{ 'package-ecosystem': string; directory?: string; directories?: string[] }>;
    };
    const by = (eco: string) => cfg.updates.find((u) => u['package-ecosystem'] === eco);
    expect(by('npm')?.directory).toBe('/');
    expect(by('github-actions')).toBeDefined();
    expect([...(by('docker')?.directories ?? [])].sort()).toEqual(['/deploy', '/harness-container']);
  });
});
