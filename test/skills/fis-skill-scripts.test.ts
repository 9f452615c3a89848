/**
 * The FIS skills' shell steps, run with bash, jq 1.7.1 and a fake `aws` on fixtures: experiment logging
 * uses the log group ARN the deploy hands the harness exactly as FIS expects it, and the opt-in tag check
 * fails on targets the tagging API leaves out of its answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARNESS_ENV } from '../../deploy/lib/fis-contract.ts';
import { resolveIntrinsics } from '../../deploy/test/helpers/iam-eval.ts';
import { logicalId, synth } from '../../deploy/test/helpers/synth.ts';
import { ALL_SKILLS, SKILLS } from '../../src/core/skills.ts';
import { runBash, runScript } from './helpers/run-script.ts';
import { codeOf, loadSkill, SKILLS_DIR } from './load.ts';

const prepare = loadSkill(SKILLS.fisPrepare);
const execute = loadSkill(SKILLS.fisExecute);
const file = (skill: typeof prepare, rel: string) => skill.files.find((f) => f.rel === rel)!;

/** The FIS_LOG_GROUP_ARN value the synthesized harness really receives. */
function deployedLogGroupArn(): string {
  const s = synth();
  try {
    const harness = s.json.Resources[logicalId(s.json, 'AWS::BedrockAgentCore::Harness', 'Harness')]!;
    const env = resolveIntrinsics(harness.Properties?.EnvironmentVariables, s.json) as Record<string, string>;
    return env[HARNESS_ENV.fisLogGroupArn]!;
  } finally {
    s.cleanup();
  }
}

describe('experiment logging configuration (prepare)', () => {
  const schema = file(prepare, 'references/template-schema.md');
  const lines = codeOf(schema).flatMap((c) => c.split('\n'));
  const setter = lines.find((l) => l.includes('.logConfiguration = '))!;
  const deployed = deployedLogGroupArn();

  it('the deployed ARN ends in ":*" (CloudFormation Arn of a log group)', () => {
    expect(deployed).toMatch(/^arn:aws:logs:us-east-1:111122223333:log-group:[^:*]+:\*$/);
  });

  it.each([
    ['the deployed ARN (already ends in :*)', deployed],
    ['an ARN without the suffix', deployed.slice(0, -2)],
  ])('sets exactly one ":*" from %s', (_name, arn) => {
    const run = runBash(
      `set -e; W="$PWD"; T="$W/template.json"; echo '{"tags":{}}' > "$T"; ${setter}\njq -c '.logConfiguration' "$T"`,
      { env: { FIS_LOG_GROUP_ARN: arn } },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      cloudWatchLogsConfiguration: { logGroupArn: deployed },
      logSchemaVersion: 2,
    });
  });
});

describe('experiment log reading (execute)', () => {
  const block = codeOf(file(execute, 'references/monitoring.md')).find((c) =>
    c.includes('--log-group-identifier'),
  )!;
  const deployed = deployedLogGroupArn();

  it('reads the log group of the experiment itself, without the ":*" the API refuses', () => {
    const run = runBash(`EXP=EXPabc123; R=us-east-1; ${block}`, {
      rules: [
        { tool: 'aws', match: '^fis get-experiment --id EXPabc123', stdout: `${deployed}\n` },
        { tool: 'aws', match: '^logs filter-log-events', stdout: '{"events":[]}\n' },
      ],
    });
    expect(run.code).toBe(0);
    const filter = run.calls.find((c) => c.args[1] === 'filter-log-events')!;
    expect(filter.args).toContain(deployed.slice(0, -2));
    expect(filter.args.join(' ')).not.toContain(':*');
  });

  it('no skill reads a FIS_* variable the harness does not set', () => {
    const set = new Set<string>(Object.values(HARNESS_ENV));
    for (const name of ALL_SKILLS) {
      for (const f of loadSkill(name).files) {
        for (const m of f.text.matchAll(/\$\{?(FIS_[A-Z_]+)/g))
          expect(set, `${name}/${f.rel}: ${m[1]}`).toContain(m[1]);
      }
    }
  });
});

describe('opt-in tag check (check-opt-in.sh)', () => {
  const script = join(SKILLS_DIR, SKILLS.fisExecute, 'scripts', 'check-opt-in.sh');
  const a = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0aaa';
  const b = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0bbb';
  const c = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0ccc';
  const mapping = (arn: string, value: string) => ({
    ResourceARN: arn,
    Tags: [{ Key: 'fis-allowed', Value: value }],
  });
  const run = (returned: object[], arns: string[]) =>
    runScript(script, ['--region', 'us-east-1', '--tag-key', 'fis-allowed', '--tag-value', 'true', ...arns], {
      rules: [
        {
          tool: 'aws',
          match: '^resourcegroupstaggingapi get-resources',
          stdout: JSON.stringify({ ResourceTagMappingList: returned }),
        },
      ],
    });

  it('fails on a target the tagging API leaves out (no tags at all)', () => {
    const r = run([mapping(a, 'true')], [a, b]);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toEqual({ checked: 2, tagged: [a], untagged: [b] });
  });

  it('fails on a target with another value, passes when every target is tagged', () => {
    expect(JSON.parse(run([mapping(a, 'true'), mapping(c, 'false')], [a, c]).stdout).untagged).toEqual([c]);
    const ok = run([mapping(a, 'true'), mapping(b, 'true')], [a, b]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).untagged).toEqual([]);
  });

  it('sends every ARN to the API and fails closed when the API fails', () => {
    const r = run([], [a]);
    expect(r.calls[0]!.args).toContain(a);
    const broken = runScript(script, ['--region', 'us-east-1', '--tag-key', 'k', '--tag-value', 'v', a], {
      rules: [{ tool: 'aws', match: 'get-resources', stderr: 'AccessDenied', exit: 254 }],
    });
    expect(broken.code).toBe(2);
  });

  it('prepare ships the same script', () => {
    expect(readFileSync(join(SKILLS_DIR, SKILLS.fisPrepare, 'scripts', 'check-opt-in.sh'), 'utf8')).toBe(
      readFileSync(script, 'utf8'),
    );
  });
});
