/** What the FIS prepare and execute skills tell the agent, checked against the validator and the deployed role. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIS_SUPPORTED_ACTIONS } from '../../deploy/lib/fis-contract.ts';
import { runWithJq } from './helpers/jq.ts';
import { fisIds } from './lint.ts';
import { loadSkill, SKILLS_DIR } from './load.ts';

const prepare = loadSkill('aws-fis-experiment-prepare');
const execute = loadSkill('aws-fis-experiment-execute');
const file = (skill: typeof prepare, rel: string) => skill.files.find((f) => f.rel === rel)?.text ?? '';

describe('prepare', () => {
  const schema = file(prepare, 'references/template-schema.md');

  it('its template skeleton passes its own validator, alarm-state step first', () => {
    const skeleton = /## Skeleton[\s\S]*?```json\n([\s\S]+?)```/.exec(schema)?.[1];
    expect(skeleton).toBeDefined();
    const template = JSON.parse(skeleton!) as {
      roleArn: string;
      actions: Record<string, { actionId: string; startAfter?: string[] }>;
    };
    expect(Object.values(template.actions)[0]?.actionId).toBe('aws:cloudwatch:assert-alarm-state');
    const dir = mkdtempSync(join(tmpdir(), 'fis-skeleton-'));
    writeFileSync(join(dir, 't.json'), skeleton!);
    const out = runWithJq(
      join(SKILLS_DIR, prepare.name, 'scripts', 'validate_template.sh'),
      ['--template', join(dir, 't.json')],
      {
        FIS_EXPERIMENT_ROLE_ARN: template.roleArn,
        FIS_LOG_GROUP_ARN: 'arn:aws:logs:us-east-1:111122223333:log-group:/aws/fis/agentcore-slack-bot:*',
        AWS_REGION: 'us-east-1',
      },
    );
    const verdict = JSON.parse(out.stdout) as { valid: boolean; errors: { rule: string }[] };
    // The skeleton leaves logging to the jq line below it; everything else must already pass.
    expect(verdict.errors.filter((e) => e.rule !== 'logging')).toEqual([]);
  });

  it('runs the validator before the plan and never registers a rejected template', () => {
    expect(prepare.body).toContain('scripts/validate_template.sh');
    expect(prepare.body).toMatch(/Never register a template\s+the script rejects/);
    expect(schema).toContain('scripts/validate_template.sh --template "$T"');
  });

  it('the ALB stop alarm counts the load balancer own 5xx as well as the targets', () => {
    const stop = file(prepare, 'references/stop-conditions.md');
    expect(stop).toContain('"MetricName":"HTTPCode_ELB_5XX_Count"');
    expect(stop).toContain('"Expression":"100*(m1+m3)/m2"');
  });
});

describe('execute', () => {
  it('the approval-request example names only actions pre-flight accepts', () => {
    const gate = file(execute, 'references/approval-gate.md');
    const example = /## Request[\s\S]*?```json\n([\s\S]+?)```/.exec(gate)?.[1] ?? '';
    const ids = fisIds(example).filter((id) => !id.startsWith('aws:cloudwatch:alarm'));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(FIS_SUPPORTED_ACTIONS, id).toContain(id);
  });

  it('pre-flight treats a safety lever that is engaging like an engaged one', () => {
    const p3 =
      file(execute, 'references/preflight.md')
        .split(/^## P3/m)[1]
        ?.split(/^## P4/m)[0] ?? '';
    expect(p3).toMatch(/FAIL when the lever status is `engaged` or `engaging`/);
    expect(p3).toContain('Only `disengaged` passes');
  });

  it('pre-flight reads each action duration from the parameter that holds it', () => {
    const p4 = file(execute, 'references/preflight.md').split(/^## P4/m)[1] ?? '';
    for (const p of [
      'duration',
      'startInstancesAfterDuration',
      'durationBeforeInterruption',
      'maxDuration',
    ]) {
      expect(p4).toContain(`.parameters.${p}`);
    }
  });
});

describe('the catalogue the validator reads', () => {
  const cat = JSON.parse(
    readFileSync(join(SKILLS_DIR, prepare.name, 'assets', 'fis-actions.json'), 'utf8'),
  ) as {
    actions: Record<string, { deployedRole: boolean; resourceType: string | null }>;
  };

  it('marks exactly the actions the deployed experiment role supports', () => {
    const marked = Object.entries(cat.actions)
      .filter(([, a]) => a.deployedRole)
      .map(([id]) => id);
    expect(marked.sort()).toEqual([...FIS_SUPPORTED_ACTIONS].sort());
  });

  it('lists the same action ids as the chaos-research catalogue table', () => {
    const md = readFileSync(
      join(SKILLS_DIR, 'aws-service-chaos-research', 'references', 'fis-actions.md'),
      'utf8',
    );
    const tableIds = [...md.matchAll(/^\| `(aws:[a-z0-9-]+:[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(Object.keys(cat.actions).sort()).toEqual([...new Set(tableIds)].sort());
  });
});
