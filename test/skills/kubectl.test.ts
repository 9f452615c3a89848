/**
 * kubectl in the skills: one read-only helper (scripts/kube.sh, identical in every skill that calls
 * kubectl) builds a private kubeconfig and refuses anything but reads; no skill calls kubectl without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SKILLS } from '../../src/core/skills.ts';
import { runScript } from './helpers/run-script.ts';
import { codeOf, loadAllSkills, SKILLS_DIR, type SkillFile } from './load.ts';

const HELPER = 'scripts/kube.sh';
const canonical = join(SKILLS_DIR, SKILLS.logs, HELPER);

/** kubectl invocations in command text that do not go through the helper. */
function directKubectl(file: SkillFile): string[] {
  if (file.rel === HELPER) return [];
  return codeOf(file).flatMap((code) =>
    [...code.matchAll(/(?<![\w/.-])kubectl\s+[-a-z]+[^\n|;]*/g)].map((m) => m[0]),
  );
}

describe('no skill calls kubectl without the read-only helper', () => {
  const skills = loadAllSkills();

  it('the rule catches a direct call, in code blocks, inline code and scripts', () => {
    expect(directKubectl({ rel: 'x.md', text: '```bash\ntimeout 30 kubectl get pods -A\n```' })).toHaveLength(
      1,
    );
    expect(directKubectl({ rel: 'x.md', text: 'Run `kubectl delete pod x`.' })).toHaveLength(1);
    expect(directKubectl({ rel: 'scripts/x.sh', text: 'X=$(kubectl get ns -o json)' })).toHaveLength(1);
    expect(
      directKubectl({ rel: 'x.md', text: '`scripts/kube.sh --cluster c --region r -- get pods`' }),
    ).toEqual([]);
  });

  it.each(skills.map((k) => [k.name, k] as const))('%s', (_name, skill) => {
    for (const f of skill.files) expect(directKubectl(f), f.rel).toEqual([]);
    const usesHelper = skill.files.some((f) => f.rel !== HELPER && f.text.includes('kube.sh'));
    if (usesHelper) {
      expect(existsSync(join(skill.dir, HELPER)), `${skill.name} ships ${HELPER}`).toBe(true);
      expect(readFileSync(join(skill.dir, HELPER), 'utf8'), 'identical to the shared helper').toBe(
        readFileSync(canonical, 'utf8'),
      );
    }
  });

  it('every skill that works with Kubernetes uses it', () => {
    for (const name of [SKILLS.logs, SKILLS.fisPrepare, SKILLS.fisExecute, SKILLS.eks, SKILLS.chaos]) {
      const skill = skills.find((k) => k.name === name)!;
      expect(
        skill.files.some((f) => f.rel !== HELPER && f.text.includes('scripts/kube.sh')),
        name,
      ).toBe(true);
    }
  });
});

describe('scripts/kube.sh', () => {
  const kubeconfig = 'apiVersion: v1\nkind: Config\n';
  const rules = [
    {
      tool: 'aws' as const,
      match: '^eks update-kubeconfig --name prod --region us-east-1',
      writeArg: '--kubeconfig',
      writeContent: kubeconfig,
    },
    { tool: 'kubectl' as const, match: '.', stdout: 'ok\n' },
  ];
  const run = (...args: string[]) =>
    runScript(canonical, ['--cluster', 'prod', '--region', 'us-east-1', '--', ...args], { rules });

  it('runs reads with a private kubeconfig, never ~/.kube/config', () => {
    const r = run('get', 'pods', '-A', '-o', 'json');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok\n');
    const aws = r.calls.find((c) => c.tool === 'aws')!;
    const path = aws.args[aws.args.indexOf('--kubeconfig') + 1]!;
    expect(path.startsWith(join(r.dir, 'tmp'))).toBe(true);
    const kubectl = r.calls.find((c) => c.tool === 'kubectl')!;
    expect(kubectl.args).toEqual([
      '--kubeconfig',
      path,
      '--context',
      'prod',
      'get',
      'pods',
      '-A',
      '-o',
      'json',
    ]);
    expect(kubectl.env.KUBECONFIG).toBe(path);
    expect(existsSync(join(r.dir, '.kube'))).toBe(false);
  });

  it.each([
    ['get', 'pods'],
    ['describe', 'deploy', 'web'],
    ['top', 'pods', '-A'],
    ['auth', 'can-i', '--list'],
    ['rollout', 'history', 'deployment/web'],
    ['version', '-o', 'json'],
    ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods'],
  ])('allows %s %s', (...args) => {
    expect(run(...args).code).toBe(0);
  });

  it.each([
    ['delete', 'pod', 'x'],
    ['apply', '-f', 'm.yaml'],
    ['exec', 'x', '--', 'sh'],
    ['edit', 'deploy', 'web'],
    ['patch', 'deploy', 'web', '-p', '{}'],
    ['scale', 'deploy', 'web', '--replicas=0'],
    ['rollout', 'restart', 'deployment/web'],
    ['auth', 'reconcile', '-f', 'r.yaml'],
    ['config', 'view', '--raw'],
    ['port-forward', 'svc/x', '80'],
    ['get', 'pods', '--as=system:admin'],
    ['get', 'pods', '--kubeconfig', '/root/.kube/config'],
    ['get', 'pods', '--context', 'other'],
    ['get', 'pods', '--server=https://evil'],
    ['logs', '-f', 'web-1'],
    ['get', '--raw', '/api/v1/namespaces/shop/secrets'],
    ['get', '--raw=/api/v1/secrets'],
  ])('refuses %s %s before kubectl runs', (...args) => {
    const r = run(...args);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/refused/);
    expect(r.calls.filter((c) => c.tool === 'kubectl')).toEqual([]);
  });

  it('rejects a cluster or region that could escape the kubeconfig path', () => {
    const r = runScript(canonical, ['--cluster', '../x', '--region', 'us-east-1', '--', 'get', 'pods'], {
      rules,
    });
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([]);
  });
});
