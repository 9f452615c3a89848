/**
 * Each failure the seed design and issue 15 list, seeded into an otherwise healthy deployment: the doctor
 * reports exactly that FAIL (or WARN) line with its fix, and nothing else changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/doctor/check.ts';
import {
  FIS_ROLE,
  HARNESS_ROLE,
  PROFILE,
  REGION,
  RUNTIME_ID,
  TABLE,
  type World,
  world,
} from './deployment.ts';

type State = Parameters<Parameters<typeof world>[0] & object>[0];
type Json = Record<string, unknown>;
const harness = (s: State) => s.harnesses!.values().next().value as Json;
const role = (s: State, arn: string) => s.roles!.get(arn.slice(arn.lastIndexOf('/') + 1))!;

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** Runs the doctor on the broken deployment; returns the findings that are not PASS. */
async function problems(change: Parameters<typeof world>[0], args?: string[], env?: Record<string, string>) {
  w = await world(change);
  const r = await w.doctor(args, env);
  return { exitCode: r.exitCode, output: r.output, bad: r.findings.filter((f) => f.status !== 'PASS') };
}

const only = (bad: Finding[]) => {
  expect(bad).toHaveLength(1);
  return bad[0]!;
};

describe('doctor: seeded faults', () => {
  it('a foundation model id instead of an inference profile', async () => {
    const { bad, exitCode, output } = await problems((s) => {
      (harness(s).model as Json) = {
        bedrockModelConfig: { modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0' },
      };
    });
    const f = bad.find((x) => x.check === 'harness.model')!;
    expect(f.status).toBe('FAIL');
    expect(f.found).toContain('is a foundation model id');
    expect(f.found).toContain("on-demand throughput isn't supported");
    expect(f.fix).toContain('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(exitCode).toBe(1);
    expect(output).toMatch(/^FAIL {2}harness\.model +the model "anthropic\./m);
    // The role allows the profile only, so the model call check fails too: both are the same fault.
    expect(bad.map((x) => x.check).sort()).toEqual(['harness.model', 'iam.harness-model']);
  }, 60_000);

  it('a model its provider marked Legacy', async () => {
    const { bad } = await problems((s) => {
      for (const m of s.foundationModels!.values()) (m.modelLifecycle as Json).status = 'LEGACY';
    });
    const f = only(bad);
    expect(f).toMatchObject({ check: 'harness.model', status: 'FAIL' });
    expect(f.found).toContain('is marked by its provider as LEGACY');
    expect(f.fix).toContain('aws bedrock list-foundation-models');
  }, 60_000);

  it('an inference profile that does not exist in the region', async () => {
    const { bad } = await problems((s) => s.inferenceProfiles!.clear());
    const f = only(bad);
    expect(f).toMatchObject({
      check: 'harness.model',
      status: 'FAIL',
      found: `no inference profile "${PROFILE}" in ${REGION}`,
    });
  }, 60_000);

  it('a region without managed harness', async () => {
    w = await world();
    const arn = w.env.HARNESS_ARN!.replace(':us-east-1:', ':ap-northeast-1:');
    const r = await w.doctor([], { HARNESS_ARN: arn });
    const region = r.findings.find((x) => x.check === 'harness.region')!;
    expect(region.status).toBe('FAIL');
    expect(region.found).toBe(
      'ap-northeast-1 does not offer AgentCore managed harness (it does: us-east-1, us-west-2, eu-central-1, ap-southeast-2)',
    );
    expect(r.findings.find((x) => x.check === 'harness.ready')).toMatchObject({
      status: 'FAIL',
      found: `no harness ${arn} in ap-northeast-1`,
    });
  }, 60_000);

  it('an execution role without ECR pull', async () => {
    const { bad } = await problems((s) => {
      const r = role(s, HARNESS_ROLE);
      r.policies = r.policies.map((p) => ({
        ...p,
        // The pull grant (CDK's grantPull), not the assessment reads of ECR metadata.
        Statement: (p.Statement as Json[]).filter(
          (st) => !/ecr:(GetAuthorizationToken|BatchGetImage)/.test(JSON.stringify(st.Action)),
        ),
      }));
    });
    const f = only(bad);
    expect(f.check).toBe('iam.harness-image');
    expect(f.found).toContain('may not ecr:GetAuthorizationToken on *');
    expect(f.fix).toContain('ECR access denied … ecr:GetAuthorizationToken');
    expect(f.fix).toContain('--policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly');
  }, 60_000);

  it('an execution role without CloudWatch Logs and X-Ray', async () => {
    const { bad } = await problems((s) => {
      const r = role(s, HARNESS_ROLE);
      r.policies = r.policies.map((p) => ({
        ...p,
        Statement: (p.Statement as Json[]).filter(
          (st) => !/"(logs:PutLogEvents|xray:PutTraceSegments)"/.test(JSON.stringify(st.Action)),
        ),
      }));
    });
    const f = only(bad);
    expect(f.check).toBe('iam.harness-observability');
    expect(f.found).toMatch(/may not logs:CreateLogGroup .*xray:PutTraceSegments on \*/);
    expect(f.fix).toContain('AWSXRayDaemonWriteAccess');
  }, 60_000);

  it('Transaction Search not enabled is a WARN, not a FAIL', async () => {
    const { bad, exitCode } = await problems((s) => s.traceDestinations!.clear());
    const f = only(bad);
    expect(f).toMatchObject({ check: 'observability.transaction-search', status: 'WARN' });
    expect(f.fix).toContain(
      `aws xray update-trace-segment-destination --destination CloudWatchLogs --region ${REGION}`,
    );
    expect(exitCode).toBe(0);
  }, 60_000);

  it('runtime log groups that never expire', async () => {
    const { bad } = await problems((s) => {
      s.logGroups!.set(`${REGION}//aws/bedrock-agentcore/runtimes/${RUNTIME_ID}-DEFAULT`, {});
    });
    const f = only(bad);
    expect(f).toMatchObject({ check: 'observability.runtime-logs', status: 'WARN' });
    expect(f.fix).toBe(
      `aws logs put-retention-policy --log-group-name /aws/bedrock-agentcore/runtimes/${RUNTIME_ID}-DEFAULT --retention-in-days 30 --region ${REGION}`,
    );
  }, 60_000);

  it('a granted scope missing from the token', async () => {
    const { bad } = await problems((_s, slack) => slack.scopes.delete('files:write'));
    const f = only(bad);
    expect(f).toMatchObject({
      check: 'slack.scopes',
      status: 'FAIL',
      found: 'the token lacks files:write (manifest.yml asks for them)',
    });
    expect(f.fix).toContain('add "files:write" under oauth_config.scopes.bot');
  }, 60_000);

  it('a rejected bot token', async () => {
    const { bad } = await problems(() => {}, undefined, { SLACK_BOT_TOKEN: 'xoxb-revoked' });
    expect(bad[0]).toMatchObject({
      check: 'slack.token',
      status: 'FAIL',
      found: 'Slack rejected SLACK_BOT_TOKEN (invalid_auth)',
      fix: 'copy the Bot User OAuth Token again from OAuth & Permissions.',
    });
  }, 60_000);

  it('a Socket Mode app token Slack refuses', async () => {
    const { bad } = await problems(() => {}, undefined, { SLACK_APP_TOKEN: 'xapp-wrong' });
    const f = only(bad);
    expect(f).toMatchObject({
      check: 'slack.mode',
      status: 'FAIL',
      found: 'Socket Mode: Slack refused SLACK_APP_TOKEN (invalid_auth)',
    });
  }, 60_000);

  it('an allowed channel the bot was not invited to', async () => {
    const { bad } = await problems(
      (_s, slack) => {
        slack.addChannel({ id: 'C0PRIV001', name: 'secret', isPrivate: true, members: [] });
        slack.addChannel({ id: 'C0PUB0001', name: 'public', members: [] });
      },
      undefined,
      { ALLOWED_CHANNELS: 'C0GENERAL,C0PRIV001,C0PUB0001' },
    );
    expect(bad).toEqual([
      expect.objectContaining({
        check: 'slack.channels',
        subject: 'C0PRIV001',
        status: 'FAIL',
        fix: expect.stringContaining('/invite @agentcore-bot'),
      }),
      expect.objectContaining({ check: 'slack.channels', subject: 'C0PUB0001', status: 'WARN' }),
    ]);
  }, 60_000);

  it('approvers and access ids that do not resolve', async () => {
    const { bad } = await problems(
      (_s, slack) => {
        slack.addUser({ id: 'U0GONE001', name: 'gone', deleted: true });
      },
      undefined,
      { FIS_APPROVERS: 'U0CAROL03,U0NOBODY1,U0GONE001', COMMAND_ACCESS: '/fis run=S0NOGROUP' },
    );
    expect(bad.map((f) => [f.check, f.subject, f.status, f.found])).toEqual([
      ['slack.approvers', 'U0NOBODY1', 'FAIL', 'no such user in this workspace (FIS_APPROVERS)'],
      ['slack.approvers', 'U0GONE001', 'FAIL', 'user is deactivated (FIS_APPROVERS)'],
      ['slack.access', 'S0NOGROUP', 'FAIL', 'no such user group in this workspace (COMMAND_ACCESS /fis run)'],
    ]);
  }, 60_000);

  it('a bot role without InvokeHarness', async () => {
    const { bad } = await problems((s) => {
      const r = s.roles!.values().next().value!;
      r.policies = r.policies.map((p) => ({
        ...p,
        Statement: (p.Statement as Json[]).filter((st) => st.Sid !== 'InvokeThisHarnessOnly'),
      }));
    });
    const f = only(bad);
    expect(f.check).toBe('iam.bot-role');
    expect(f.found).toMatch(/may not bedrock-agentcore:InvokeHarness on arn:aws:bedrock-agentcore:/);
    expect(f.fix).toContain('"bedrock-agentcore:InvokeAgentRuntime"');
  }, 60_000);

  it('a table with other keys, no TTL and no point-in-time recovery', async () => {
    const { bad } = await problems((s) => {
      const t = s.tables!.get(TABLE)!;
      (t.table.KeySchema as Json[])[0]!.AttributeName = 'id';
      (t.table.AttributeDefinitions as Json[]).push({ AttributeName: 'id', AttributeType: 'S' });
      t.table.GlobalSecondaryIndexes = [];
      t.ttl = { TimeToLiveStatus: 'DISABLED' };
      t.pitr = 'DISABLED';
    });
    expect(bad.map((f) => [f.check, f.status, f.found])).toEqual([
      ['table.shape', 'FAIL', `table "${TABLE}": partition key is id (S), not pk (S); index gsi1 is missing`],
      ['table.ttl', 'WARN', 'TTL is DISABLED: sessions and approvals are never deleted'],
      ['table.pitr', 'WARN', 'point-in-time recovery is DISABLED: a bad write cannot be undone'],
    ]);
  }, 60_000);

  it('a FIS role trust without the confused-deputy conditions', async () => {
    const { bad } = await problems((s) => {
      role(s, FIS_ROLE).trust = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'fis.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      };
    });
    const f = only(bad);
    expect(f.check).toBe('fis.role');
    expect(f.found).toContain('without aws:SourceAccount and aws:SourceArn conditions');
    expect(f.fix).toContain('"aws:SourceArn":"arn:aws:fis:*:111122223333:experiment/*"');
  }, 60_000);

  it('a missing FIS log group', async () => {
    const { bad } = await problems((s) => s.logGroups!.delete(`${REGION}//aws/fis/agentcore-slack-bot`));
    expect(only(bad)).toMatchObject({
      check: 'fis.log-group',
      status: 'FAIL',
      fix: `aws logs create-log-group --log-group-name /aws/fis/agentcore-slack-bot --region ${REGION}`,
    });
  }, 60_000);

  it('a harness that tags templates differently from what the bot role requires', async () => {
    const { bad } = await problems((s) => {
      (harness(s).environmentVariables as Json).FIS_TEMPLATE_TAG_VALUE = 'someone-else';
    });
    const checks = bad.map((f) => f.check);
    expect(checks).toContain('fis.template-tag');
    expect(bad.find((f) => f.check === 'fis.template-tag')!.found).toContain(
      'may not start templates tagged managed-by=someone-else',
    );
  }, 60_000);

  it('a cluster without an access entry for the harness role, and one without the view policy', async () => {
    const { bad } = await problems(
      (s) => {
        s.clusters!.set('us-west-2/payments', new Map());
        s.clusters!.set(
          'us-west-2/search',
          new Map([
            [
              HARNESS_ROLE,
              [
                {
                  policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
                  accessScope: { type: 'namespace', namespaces: ['default'] },
                },
              ],
            ],
          ]),
        );
      },
      ['--cluster', 'payments@us-west-2', '--cluster', 'search@us-west-2', '--cluster', 'nope@us-west-2'],
    );
    expect(bad.map((f) => [f.subject, f.status])).toEqual([
      ['payments@us-west-2', 'FAIL'],
      ['search@us-west-2', 'FAIL'],
      ['nope@us-west-2', 'FAIL'],
    ]);
    expect(bad[0]!.fix).toContain(
      `aws eks create-access-entry --cluster-name payments --principal-arn ${HARNESS_ROLE} --region us-west-2`,
    );
    expect(bad[1]!.found).toContain('AmazonEKSViewPolicy (namespace)');
    expect(bad[2]!.found).toBe('no cluster nope in us-west-2');
  }, 60_000);

  it('harness idle timeout and skills path that differ from the bot settings', async () => {
    const { bad } = await problems(() => {}, undefined, {
      HARNESS_SESSION_IDLE_SECONDS: '900',
      SKILLS_BASE_PATH: '/skills/',
    });
    expect(bad.map((f) => [f.check, f.fix])).toEqual([
      ['harness.skills', 'set SKILLS_BASE_PATH=/opt/.agents/skills/'],
      ['harness.idle-timeout', 'set HARNESS_SESSION_IDLE_SECONDS=1800'],
    ]);
  }, 60_000);
});
