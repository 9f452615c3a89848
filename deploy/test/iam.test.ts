/** IAM is least privilege by construction: checked on every policy statement of the synthesized template. */
import { afterAll, describe, expect, it } from 'vitest';
import {
  FIS_ACTION_PERMISSIONS,
  FIS_LOGGING_PERMISSIONS,
  FIS_REPORT_PERMISSIONS,
  FIS_REPORT_PREFIX,
  FIS_SSM_DOCUMENT_PREFIX,
} from '../lib/fis-contract.ts';
import { READ_ONLY_ASSESSMENT_ACTIONS } from '../lib/policies/read-only-assessment.ts';
import {
  actionMatches,
  allows,
  allStatements,
  asArray,
  isRead,
  type Statement,
  statementsByRole,
} from './helpers/iam.ts';
import { logicalId, synth } from './helpers/synth.ts';

const s = synth();
afterAll(() => s.cleanup());
const { json } = s;
const byRole = statementsByRole(json);
const roleId = (hint: string) => logicalId(json, 'AWS::IAM::Role', hint);
const policiesOf = (hint: string): Statement[] => byRole.get(roleId(hint)) ?? [];
const harnessArn = { 'Fn::GetAtt': [logicalId(json, 'AWS::BedrockAgentCore::Harness', 'Harness'), 'Arn'] };
const fisRoleArn = { 'Fn::GetAtt': [roleId('FisExperimentRole'), 'Arn'] };
const trustOf = (hint: string) =>
  (json.Resources[roleId(hint)]!.Properties!.AssumeRolePolicyDocument as { Statement: Statement[] })
    .Statement;

/**
 * Writes that IAM cannot scope to a resource ARN, each with its reason. Any other write on "*" fails the test.
 */
const UNSCOPED_WRITES_ALLOWED: Record<string, string> = {
  'ecr:GetAuthorizationToken': 'registry login; no resource-level permission (from repository.grantPull)',
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions',
  'xray:GetSamplingRules': 'X-Ray has no resource-level permissions',
  'xray:GetSamplingTargets': 'X-Ray has no resource-level permissions',
  'cloudwatch:PutMetricData': 'scoped by the cloudwatch:namespace condition instead',
  'ssm:CancelCommand': 'FIS cancels its own stress commands; no resource ARN',
  'logs:CreateLogDelivery': 'experiment logging: log deliveries have no resource-level permissions',
  'logs:PutResourcePolicy': 'experiment logging: FIS sets the log group resource policy; no resource ARN',
};

/** IAM writes: the harness role has none (it uses the pre-created FIS experiment role). */
const IAM_WRITES = [
  'iam:CreateRole',
  'iam:PutRolePolicy',
  'iam:AttachRolePolicy',
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:TagRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:CreateServiceLinkedRole',
];

describe('harness execution role', () => {
  const statements = policiesOf('HarnessExecutionRole');

  it('cannot start FIS experiments: no allow matches fis:StartExperiment, and it is explicitly denied', () => {
    expect(statements.length).toBeGreaterThan(0);
    expect(allows(statements, 'fis:StartExperiment')).toBe(false);
    const deny = statements.find(
      (x) => x.Effect === 'Deny' && asArray(x.Action).includes('fis:StartExperiment'),
    );
    expect(deny?.Resource).toBe('*');
  });

  it('is trusted only by bedrock-agentcore with source-account and source-ARN conditions', () => {
    const trust = trustOf('HarnessExecutionRole');
    expect(trust).toHaveLength(1);
    expect(trust[0]!.Principal).toEqual({ Service: 'bedrock-agentcore.amazonaws.com' });
    expect(trust[0]!.Condition?.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(JSON.stringify(trust[0]!.Condition?.ArnLike?.['aws:SourceArn'])).toContain(':harness/*');
  });

  it('may pass only the FIS experiment role, and only to FIS', () => {
    const passes = allStatements(json).filter((x) =>
      asArray(x.Action).some((a) => actionMatches(a, 'iam:PassRole')),
    );
    expect(passes).toHaveLength(1);
    expect(policiesOf('HarnessExecutionRole')).toContain(passes[0]);
    expect(passes[0]!.Resource).toEqual(fisRoleArn);
    expect(passes[0]!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'fis.amazonaws.com' } });
  });

  it('invokes only the configured inference profile and its foundation model', () => {
    const invoke = statements.filter((x) => asArray(x.Action).some((a) => a.startsWith('bedrock:Invoke')));
    expect(invoke).toHaveLength(1);
    expect(asArray(invoke[0]!.Action).sort()).toEqual([
      'bedrock:InvokeModel',
      'bedrock:InvokeModelWithResponseStream',
    ]);
    const resources = JSON.stringify(invoke[0]!.Resource);
    expect(resources).toContain(':inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(resources).toContain('::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(asArray(invoke[0]!.Resource)).toHaveLength(2);
    expect(asArray(invoke[0]!.Resource)).not.toContain('*');
  });

  it('pulls its image, writes logs and traces, and reads for assessments', () => {
    for (const a of [
      'ecr:BatchGetImage',
      'ecr:GetDownloadUrlForLayer',
      'logs:PutLogEvents',
      'xray:PutTraceSegments',
    ]) {
      expect(allows(statements, a), a).toBe(true);
    }
    for (const a of READ_ONLY_ASSESSMENT_ACTIONS) expect(isRead(a), a).toBe(true);
    for (const a of [
      'eks:DescribeCluster',
      'ec2:DescribeInstances',
      'logs:FilterLogEvents',
      'fis:GetExperiment',
    ]) {
      expect(allows(statements, a), a).toBe(true);
    }
  });

  it('creates FIS templates and alarms only with the managed-by tag, and cannot delete them', () => {
    const tagged = statements.filter((x) =>
      asArray(x.Action).some((a) =>
        ['fis:CreateExperimentTemplate', 'cloudwatch:PutMetricAlarm'].includes(a),
      ),
    );
    const templateCreate = tagged.find((x) => JSON.stringify(x.Resource).includes('experiment-template/*'));
    expect(templateCreate?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/managed-by': 'agentcore-slack-bot' },
    });
    const alarm = tagged.find(
      (x) => x.Effect === 'Allow' && asArray(x.Action).includes('cloudwatch:PutMetricAlarm'),
    );
    // Tagged, and without alarm actions (deploy/test/iam-tightened.test.ts evaluates both).
    expect(alarm?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/managed-by': 'agentcore-slack-bot' },
      Null: { 'cloudwatch:AlarmActions': 'true' },
    });
    for (const a of [
      'fis:DeleteExperimentTemplate',
      'cloudwatch:DeleteAlarms',
      'iam:CreateRole',
      'eks:DeleteCluster',
    ]) {
      expect(allows(statements, a), a).toBe(false);
    }
  });
});

describe('harness execution role and the FIS skills', () => {
  const statements = policiesOf('HarnessExecutionRole');

  it('has no IAM write permission at all: templates use the pre-created FIS experiment role', () => {
    for (const a of IAM_WRITES) expect(allows(statements, a), a).toBe(false);
    const iamAllowed = statements
      .filter((x) => x.Effect === 'Allow')
      .flatMap((x) => asArray(x.Action))
      .filter((a) => a.startsWith('iam:'));
    for (const a of iamAllowed) expect(a === 'iam:PassRole' || isRead(a), a).toBe(true);
  });

  it('may stop experiments in this account and Region (stopping is never gated), but never start them', () => {
    const stop = statements.filter(
      (x) => x.Effect === 'Allow' && asArray(x.Action).includes('fis:StopExperiment'),
    );
    expect(stop).toHaveLength(1);
    expect(JSON.stringify(stop[0]!.Resource)).toContain(':experiment/*');
    expect(JSON.stringify(stop[0]!.Resource)).not.toContain('experiment-template');
    expect(allows(statements, 'fis:StartExperiment')).toBe(false);
  });
});

describe('bot task role', () => {
  const statements = policiesOf('BotTaskRole');

  it('can call this harness only: every bedrock-agentcore action is scoped to the harness ARN and its DEFAULT endpoint', () => {
    const agentcore = statements.filter((x) =>
      asArray(x.Action).some((a) => a.startsWith('bedrock-agentcore:')),
    );
    expect(agentcore).toHaveLength(1);
    expect(asArray(agentcore[0]!.Action).sort()).toEqual([
      'bedrock-agentcore:InvokeAgentRuntime',
      'bedrock-agentcore:InvokeAgentRuntimeCommand',
      'bedrock-agentcore:InvokeHarness',
      'bedrock-agentcore:StopRuntimeSession',
    ]);
    expect(agentcore[0]!.Resource).toEqual([
      harnessArn,
      { 'Fn::Join': ['', [harnessArn, '/harness-endpoint/DEFAULT']] },
    ]);
  });

  const tableArn = { 'Fn::GetAtt': [logicalId(json, 'AWS::DynamoDB::Table', 'Sessions'), 'Arn'] };
  const indexArn = { 'Fn::Join': ['', [tableArn, '/index/*']] };

  it("uses its own table (and that table's indexes) only", () => {
    const dynamo = statements.filter((x) => asArray(x.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const st of dynamo) {
      for (const r of asArray(st.Resource)) {
        expect([
          JSON.stringify(tableArn),
          JSON.stringify(indexArn),
          JSON.stringify({ Ref: 'AWS::NoValue' }),
        ]).toContain(JSON.stringify(r));
      }
    }
    expect(allows(statements, 'dynamodb:PutItem')).toBe(true);
    expect(allows(statements, 'dynamodb:DeleteTable')).toBe(false);
  });

  it('may Query the sparse index gsi1 (pending approvals, running experiments)', () => {
    const onIndex = statements.filter(
      (x) =>
        x.Effect === 'Allow' &&
        asArray(x.Resource).some((r) => JSON.stringify(r) === JSON.stringify(indexArn)),
    );
    expect(onIndex.length).toBeGreaterThan(0);
    expect(allows(onIndex, 'dynamodb:Query')).toBe(true);
  });

  it('cannot start experiments itself (the start-only role does, per approval); can stop and read them', () => {
    for (const a of ['fis:StopExperiment', 'fis:GetExperiment', 'fis:GetExperimentTemplate']) {
      expect(allows(statements, a), a).toBe(true);
    }
    expect(allows(statements, 'fis:StartExperiment')).toBe(false);
    for (const a of ['fis:CreateExperimentTemplate', 'iam:PassRole', 'bedrock:InvokeModel']) {
      expect(allows(statements, a), a).toBe(false);
    }
  });

  it('the start-only role starts experiments only from managed-by templates', () => {
    const start = policiesOf('FisStartRole');
    const startOnTemplates = start.filter(
      (x) =>
        asArray(x.Action).includes('fis:StartExperiment') &&
        JSON.stringify(x.Resource).includes('experiment-template'),
    );
    expect(startOnTemplates).toHaveLength(1);
    expect(startOnTemplates[0]!.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/managed-by': 'agentcore-slack-bot' },
    });
  });
});

describe('FIS experiment role', () => {
  it('is trusted only by fis.amazonaws.com with confused-deputy conditions', () => {
    const trust = trustOf('FisExperimentRole');
    expect(trust).toHaveLength(1);
    expect(trust[0]!.Principal).toEqual({ Service: 'fis.amazonaws.com' });
    expect(trust[0]!.Condition?.StringEquals?.['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
    expect(JSON.stringify(trust[0]!.Condition?.ArnLike?.['aws:SourceArn'])).toContain(':experiment/*');
  });

  it('disrupts only resources that opted in with the target tag', () => {
    const disruptive = [
      'ec2:StopInstances',
      'ec2:TerminateInstances',
      'rds:RebootDBInstance',
      'ecs:StopTask',
    ];
    const statements = policiesOf('FisExperimentRole');
    for (const action of disruptive) {
      const granting = statements.filter((x) => x.Effect === 'Allow' && asArray(x.Action).includes(action));
      expect(granting.length, action).toBeGreaterThan(0);
      for (const st of granting) {
        expect(st.Condition, action).toEqual({ StringEquals: { 'aws:ResourceTag/fis-allowed': 'true' } });
      }
    }
    expect(allows(statements, 'fis:StartExperiment')).toBe(false);
  });

  it('grants every permission of each FIS action the skills may use (FIS_ACTION_PERMISSIONS)', () => {
    const statements = policiesOf('FisExperimentRole');
    for (const [fisAction, permissions] of Object.entries(FIS_ACTION_PERMISSIONS)) {
      for (const p of permissions) expect(allows(statements, p), `${fisAction} needs ${p}`).toBe(true);
    }
    const ssmDocs = statements.find((x) => x.Sid === 'RunOnlyAwsFisSsmDocuments');
    expect(JSON.stringify(ssmDocs?.Resource)).toContain(`:document/${FIS_SSM_DOCUMENT_PREFIX}*`);
  });

  it('grants nothing disruptive that no supported FIS action needs', () => {
    // Experiment logging is not disruption: delivery setup plus writes to the one experiment log group.
    const needed = new Set<string>([
      ...Object.values(FIS_ACTION_PERMISSIONS).flat(),
      ...FIS_LOGGING_PERMISSIONS,
      ...FIS_REPORT_PERMISSIONS,
    ]);
    const granted = policiesOf('FisExperimentRole')
      .filter((x) => x.Effect === 'Allow')
      .flatMap((x) => asArray(x.Action))
      .filter((a) => !isRead(a) && a !== 'tag:GetResources');
    expect(granted.length).toBeGreaterThan(0);
    for (const a of granted) expect(needed.has(a), `${a} is not needed by a supported action`).toBe(true);
  });
});

describe('experiment logging', () => {
  it('lets the FIS experiment role write to the experiment log group only', () => {
    const writes = policiesOf('FisExperimentRole').filter(
      (x) => x.Effect === 'Allow' && asArray(x.Action).includes('logs:PutLogEvents'),
    );
    expect(writes).toHaveLength(1);
    for (const r of asArray(writes[0]!.Resource)) expect(JSON.stringify(r)).toContain('FisExperimentLogs');
  });
});

describe('experiment reports', () => {
  const bucketId = logicalId(json, 'AWS::S3::Bucket', 'Reports');
  const bucket = json.Resources[bucketId]!.Properties as Record<string, unknown>;

  it('the report bucket is encrypted, private, TLS-only and expires reports', () => {
    expect(JSON.stringify(bucket.BucketEncryption)).toContain('AES256');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const rules = (bucket.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
    expect(rules.some((r) => typeof r.ExpirationInDays === 'number')).toBe(true);
    const policy = Object.values(json.Resources).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && JSON.stringify(r.Properties).includes(bucketId),
    );
    expect(JSON.stringify(policy?.Properties)).toContain('"aws:SecureTransport":"false"');
  });

  it('lets the experiment role write and read reports under the prefix only, and read dashboards', () => {
    const statements = policiesOf('FisExperimentRole');
    for (const p of FIS_REPORT_PERMISSIONS) expect(allows(statements, p), p).toBe(true);
    const s3 = statements.filter((x) => x.Effect === 'Allow' && asArray(x.Action).includes('s3:PutObject'));
    expect(s3).toHaveLength(1);
    const resources = JSON.stringify(s3[0]!.Resource);
    expect(resources).toContain(bucketId);
    expect(resources).toContain(`/${FIS_REPORT_PREFIX}*`);
  });

  it('tells the agent the bucket (FIS_REPORT_BUCKET in the harness environment)', () => {
    const harness = Object.values(json.Resources).find((r) => r.Type === 'AWS::BedrockAgentCore::Harness');
    expect(JSON.stringify(harness?.Properties)).toMatch(/"FIS_REPORT_BUCKET":\{"Ref":"[^"]*Reports/);
  });
});

describe('every policy in the stack', () => {
  const statements = allStatements(json).filter((x) => x.Effect === 'Allow');

  it('has no full or service-wide wildcard action', () => {
    expect(statements.length).toBeGreaterThan(10);
    for (const st of statements) {
      for (const a of asArray(st.Action)) {
        expect(a).not.toBe('*');
        expect(a).not.toMatch(/^[\w-]+:\*$/);
      }
    }
  });

  it('uses wildcards only to complete read verbs (Describe*, List*, Get*), never on write APIs', () => {
    for (const st of statements) {
      for (const a of asArray(st.Action).filter((x) => x.includes('*') || x.includes('?'))) {
        expect(a.split(':')[1], a).toMatch(/^(Describe|List|Get|BatchGet)[A-Za-z]*\*$/);
      }
    }
  });

  it('scopes every write to resources, except the few APIs IAM cannot scope', () => {
    for (const st of statements) {
      if (!asArray(st.Resource).includes('*')) continue;
      for (const a of asArray(st.Action).filter((x) => !isRead(x))) {
        expect(UNSCOPED_WRITES_ALLOWED, `${a} on "*" (${st.Sid ?? 'no sid'})`).toHaveProperty([a]);
      }
    }
  });
});
