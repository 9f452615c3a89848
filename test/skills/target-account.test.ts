/**
 * Another account in the skills: scripts/target-account.sh (identical in every skill a command may run in another
 * account) sets up an AWS CLI profile whose credential_process assumes the read-only role there, and kube.sh keeps
 * a separate kubeconfig per profile. The credentials it prints are checked by the AWS SDK's own credential_process
 * reader, and the STS call it makes against the STS model's required members.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromProcess } from '@aws-sdk/credential-provider-process';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/core/commands.ts';
import { jqBinDir } from './helpers/jq.ts';
import { runBash, runScript } from './helpers/run-script.ts';
import { loadAllSkills, SKILLS_DIR } from './load.ts';

const HELPER = 'scripts/target-account.sh';
const ROLE = 'arn:aws:iam::111122223333:role/AgentCoreSlackBotReadOnly';
const canonical = join(SKILLS_DIR, 'aws-best-practice-research', HELPER);

/** What `aws sts assume-role --output json` prints: the STS AssumeRoleResponse members. */
function assumeRoleOutput(expiresInMs: number): string {
  return JSON.stringify({
    Credentials: {
      AccessKeyId: 'ASIAEXAMPLEEXAMPLE01',
      SecretAccessKey: 'secret/example',
      SessionToken: 'token-example',
      Expiration: new Date(Date.now() + expiresInMs).toISOString().replace('Z', '+00:00'),
    },
    AssumedRoleUser: { AssumedRoleId: 'AROAEXAMPLE:slack-ops-agent', Arn: `${ROLE}/slack-ops-agent` },
  });
}

describe('which skills can work in another account', () => {
  const skills = loadAllSkills();
  const accountSkills = new Set<string>(ROUTES.filter((r) => r.otherAccounts).map((r) => r.skill));

  it.each([...accountSkills])('%s ships the identical helper and tells the agent to use it', (name) => {
    const skill = skills.find((k) => k.name === name)!;
    expect(readFileSync(join(skill.dir, HELPER), 'utf8')).toBe(readFileSync(canonical, 'utf8'));
    const doc = skill.files.find((f) => f.rel === 'SKILL.md')!.text;
    expect(doc).toContain('scripts/target-account.sh --profile <alias> --role-arn <role ARN>');
    expect(doc).toMatch(/never fall back to your own account/);
  });

  it('the skills of commands that refuse other accounts do not ship it', () => {
    for (const k of skills.filter((x) => !accountSkills.has(x.name)))
      expect(existsSync(join(k.dir, HELPER)), k.name).toBe(false);
  });
});

describe('scripts/target-account.sh setup', () => {
  const setupRules = (account: string) => [
    { tool: 'aws' as const, match: '^configure set profile\\.prod\\.credential_process ', stdout: '' },
    {
      tool: 'aws' as const,
      match: '^sts get-caller-identity --profile prod --query Account --output text$',
      stdout: `${account}\n`,
    },
  ];

  it('writes the profile with itself as credential_process, then checks it lands in the named account', () => {
    const r = runScript(canonical, ['--profile', 'prod', '--role-arn', ROLE, '--external-id', 'ops-bot-7'], {
      rules: setupRules('111122223333'),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Profile prod reads account 111122223333');
    const [set, check] = r.calls;
    expect(set!.args.slice(0, 3)).toEqual(['configure', 'set', 'profile.prod.credential_process']);
    expect(set!.args[3]).toBe(
      `bash ${canonical} --credentials --profile prod --role-arn ${ROLE} --external-id ops-bot-7`,
    );
    expect(check!.args[0]).toBe('sts');
  });

  it('stops with exit 4 and what to check when the role lands elsewhere or cannot be assumed', () => {
    const r = runScript(canonical, ['--profile', 'prod', '--role-arn', ROLE], {
      rules: setupRules('999988887777'),
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/cannot work in account 111122223333 .*999988887777/);
    expect(r.stderr).toMatch(/trusts this agent's role/);
  });

  it.each([
    ['a profile name that could break the config file', ['--profile', 'prod]\n[x', '--role-arn', ROLE]],
    ['a role ARN with a space', ['--profile', 'prod', '--role-arn', `${ROLE} --debug`]],
    ['a role that is not a role', ['--profile', 'prod', '--role-arn', 'arn:aws:iam::111122223333:user/x']],
    ['an external id with a quote', ['--profile', 'prod', '--role-arn', ROLE, '--external-id', "a'b"]],
  ])('refuses %s before any call', (_n, args) => {
    const r = runScript(canonical, args as string[]);
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([]);
  });
});

describe('scripts/target-account.sh credentials (the profile’s credential_process)', () => {
  const args = ['--credentials', '--profile', 'prod', '--role-arn', ROLE, '--external-id', 'ops-bot-7'];
  const rule = (expiresInMs: number) => ({
    tool: 'aws' as const,
    match: `^sts assume-role --role-arn ${ROLE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} --role-session-name slack-ops-agent --external-id ops-bot-7 --duration-seconds 3600 --output json$`,
    stdout: assumeRoleOutput(expiresInMs),
  });

  it('assumes the role as the agent itself (not through the profile) and caches until 5 minutes before expiry', () => {
    const r = runBash(`bash "${canonical}" "$@" && bash "${canonical}" "$@"`, {
      args,
      rules: [rule(3_600_000)],
      env: { AWS_PROFILE: 'prod' },
    });
    expect(r.code).toBe(0);
    const sts = r.calls.filter((c) => c.args[0] === 'sts');
    expect(sts).toHaveLength(1);
    expect(sts[0]!.env.AWS_PROFILE).toBeUndefined();
    const [first, second] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first).toEqual(second);
    expect(first).toMatchObject({ Version: 1, AccessKeyId: 'ASIAEXAMPLEEXAMPLE01' });
  });

  it('assumes again when the cached credentials are about to expire', () => {
    const r = runBash(`bash "${canonical}" "$@" >/dev/null && bash "${canonical}" "$@"`, {
      args,
      rules: [rule(120_000)],
    });
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c.args[0] === 'sts')).toHaveLength(2);
  });

  it('exits 4 with nothing on stdout when STS refuses', () => {
    const r = runScript(canonical, args, {
      rules: [
        {
          tool: 'aws',
          match: '^sts assume-role',
          stderr: 'An error occurred (AccessDenied) when calling the AssumeRole operation',
          exit: 254,
        },
      ],
    });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
  });

  it('the profile it writes works with the AWS SDK’s own credential_process reader', async () => {
    // The setup run records the exact command it configures; the SDK then runs that command itself.
    const setup = runScript(
      canonical,
      ['--profile', 'prod', '--role-arn', ROLE, '--external-id', 'ops-bot-7'],
      {
        rules: [
          { tool: 'aws', match: '^configure set ', stdout: '' },
          { tool: 'aws', match: '^sts get-caller-identity', stdout: '111122223333\n' },
          rule(3_600_000),
        ],
      },
    );
    expect(setup.code).toBe(0);
    const command = setup.calls[0]!.args[3]!;
    const config = join(setup.dir, 'config');
    writeFileSync(config, `[profile prod]\ncredential_process = ${command}\n`);
    const saved = { ...process.env };
    Object.assign(process.env, {
      PATH: [jqBinDir(), join(setup.dir, 'bin'), process.env.PATH].join(':'),
      TMPDIR: join(setup.dir, 'tmp'),
      FAKE_CLI_LOG: join(setup.dir, 'calls.jsonl'),
      FAKE_CLI_RULES: join(setup.dir, 'rules.json'),
      AWS_PROFILE: 'prod',
    });
    try {
      const creds = await fromProcess({ profile: 'prod', configFilepath: config, filepath: config })();
      expect(creds).toMatchObject({
        accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
        secretAccessKey: 'secret/example',
        sessionToken: 'token-example',
      });
      expect(creds.expiration!.getTime()).toBeGreaterThan(Date.now());
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    const calls = readFileSync(join(setup.dir, 'calls.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(calls.at(-1)!).args.slice(0, 2)).toEqual(['sts', 'assume-role']);
  });

  it('sends what the STS model requires, within its limits', () => {
    const model = readFileSync(
      join(import.meta.dirname, '../../node_modules/@aws-sdk/client-sts/dist-types/models/models_0.d.ts'),
      'utf8',
    );
    const request = /export interface AssumeRoleRequest \{([\s\S]*?)\n\}/.exec(model)![1]!;
    for (const required of ['RoleArn: string | undefined', 'RoleSessionName: string | undefined'])
      expect(request).toContain(required);
    for (const optional of ['ExternalId?: string', 'DurationSeconds?: number'])
      expect(request).toContain(optional);
    // RoleSessionName: [\w+=,.@-]{2,64}; DurationSeconds: 900 to the role's maximum (the template sets 3600).
    const script = readFileSync(canonical, 'utf8');
    expect(/--role-session-name (\S+)/.exec(script)![1]).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(Number(/--duration-seconds (\d+)/.exec(script)![1])).toBeLessThanOrEqual(3600);
  });
});

describe('kube.sh in another account', () => {
  const kubeconfig = 'apiVersion: v1\nkind: Config\n';
  const kube = join(SKILLS_DIR, 'eks-workload-best-practice-assessment', 'scripts/kube.sh');
  const rules = [
    {
      tool: 'aws' as const,
      match: '^eks update-kubeconfig',
      writeArg: '--kubeconfig',
      writeContent: kubeconfig,
    },
    { tool: 'kubectl' as const, match: '.', stdout: 'ok\n' },
  ];
  const run = (profile?: string) =>
    runBash(
      `bash "${kube}" --cluster orders --region us-east-1 --print-kubeconfig`,
      profile ? { rules, env: { AWS_PROFILE: profile } } : { rules },
    );

  it('keeps one kubeconfig per account, built with that account’s profile', () => {
    const home = run();
    const prod = run('prod');
    expect(home.stdout.trim()).not.toBe(prod.stdout.trim());
    expect(prod.stdout).toContain('prod@us-east-1-orders');
    expect(prod.calls.find((c) => c.tool === 'aws')!.env.AWS_PROFILE).toBe('prod');
  });

  it('refuses a profile name that could escape its directory', () => {
    const r = run('../x');
    expect(r.code).toBe(1);
    expect(r.calls).toEqual([]);
  });
});
