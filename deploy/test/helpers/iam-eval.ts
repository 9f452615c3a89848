/**
 * IAM as deployed: the identity policies of a role exactly as `deploy/` synthesizes them, with their
 * CloudFormation intrinsics resolved to concrete ARNs, evaluated by a real IAM policy evaluator
 * (src/stand-ins/iam-authorizer.ts). Shared by the contract tests (bot task role, harness execution
 * role) and by the end-to-end tests that run the bot under the deployed role.
 */
import { evaluate, type PolicyDocument } from '../../../src/stand-ins/iam-authorizer.ts';
import { type Statement, statementsByRole } from './iam.ts';
import { type CfnTemplate, logicalId, synth } from './synth.ts';

export interface Deployment {
  partition: string;
  region: string;
  account: string;
  /** Concrete values for `Fn::GetAtt` of resources, by resource type and attribute, e.g. `AWS::DynamoDB::Table.Arn`. */
  attributes: Record<string, string>;
}

export const TEST_DEPLOYMENT: Deployment = {
  partition: 'aws',
  region: 'us-east-1',
  account: '123456789012',
  attributes: {
    'AWS::BedrockAgentCore::Harness.Arn':
      'arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/opsagent-AbCdEf1234',
    'AWS::DynamoDB::Table.Arn': 'arn:aws:dynamodb:us-east-1:123456789012:table/AgentCoreSlackBot-Sessions',
  },
};

let cached: CfnTemplate | undefined;

/** The synthesized template (synthesized once per test process: it takes seconds). */
export function synthesizedTemplate(): CfnTemplate {
  if (!cached) {
    const s = synth();
    cached = s.json;
    s.cleanup();
  }
  return cached;
}

/** Resolves Ref, Fn::GetAtt, Fn::Join and Fn::Sub against a deployment; unknown references throw. */
export function resolveIntrinsics(value: unknown, json: CfnTemplate, d: Deployment): unknown {
  const pseudo: Record<string, string> = {
    'AWS::Partition': d.partition,
    'AWS::Region': d.region,
    'AWS::AccountId': d.account,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const getAtt = (id: string, attr: string): string => {
    const type = json.Resources[id]?.Type;
    const v = d.attributes[`${type}.${attr}`];
    if (v === undefined) throw new Error(`no value for Fn::GetAtt ${id}.${attr} (${type})`);
    return v;
  };
  const ref = (name: string): string => {
    if (pseudo[name]) return pseudo[name];
    const type = json.Resources[name]?.Type;
    const v = d.attributes[`${type}.Ref`];
    if (v === undefined) throw new Error(`no value for Ref ${name} (${type})`);
    return v;
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if ('Ref' in o) return ref(o.Ref as string);
    if ('Fn::GetAtt' in o) {
      const [id, attr] = o['Fn::GetAtt'] as [string, string];
      return getAtt(id, attr);
    }
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(walk(p))).join(sep);
    }
    if ('Fn::Sub' in o) {
      return (o['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_, name: string) =>
        name.includes('.') ? getAtt(name.split('.')[0]!, name.split('.')[1]!) : ref(name),
      );
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
  };
  return walk(value);
}

/** The identity policy of the role whose logical id contains `hint`, resolved for the deployment. */
export function rolePolicy(hint: string, d: Deployment = TEST_DEPLOYMENT): PolicyDocument {
  const json = synthesizedTemplate();
  const id = logicalId(json, 'AWS::IAM::Role', hint);
  const statements = statementsByRole(json).get(id) ?? [];
  return {
    Version: '2012-10-17',
    Statement: resolveIntrinsics(statements, json, d) as Statement[],
  };
}

/** The bot's ECS task role as deployed. */
export function botTaskRolePolicy(d: Deployment = TEST_DEPLOYMENT): PolicyDocument {
  return rolePolicy('BotTaskRole', d);
}

/** The caller ARN AWS names in an AccessDenied message for a role's session. */
export function assumedRoleArn(role: string, d: Deployment = TEST_DEPLOYMENT): string {
  return `arn:${d.partition}:sts::${d.account}:assumed-role/${role}/session`;
}

/** Evaluates one action on one resource against a policy (throws for actions IAM does not have). */
export async function decide(
  policy: PolicyDocument,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
  d: Deployment = TEST_DEPLOYMENT,
): Promise<'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'> {
  return evaluate({ policies: [policy], accountId: d.account }, { action, resource, context });
}
