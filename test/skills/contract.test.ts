/**
 * The skills and the deploy agree: the tags, the environment variables, the FIS actions, the writes the harness
 * role allows, the report folder and the execute skill's time budget all come from deploy/lib, and the skills
 * must name the same values.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  EXECUTE_MAX_WATCH_MINUTES,
  EXECUTE_MONITOR_CHUNK_MINUTES,
  FIS_REPORT_PREFIX,
  FIS_SUPPORTED_ACTIONS,
  FIS_TARGET_TAG,
  FIS_TEMPLATE_TAG,
  HARNESS_ENV,
  REPORTS_DIR,
} from '../../deploy/lib/fis-contract.ts';
import { allows, statementsByRole } from '../../deploy/test/helpers/iam.ts';
import { logicalId, synth } from '../../deploy/test/helpers/synth.ts';
import { ALL_SKILLS, SKILLS } from '../../src/core/skills.ts';
import { findMutatingAws, fisIds } from './lint.ts';
import { codeOf, loadSkill } from './load.ts';

const prepare = loadSkill(SKILLS.fisPrepare);
const execute = loadSkill(SKILLS.fisExecute);
const textOf = (skill: typeof prepare) => skill.files.map((f) => f.text).join('\n');
const file = (skill: typeof prepare, rel: string) => skill.files.find((f) => f.rel === rel)?.text ?? '';
const template = `${FIS_TEMPLATE_TAG.key}=${FIS_TEMPLATE_TAG.value}`;
const target = `${FIS_TARGET_TAG.key}=${FIS_TARGET_TAG.value}`;
/** `${VAR:-default}`: the skill reads the deployed value and falls back to the deploy's default. */
const withDefault = (variable: string, value: string) => `\${${variable}:-${value}}`;

describe('tags', () => {
  it('prepare tags every template and alarm with the ownership tag and targets by the opt-in tag', () => {
    for (const t of [prepare.body, file(prepare, 'references/stop-conditions.md')])
      expect(t).toContain(template);
    expect(prepare.body).toContain(target);
    expect(file(prepare, 'references/blast-radius.md')).toContain(target);
    expect(file(prepare, 'references/template-schema.md')).toContain(
      `"${FIS_TEMPLATE_TAG.key}": "${FIS_TEMPLATE_TAG.value}"`,
    );
    expect(file(prepare, 'references/template-schema.md')).toContain(
      `"${FIS_TARGET_TAG.key}": "${FIS_TARGET_TAG.value}"`,
    );
    expect(file(prepare, 'references/stop-conditions.md')).toContain('--tags "Key=$TT_KEY,Value=$TT_VALUE"');
  });

  it('prepare and execute read the deployed tags with the deploy defaults as fallback', () => {
    for (const skill of [prepare, execute]) {
      const text = textOf(skill);
      expect(text).toContain(withDefault(HARNESS_ENV.fisTemplateTagKey, FIS_TEMPLATE_TAG.key));
      expect(text).toContain(withDefault(HARNESS_ENV.fisTemplateTagValue, FIS_TEMPLATE_TAG.value));
      expect(text).toContain(withDefault(HARNESS_ENV.fisTargetTagKey, FIS_TARGET_TAG.key));
      expect(text).toContain(withDefault(HARNESS_ENV.fisTargetTagValue, FIS_TARGET_TAG.value));
    }
  });

  it('execute pre-flight checks both tags', () => {
    const preflight = file(execute, 'references/preflight.md');
    expect(preflight).toContain(template);
    expect(preflight).toContain(target);
    expect(preflight).toMatch(/\.experimentTemplate\.tags\[\$k\] == \$v/);
  });

  it('no skill names another opt-in or ownership tag spelling', () => {
    for (const name of ALL_SKILLS) {
      for (const f of loadSkill(name).files) expect(f.text, `${name}/${f.rel}`).not.toMatch(/FIS-Ready/i);
    }
  });
});

describe('FIS experiment role', () => {
  it('prepare and execute take the role from the variable the harness sets', () => {
    const variable = `$${HARNESS_ENV.fisExperimentRoleArn}`;
    expect(prepare.body).toContain(variable);
    expect(file(prepare, 'references/iam-role.md')).toContain(variable);
    expect(file(prepare, 'references/template-schema.md')).toContain(variable);
    expect(file(execute, 'references/preflight.md')).toContain(variable);
  });

  it('prepare logs experiments to the log group the harness names, and checks it', () => {
    const variable = `$${HARNESS_ENV.fisLogGroupArn}`;
    expect(prepare.body).toContain(variable);
    const schema = file(prepare, 'references/template-schema.md');
    expect(schema).toContain(variable);
    expect(schema).toMatch(/logSchemaVersion == 2/);
  });

  it('prepare sends experiment reports to the bucket the harness names, under the prefix the role may write', () => {
    const variable = `$${HARNESS_ENV.fisReportBucket}`;
    expect(prepare.body).toContain(variable);
    const schema = file(prepare, 'references/template-schema.md');
    expect(schema).toContain(variable);
    expect(schema).toContain(`"prefix": "${FIS_REPORT_PREFIX}`);
    expect(schema).not.toMatch(/deployed experiment role does not have/);
  });

  it('prepare degrades to a role file for a human when the variable is unset', () => {
    expect(prepare.body).toMatch(/fis-role\.json/);
    expect(file(prepare, 'references/iam-role.md')).toMatch(/for a human to create/);
  });

  it('the actions the prepare skill lists as supported are exactly the ones the deployed role allows', () => {
    const section = file(prepare, 'references/target-prerequisites.md').split(
      /^## Supported by the deployed role$/m,
    )[1];
    const listed = fisIds(section!.split(/^## /m)[0]!).filter((id) => !id.startsWith('aws:ec2:instance'));
    expect([...new Set(listed)].sort()).toEqual([...FIS_SUPPORTED_ACTIONS].sort());
    const perAction = file(prepare, 'references/iam-role.md').split(/^## Permissions per action$/m)[1]!;
    const tableIds = [...perAction.matchAll(/^\| `(aws:[a-z0-9-]+:[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(tableIds.sort()).toEqual([...FIS_SUPPORTED_ACTIONS].sort());
  });

  it('execute pre-flight accepts exactly the supported actions', () => {
    const preflight = file(execute, 'references/preflight.md').split(/^## P2/m)[0]!;
    const ids = fisIds(preflight.split('not one the deployed role supports')[1] ?? '');
    expect([...new Set(ids)].sort()).toEqual([...FIS_SUPPORTED_ACTIONS].sort());
  });

  it('the template example uses a supported action', () => {
    const schema = file(prepare, 'references/template-schema.md');
    const actionIds = [...schema.matchAll(/"actionId": "([^"]+)"/g)].map((m) => m[1]!);
    expect(actionIds.length).toBeGreaterThan(0);
    for (const id of actionIds) expect(FIS_SUPPORTED_ACTIONS).toContain(id);
  });
});

describe('writes the skills run are writes the harness role allows', () => {
  const s = synth();
  afterAll(() => s.cleanup());
  const harness = statementsByRole(s.json).get(logicalId(s.json, 'AWS::IAM::Role', 'HarnessExecutionRole'))!;
  const pascal = (op: string) => op.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  /** Commands a skill hands to a human instead of running them, with the reason. */
  const FOR_HUMANS: Record<string, string> = {
    'aws fis update-safety-lever-state': 'engaging the lever is for a human with FIS administrator rights',
  };

  it.each([prepare, execute].map((k) => [k.name, k] as const))('%s', (_name, skill) => {
    const writes = new Set(skill.files.flatMap((f) => codeOf(f).flatMap(findMutatingAws)));
    expect(writes.size).toBeGreaterThan(0);
    for (const w of writes) {
      if (w in FOR_HUMANS) continue;
      const [, service, op] = w.split(' ');
      expect(allows(harness, `${service}:${pascal(op!)}`), w).toBe(true);
    }
  });

  it('the safety-lever command is presented as a human step', () => {
    expect(file(execute, 'references/monitoring.md')).toMatch(/Ask a human[\s\S]*update-safety-lever-state/);
  });
});

describe('reports', () => {
  it.each(ALL_SKILLS)('%s writes its report under the deploy REPORTS_DIR', (name) => {
    expect(loadSkill(name).body).toContain(`${REPORTS_DIR}${name}-`);
  });
});

describe('execute time budget', () => {
  it('states the deploy watch cap and the monitor chunk, and no longer cap', () => {
    const text = [execute.body, file(execute, 'references/monitoring.md')].join('\n');
    expect(execute.body).toContain(`never more than ${EXECUTE_MAX_WATCH_MINUTES} minutes`);
    expect(file(execute, 'references/monitoring.md')).toContain(
      `capped at ${EXECUTE_MAX_WATCH_MINUTES} minutes`,
    );
    expect(execute.body).toContain(`--max-minutes ${EXECUTE_MONITOR_CHUNK_MINUTES}`);
    for (const m of text.matchAll(/(?:never more than|capped at) (\d+) minutes/g)) {
      expect(Number(m[1])).toBeLessThanOrEqual(EXECUTE_MAX_WATCH_MINUTES);
    }
  });
});
