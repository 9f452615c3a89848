/**
 * The doctor as a command: no configuration, bad arguments, bad settings, the JSON shape, the doctor run
 * under credentials that may not make its calls, its Slack calls against Slack's published spec, and the
 * bot-call list kept in step with the adapters.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_COMMANDS } from '../../src/doctor/bot-calls.ts';
import { DOCTOR_CHECKS } from '../../src/doctor/checks.ts';
import { runDoctor } from '../../src/doctor/run.ts';
import { policyAuthorizer } from '../../src/stand-ins/iam-authorizer.ts';
import { documentedArgs } from '../contract/slack-spec.ts';
import { ACCOUNT, type World, world } from './deployment.ts';

describe('doctor without configuration', () => {
  it('says what it would check and how to configure it, exit 2, no stack trace', async () => {
    const r = await runDoctor([], {});
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('nothing is configured here');
    for (const c of DOCTOR_CHECKS) expect(r.output).toContain(c.id);
    expect(r.output).toContain('SLACK_BOT_TOKEN=xoxb-');
    expect(r.output).toContain('HARNESS_ARN=arn:aws:bedrock-agentcore:');
    expect(r.output).not.toMatch(/\n\s+at /);
  });

  it('a bad argument is a usage message, exit 2', async () => {
    const r = await runDoctor(['--cluster', 'orders'], {});
    expect(r.exitCode).toBe(2);
    expect(r.output).toContain('--cluster takes <name>@<region>');
  });

  it('bad settings are FAIL lines naming each problem', async () => {
    const r = await runDoctor(['--json'], { SLACK_BOT_TOKEN: 'xoxp-user', SLACK_APP_TOKEN: 'xapp-1' });
    expect(r.exitCode).toBe(1);
    const j = JSON.parse(r.output);
    expect(j.findings.map((f: { check: string; status: string }) => `${f.check} ${f.status}`)).toEqual([
      'config.valid FAIL',
      'config.valid FAIL',
    ]);
    expect(j.findings[0].found).toContain('SLACK_BOT_TOKEN must be a bot token');
    expect(j.findings[1].found).toContain('HARNESS_ARN is required');
  });
});

describe('doctor with nothing reachable', () => {
  it('says Slack and AWS could not be reached, per call, without a stack trace', async () => {
    const r = await runDoctor(
      [],
      {
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        SLACK_API_URL: 'http://127.0.0.1:1/api/',
        HARNESS_ARN: 'arn:aws:bedrock-agentcore:us-east-1:111122223333:harness/opsagent-AbCdEf1234',
      },
      {
        awsEndpoint: { url: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
      },
    );
    expect(r.exitCode).toBe(1);
    const byCheck = new Map(r.findings.map((f) => [f.check, f]));
    expect(byCheck.get('slack.token')!.found).toMatch(/^Slack could not be reached for auth\.test/);
    expect(byCheck.get('slack.mode')!.found).toMatch(
      /^Slack could not be reached for apps\.connections\.open/,
    );
    expect(byCheck.get('harness.ready')!.found).toMatch(
      /^bedrock-agentcore:GetHarness failed: .*ECONNREFUSED/,
    );
    expect(byCheck.get('harness.model')!.status).toBe('SKIP');
    expect(r.output).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('doctor on the stand-ins', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  }, 60_000);
  afterAll(() => w.close());

  it('--json: the documented, versioned shape', async () => {
    const r = await w.doctor(['--json', '--cluster', 'orders@us-west-2']);
    const j = JSON.parse(r.output);
    expect(Object.keys(j)).toEqual(['schema', 'version', 'ok', 'summary', 'findings']);
    expect(j).toMatchObject({ schema: 'agentcore-slack-bot/doctor', version: 1, ok: true });
    expect(Object.keys(j.summary)).toEqual(['pass', 'warn', 'fail', 'skip']);
    for (const f of j.findings) {
      expect(Object.keys(f).every((k) => ['check', 'status', 'found', 'fix', 'subject'].includes(k))).toBe(
        true,
      );
      expect(['PASS', 'WARN', 'FAIL', 'SKIP']).toContain(f.status);
    }
    expect(j.summary.pass).toBe(j.findings.length);
  }, 60_000);

  it("the doctor's Slack calls use only arguments Slack documents", async () => {
    const spec = documentedArgs();
    const problems = w.slack.calls.flatMap((c) => {
      const args = spec.get(c.method);
      if (!args) return [`${c.method}: not in the kept spec`];
      return [
        ...Object.keys(c.params)
          .filter((k) => k !== 'token' && !args.known.has(k))
          .map((k) => `${c.method}: ${k}`),
        ...[...args.required].filter((k) => !(k in c.params)).map((k) => `${c.method}: missing ${k}`),
      ];
    });
    expect(w.slack.calls.map((c) => c.method)).toContain('conversations.history');
    expect([...new Set(problems)]).toEqual([]);
  }, 60_000);
});

describe('doctor run as the bot task role (a one-off ECS task)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  }, 60_000);
  afterAll(() => w.close());

  it('checks it may not make say so as WARN with the permission to add, never as a false PASS or FAIL', async () => {
    // The stand-in now authorizes the doctor's own calls with the bot task role's policies.
    const bot = [...w.aws.state.roles.values()].find((r) => r.arn.includes('BotTaskRole'))!;
    const { AwsControlPlane } = await import('../../src/stand-ins/aws-control-plane.ts');
    const aws = new AwsControlPlane(
      w.aws.state,
      policyAuthorizer({ policies: bot.policies, principalArn: w.aws.state.callerArn, accountId: ACCOUNT }),
    );
    await aws.start();
    try {
      const r = await runDoctor([], w.env, {
        awsEndpoint: { url: aws.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } },
      });
      const harness = r.findings.find((f) => f.check === 'harness.ready')!;
      expect(harness.status).toBe('WARN');
      expect(harness.found).toBe(
        "could not check: the doctor's credentials may not call bedrock-agentcore:GetHarness (AccessDeniedException)",
      );
      expect(harness.fix).toContain('iam:SimulatePrincipalPolicy');
      // DescribeTable is one of the bot's own calls, so the table's shape is still checked.
      expect(r.findings.find((f) => f.check === 'table.shape')!.status).toBe('PASS');
      expect(r.findings.filter((f) => f.status === 'FAIL')).toEqual([]);
    } finally {
      await aws.stop();
    }
  }, 60_000);
});

describe('the bot-call list', () => {
  it('knows every AWS command the adapters send', () => {
    const dir = path.resolve(import.meta.dirname, '../../src/adapters');
    const sent = new Set<string>();
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts') && x !== 'embedded-dynamo.ts'))
      for (const m of readFileSync(path.join(dir, f), 'utf8').matchAll(/new (?:\w+\.)?(\w+Command)\(/g))
        sent.add(m[1]!);
    expect([...sent].filter((c) => !(c in BOT_COMMANDS))).toEqual([]);
  });
});
