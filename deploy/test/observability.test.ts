/**
 * Observability the stack sets up: Transaction Search (opt-in: it is one setting per account and Region) with the
 * CloudWatch Logs resource policy X-Ray needs, and a retention on every harness runtime's log group that works
 * whether or not AgentCore created the group first.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { buildApp } from '../lib/app.ts';
import { acknowledgeNagFindings, nagFindings } from '../lib/nag.ts';
import { readSettings, SettingsError } from '../lib/settings.ts';
import { evaluate, identityPoliciesOf, principalOf, resolveIntrinsics, SIM_ENV } from './helpers/iam-eval.ts';
import { type CfnTemplate, logicalId, synth } from './helpers/synth.ts';

type Resource = CfnTemplate['Resources'][string];
const requireCjs = createRequire(import.meta.url);
const ofType = (json: CfnTemplate, type: string): Array<[string, Resource]> =>
  Object.entries(json.Resources).filter(([, r]) => r.Type === type);

describe('Transaction Search', () => {
  it('is off by default: the account-wide setting is left to whoever owns it', () => {
    const s = synth();
    expect(ofType(s.json, 'AWS::XRay::TransactionSearchConfig')).toEqual([]);
    expect(ofType(s.json, 'AWS::Logs::ResourcePolicy')).toEqual([]);
    s.cleanup();
  });

  it('transactionSearch=on enables it after the logs resource policy X-Ray writes spans with', () => {
    const s = synth({ transactionSearch: 'on', transactionSearchIndexingPercent: '5' });
    const json = s.json;
    s.cleanup();
    const [[policyId, policy]] = ofType(json, 'AWS::Logs::ResourcePolicy') as [[string, Resource]];
    const [[, config]] = ofType(json, 'AWS::XRay::TransactionSearchConfig') as [[string, Resource]];
    expect(config.Properties).toEqual({ IndexingPercentage: 5 });
    expect(config.DependsOn).toContain(policyId);
    const doc = JSON.parse(String(resolveIntrinsics(policy.Properties!.PolicyDocument, json))) as {
      Statement: Array<Record<string, unknown>>;
    };
    expect(doc.Statement).toEqual([
      {
        Sid: 'TransactionSearchXRayAccess',
        Effect: 'Allow',
        Principal: { Service: 'xray.amazonaws.com' },
        Action: 'logs:PutLogEvents',
        Resource: [
          expect.stringMatching(/^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:aws\/spans:\*$/),
          expect.stringMatching(
            /^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:\/aws\/application-signals\/data:\*$/,
          ),
        ],
        Condition: {
          ArnLike: { 'aws:SourceArn': expect.stringMatching(/^arn:aws:xray:[a-z0-9-]+:\d{12}:\*$/) },
          StringEquals: { 'aws:SourceAccount': expect.stringMatching(/^\d{12}$/) },
        },
      },
    ]);
    // Resource policies are per account and Region: a second stack must not collide on the name.
    expect(resolveIntrinsics(policy.Properties!.PolicyName, json)).toBe(
      'AgentCoreSlackBot-TransactionSearch',
    );
  });

  it('adds no unjustified cdk-nag finding', () => {
    const { stack } = buildApp({ context: { transactionSearch: 'on' } });
    acknowledgeNagFindings(stack);
    expect(nagFindings(stack).map((f) => `${f.rule} at ${f.path}`)).toEqual([]);
  });

  it('refuses values X-Ray does not take', () => {
    const problems = (ctx: Record<string, string>) => {
      try {
        readSettings((k) => ctx[k], Object.keys(ctx));
        return '';
      } catch (e) {
        return e instanceof SettingsError ? e.problems.join('\n') : String(e);
      }
    };
    expect(problems({ transactionSearch: 'yes' })).toMatch(/transactionSearch must be one of on, off/);
    expect(problems({ transactionSearch: 'on', transactionSearchIndexingPercent: '101' })).toMatch(
      /transactionSearchIndexingPercent must be an integer from 0 to 100/,
    );
    expect(problems({ transactionSearchIndexingPercent: '5' })).toMatch(
      /transactionSearchIndexingPercent only applies to transactionSearch=on/,
    );
  });
});

describe('harness runtime log groups', () => {
  const s = synth({
    logRetentionDays: '14',
    harnesses: JSON.stringify([{ id: 'cost', commands: ['/cost'], tools: [] }]),
  });
  const json = s.json;
  s.cleanup();
  const harnessIds = ofType(json, 'AWS::BedrockAgentCore::Harness').map(([id]) => id);

  it('no fixed-name log group the stack would fail to create when AgentCore made it first', () => {
    for (const [, r] of ofType(json, 'AWS::Logs::LogGroup'))
      expect(JSON.stringify(r.Properties?.LogGroupName ?? '')).not.toContain('bedrock-agentcore');
  });

  it('every harness’s DEFAULT-endpoint group gets the retention through CDK’s LogRetention', () => {
    const retentions = ofType(json, 'Custom::LogRetention').map(([, r]) => r.Properties!);
    expect(harnessIds).toHaveLength(2);
    for (const id of harnessIds) {
      const mine = retentions.find((p) => JSON.stringify(p.LogGroupName).includes(id));
      expect(mine, id).toBeDefined();
      expect(mine!.LogGroupName).toEqual({
        'Fn::Join': [
          '',
          [
            '/aws/bedrock-agentcore/runtimes/',
            { 'Fn::GetAtt': [id, 'Environment.AgentCoreRuntimeEnvironment.AgentRuntimeId'] },
            '-DEFAULT',
          ],
        ],
      });
      expect(mine!.RetentionInDays).toBe(14);
      // Kept on destroy: the group holds AgentCore's logs, not only the stack's.
      expect(mine!.RemovalPolicy).toBeUndefined();
    }
  });

  it('its function may set retention on runtime log groups only, not on other log groups', async () => {
    const roleId = logicalId(json, 'AWS::IAM::Role', 'HarnessRuntimeLogsRole');
    const d = async (action: string, name: string) =>
      (
        await evaluate(identityPoliciesOf(json, roleId), principalOf(json, roleId), {
          action,
          resource: `arn:aws:logs:${SIM_ENV.region}:${SIM_ENV.account}:log-group:${name}`,
        })
      )[0]!.decision;
    const runtime = '/aws/bedrock-agentcore/runtimes/slack_ops_agent-AbCdEf1234-DEFAULT';
    expect(await d('logs:CreateLogGroup', runtime)).toBe('Allowed');
    expect(await d('logs:PutRetentionPolicy', runtime)).toBe('Allowed');
    expect(await d('logs:PutRetentionPolicy', '/ecs/payments')).not.toBe('Allowed');
    expect(await d('logs:DeleteLogGroup', runtime)).not.toBe('Allowed');
  });
});

/**
 * The custom resource's handler is CDK's own (aws-cdk-lib's log-retention-handler), run here against a CloudWatch
 * Logs stand-in that answers like the service: the group already exists (AgentCore made it) or not yet.
 */
describe('CDK’s LogRetention handler, where AgentCore made the group first or not', () => {
  async function runHandler(exists: boolean) {
    const calls: Array<{ op: string; body: Record<string, unknown> }> = [];
    const groups = new Set<string>(exists ? ['/aws/bedrock-agentcore/runtimes/h-AbCdEf1234-DEFAULT'] : []);
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const op = String(req.headers['x-amz-target']).replace('Logs_20140328.', '');
        const body = JSON.parse(raw || '{}') as { logGroupName?: string; retentionInDays?: number };
        calls.push({ op, body });
        const fail = (type: string, message: string) => {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: type, message }));
        };
        if (!body.logGroupName) return fail('InvalidParameterException', 'logGroupName is required');
        if (op === 'CreateLogGroup') {
          if (groups.has(body.logGroupName))
            return fail('ResourceAlreadyExistsException', 'The specified log group already exists');
          groups.add(body.logGroupName);
        } else if (op === 'PutRetentionPolicy') {
          if (!groups.has(body.logGroupName))
            return fail('ResourceNotFoundException', 'The specified log group does not exist.');
        } else return fail('UnknownOperationException', op);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_REGION: 'us-east-1',
    });
    // The handler answers CloudFormation with an HTTPS PUT to the pre-signed ResponseURL: capture it.
    const sent: string[] = [];
    const quiet = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const https = requireCjs('node:https') as typeof import('node:https');
    const original = https.request;
    https.request = ((_opts: unknown, done: () => void) => {
      const fake = new PassThrough();
      fake.on('data', (c) => sent.push(String(c)));
      fake.on('finish', () => done());
      return fake;
    }) as unknown as typeof https.request;
    try {
      const handler = requireCjs(
        join(
          import.meta.dirname,
          '../../node_modules/aws-cdk-lib/custom-resource-handlers/dist/aws-logs/log-retention-handler/index.js',
        ),
      ) as { handler: (e: unknown, c: unknown) => Promise<void>; disableSleepForTesting: () => void };
      handler.disableSleepForTesting();
      await handler.handler(
        {
          RequestType: 'Create',
          ResponseURL: 'https://cloudformation-custom-resource-response.example/x',
          StackId: 'stack',
          RequestId: 'r1',
          LogicalResourceId: 'HarnessRuntimeLogRetention',
          ResourceProperties: {
            LogGroupName: '/aws/bedrock-agentcore/runtimes/h-AbCdEf1234-DEFAULT',
            LogGroupRegion: 'us-east-1',
            RetentionInDays: '14',
          },
        },
        { functionName: 'LogRetentionFn' },
      );
    } finally {
      https.request = original;
      quiet.mockRestore();
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      server.close();
    }
    return { calls, response: JSON.parse(sent.join('')) as { Status: string; Reason: string } };
  }

  it.each([
    ['already exists (AgentCore created it)', true],
    ['does not exist yet', false],
  ])('the group %s: retention set, CloudFormation told SUCCESS', async (_n, exists) => {
    const { calls, response } = await runHandler(exists);
    expect(response.Status, response.Reason).toBe('SUCCESS');
    expect(calls).toContainEqual({
      op: 'PutRetentionPolicy',
      body: { logGroupName: '/aws/bedrock-agentcore/runtimes/h-AbCdEf1234-DEFAULT', retentionInDays: 14 },
    });
  });
});
