/**
 * Skills work under the permissions we deploy. Every AWS CLI command in every skill file (SKILL.md,
 * references, scripts) is mapped to its IAM actions, each action must exist in the IAM catalogue, and the
 * harness execution role as synthesized by deploy/ must allow it when evaluated by a real IAM policy
 * evaluator (explicit denies included). A command the role does not allow leaves the skill, or the role
 * changes. The FIS experiment role is held to the FIS actions the prepare skill builds templates from.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  FIS_ACTION_PERMISSIONS,
  FIS_SSM_DOCUMENT_PREFIX,
  FIS_SUPPORTED_ACTIONS,
  FIS_TARGET_TAG,
} from '../../deploy/lib/fis-contract.ts';
import {
  READ_ONLY_ASSESSMENT_ACTIONS,
  SECRET_BEARING_READS,
} from '../../deploy/lib/policies/read-only-assessment.ts';
import { isRead } from '../../deploy/test/helpers/iam.ts';
import {
  actionInCatalogue,
  DEFAULT_KEY_POLICY,
  evaluate,
  identityPoliciesOf,
  principalOf,
  resolveIntrinsics,
  SIM_ENV,
  sampleResources,
} from '../../deploy/test/helpers/iam-eval.ts';
import { logicalId, synth } from '../../deploy/test/helpers/synth.ts';
import { SKILLS } from '../../src/core/skills.ts';
import { awsCommandsOf, FOR_HUMANS, findAwsCommands } from '../../src/doctor/skill-actions.ts';
import { deniedCommands } from './helpers/iam-contract.ts';
import { fisIds } from './lint.ts';
import { loadAllSkills, loadSkill } from './load.ts';

const s = synth();
afterAll(() => s.cleanup());
const { json } = s;
const harnessId = logicalId(json, 'AWS::IAM::Role', 'HarnessExecutionRole');
const fisId = logicalId(json, 'AWS::IAM::Role', 'FisExperimentRole');
const harness = identityPoliciesOf(json, harnessId);
const harnessPrincipal = principalOf(json, harnessId);
const fisRole = identityPoliciesOf(json, fisId);
const fisPrincipal = principalOf(json, fisId);
const fisRoleArn = String(resolveIntrinsics({ 'Fn::GetAtt': [fisId, 'Arn'] }, json));
const { partition: P, region: R, account: A } = SIM_ENV;

const skills = loadAllSkills();
const commands = skills.flatMap((k) =>
  awsCommandsOf(k.files).map((c) => ({ ...c, where: `${k.name}/${c.file}` })),
);
const agentCommands = commands.filter((c) => !(`aws ${c.service} ${c.op}` in FOR_HUMANS));

describe('every AWS CLI command in the skills', () => {
  it('is found in every skill (the extraction works)', () => {
    expect(new Set(commands.map((c) => `${c.service} ${c.op}`)).size).toBeGreaterThan(60);
    for (const k of skills)
      expect(
        commands.some((c) => c.where.startsWith(`${k.name}/`)),
        k.name,
      ).toBe(true);
  });

  it('is allowed for the harness execution role as synthesized, under a real IAM evaluator', async () => {
    const failures = await deniedCommands(agentCommands, harness, harnessPrincipal, fisRoleArn);
    expect(failures.map((f) => `${f.where}: ${f.command} → ${f.action}: ${f.problem}`)).toEqual([]);
  }, 60_000);

  it('commands handed to a human are ones the agent cannot run itself', async () => {
    const human = commands.filter((c) => `aws ${c.service} ${c.op}` in FOR_HUMANS);
    expect(human.length).toBeGreaterThan(0);
    const failures = await deniedCommands(human, harness, harnessPrincipal, fisRoleArn);
    expect(failures.length).toBe(human.length);
  });
});

describe('the contract check fails on a command the role does not allow', () => {
  it('reports a secret read, a write and a mistyped action', async () => {
    const text = [
      'aws secretsmanager get-secret-value --secret-id x',
      'aws ec2 run-instances --image-id ami-1',
      'aws lambda get-function-configuration --function-name f',
      'aws s3api get-bucket-encryption-policy --bucket b',
      'aws ec2 describe-instances --region "$R"',
    ].join('\n');
    const failures = await deniedCommands(
      findAwsCommands(text).map((c) => ({ ...c, where: 'fixture' })),
      harness,
      harnessPrincipal,
      fisRoleArn,
    );
    const found = new Set(failures.map((f) => `${f.action}: ${f.problem.split(' on ')[0]}`));
    expect([...found]).toEqual([
      'secretsmanager:GetSecretValue: ExplicitlyDenied',
      'ec2:RunInstances: ImplicitlyDenied',
      'lambda:GetFunctionConfiguration: ExplicitlyDenied',
      's3:GetBucketEncryptionPolicy: not an IAM action in the catalogue',
    ]);
  });
});

describe('another account (scripts/target-account.sh)', () => {
  const ROLES = [
    'arn:aws:iam::111122223333:role/AgentCoreSlackBotReadOnly',
    'arn:aws:iam::210987654321:role/OpsRead',
  ];
  const assumeCommands = agentCommands.filter((c) => c.service === 'sts' && c.op === 'assume-role');

  it('the skills assume roles only through the helper', () => {
    expect(assumeCommands.length).toBeGreaterThan(0);
    for (const c of assumeCommands) expect(c.where).toMatch(/\/scripts\/target-account\.sh$/);
  });

  it('the harness may assume each configured account’s role, and only with TARGET_ACCOUNTS set', async () => {
    const withAccounts = synth({ 'bot.TARGET_ACCOUNTS': `prod=111122223333,staging=${ROLES[1]}` });
    const id = logicalId(withAccounts.json, 'AWS::IAM::Role', 'HarnessExecutionRole');
    const policies = identityPoliciesOf(withAccounts.json, id);
    const principal = principalOf(withAccounts.json, id);
    withAccounts.cleanup();
    expect(await deniedCommands(assumeCommands, policies, principal, fisRoleArn, ROLES)).toEqual([]);
    // The default stack configures none: the same check against it fails for every role.
    const denied = await deniedCommands(assumeCommands, harness, harnessPrincipal, fisRoleArn, ROLES);
    expect(new Set(denied.map((f) => f.action))).toEqual(new Set(['sts:AssumeRole']));
    expect(denied.length).toBe(assumeCommands.length * ROLES.length);
  }, 60_000);
});

describe('the read-only policy does what its comment claims', () => {
  it('every allowed read is a real IAM action', async () => {
    const unknown: string[] = [];
    for (const a of READ_ONLY_ASSESSMENT_ACTIONS) {
      if (a.includes('*')) continue;
      if (!(await actionInCatalogue(a))) unknown.push(a);
    }
    expect(unknown).toEqual([]);
  });

  it.each(SECRET_BEARING_READS)('%s (returns secrets) is explicitly denied', async (action) => {
    expect(await actionInCatalogue(action)).toBe(true);
    const results = await evaluate(harness, harnessPrincipal, { action });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.decision, r.resource).toBe('ExplicitlyDenied');
  });

  it('object data, keys and private parameters are not readable; public AWS parameters are', async () => {
    const denied = [
      { action: 's3:GetObject' },
      { action: 'kms:Decrypt' },
      { action: 'ssm:GetParameter', resource: `arn:${P}:ssm:${R}:${A}:parameter/prod/db-password` },
      { action: 'ssm:GetParameters' },
      { action: 'ssm:GetParametersByPath' },
    ];
    for (const req of denied) {
      for (const r of await evaluate(harness, harnessPrincipal, req)) {
        expect(r.decision, `${req.action} ${r.resource}`).not.toBe('Allowed');
      }
    }
    const publicAmi = `arn:${P}:ssm:${R}:${A}:parameter/aws/service/eks/optimized-ami/1.31/amazon-linux-2023/x86_64/standard/recommended/image_id`;
    const [pub] = await evaluate(harness, harnessPrincipal, {
      action: 'ssm:GetParameter',
      resource: publicAmi,
    });
    expect(pub?.decision).toBe('Allowed');
  });

  it('log events stay readable (log analysis), but masked data cannot be unmasked', async () => {
    const group = `arn:${P}:logs:${R}:${A}:log-group:/aws/lambda/checkout`;
    for (const action of ['logs:StartQuery', 'logs:FilterLogEvents', 'logs:GetLogEvents']) {
      const [r] = await evaluate(harness, harnessPrincipal, { action, resource: `${group}:*` });
      expect(r?.decision, action).toBe('Allowed');
    }
    const [unmask] = await evaluate(harness, harnessPrincipal, {
      action: 'logs:Unmask',
      resource: `${group}:*`,
    });
    expect(unmask?.decision).toBe('ExplicitlyDenied');
  });
});

describe('FIS experiment role and the actions the prepare skill builds templates from', () => {
  const prepare = loadSkill(SKILLS.fisPrepare);
  const templateActions = [
    ...new Set(
      prepare.files.flatMap((f) => [...f.text.matchAll(/"actionId": "([^"]+)"/g)].map((m) => m[1]!)),
    ),
  ];
  const tagged = { [`aws:ResourceTag/${FIS_TARGET_TAG.key}`]: FIS_TARGET_TAG.value };

  it('the templates use only actions the deployed role supports', () => {
    expect(templateActions.length).toBeGreaterThan(0);
    for (const id of templateActions) expect(FIS_SUPPORTED_ACTIONS, id).toContain(id);
    for (const id of fisIds(prepare.files.map((f) => f.text).join('\n'))) {
      expect(id.split(':').length, id).toBe(3);
    }
  });

  it.each(FIS_SUPPORTED_ACTIONS.map((id) => [id, FIS_ACTION_PERMISSIONS[id]!] as const))(
    '%s: every permission is a catalogued action the role allows on tagged targets only',
    async (_id, perms) => {
      for (const action of perms) {
        expect(await actionInCatalogue(action), action).toBe(true);
        const resources =
          action === 'ssm:SendCommand'
            ? [
                `arn:${P}:ssm:${R}:${A}:document/${FIS_SSM_DOCUMENT_PREFIX}CPU-Stress`,
                `arn:${P}:ec2:${R}:${A}:instance/i-0abc`,
              ]
            : await sampleResources(action);
        for (const resource of resources) {
          const isDoc = resource.includes(':document/');
          if (action === 'kms:CreateGrant') {
            // Scoped to grants EC2 makes for its own volumes, not by the opt-in tag (keys are not targets).
            const viaEc2 = {
              'kms:ViaService': `ec2.${R}.amazonaws.com`,
              'kms:GrantIsForAWSResource': 'true',
            };
            const resourcePolicy = DEFAULT_KEY_POLICY;
            const [viaEc2Result] = await evaluate(fisRole, fisPrincipal, {
              action,
              resource,
              context: viaEc2,
              resourcePolicy,
            });
            expect(viaEc2Result?.decision, 'kms:CreateGrant via EC2').toBe('Allowed');
            const [direct] = await evaluate(fisRole, fisPrincipal, {
              action,
              resource,
              context: tagged,
              resourcePolicy,
            });
            expect(direct?.decision, 'kms:CreateGrant outside EC2').not.toBe('Allowed');
            continue;
          }
          const context = resource === '*' || isDoc ? {} : tagged;
          const [ok] = await evaluate(fisRole, fisPrincipal, { action, resource, context });
          expect(ok?.decision, `${action} on ${resource} (tagged)`).toBe('Allowed');
          // Reads resolve targets; the opt-in tag guards what the role may change.
          if (resource === '*' || isDoc || isRead(action)) continue;
          const [untagged] = await evaluate(fisRole, fisPrincipal, { action, resource });
          expect(untagged?.decision, `${action} on ${resource} (untagged)`).not.toBe('Allowed');
        }
      }
    },
  );

  it('may run only the AWS-owned FIS SSM documents', async () => {
    const [other] = await evaluate(fisRole, fisPrincipal, {
      action: 'ssm:SendCommand',
      resource: `arn:${P}:ssm:${R}:${A}:document/AWS-RunShellScript`,
    });
    expect(other?.decision).not.toBe('Allowed');
  });

  it('can deliver experiment logs to the deployed log group and no other', async () => {
    const lg = resolveIntrinsics(
      { 'Fn::GetAtt': [logicalId(json, 'AWS::Logs::LogGroup', 'FisExperimentLogs'), 'Arn'] },
      json,
    ) as string;
    expect(lg.endsWith(':*')).toBe(true);
    const stream = `${lg.slice(0, -2)}:log-stream:EXP123`;
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
      const [ok] = await evaluate(fisRole, fisPrincipal, { action, resource: stream });
      expect(ok?.decision, action).toBe('Allowed');
      const [other] = await evaluate(fisRole, fisPrincipal, {
        action,
        resource: `arn:${P}:logs:${R}:${A}:log-group:/other:log-stream:x`,
      });
      expect(other?.decision, action).not.toBe('Allowed');
    }
    const [delivery] = await evaluate(fisRole, fisPrincipal, { action: 'logs:CreateLogDelivery' });
    expect(delivery?.decision).toBe('Allowed');
  });

  it('can write experiment reports to the deployed report bucket under its prefix, and read dashboards for them', async () => {
    const bucket = resolveIntrinsics(
      { 'Fn::GetAtt': [logicalId(json, 'AWS::S3::Bucket', 'Reports'), 'Arn'] },
      json,
    ) as string;
    for (const action of ['s3:PutObject', 's3:GetObject']) {
      const [ok] = await evaluate(fisRole, fisPrincipal, {
        action,
        resource: `${bucket}/fis-reports/checkout/EXP123/report.pdf`,
      });
      expect(ok?.decision, action).toBe('Allowed');
      const [outside] = await evaluate(fisRole, fisPrincipal, { action, resource: `${bucket}/other/x` });
      expect(outside?.decision, `${action} outside the prefix`).not.toBe('Allowed');
      const [other] = await evaluate(fisRole, fisPrincipal, {
        action,
        resource: 'arn:aws:s3:::someone-elses-bucket/fis-reports/x',
      });
      expect(other?.decision, `${action} in another bucket`).not.toBe('Allowed');
    }
    const [dashboard] = await evaluate(fisRole, fisPrincipal, {
      action: 'cloudwatch:GetDashboard',
      resource: `arn:${P}:cloudwatch::${A}:dashboard/checkout`,
    });
    expect(dashboard?.decision).toBe('Allowed');
    const [widget] = await evaluate(fisRole, fisPrincipal, { action: 'cloudwatch:GetMetricWidgetImage' });
    expect(widget?.decision).toBe('Allowed');
  });
});
