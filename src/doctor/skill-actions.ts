/**
 * From skill text to IAM: finds every AWS CLI command a skill runs or tells the agent to run, and maps
 * each to the IAM actions AWS checks for it. The mapping is the CLI's own rule (operation name in
 * PascalCase under the service's IAM prefix) plus the exceptions listed below; the contract test
 * (test/skills/iam-contract.test.ts) checks every resulting action against the IAM catalogue, so a
 * wrong mapping fails instead of passing. The doctor asks IAM's policy simulator about the same list,
 * for the harness role as actually deployed: one list for both.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** One file of a skill: its path inside the skill folder (forward slashes) and its text. */
export interface SkillFile {
  rel: string;
  text: string;
}

export interface AwsCommand {
  /** CLI service name as typed (`s3api`, `elbv2`, `logs`). */
  service: string;
  /** CLI operation as typed (`describe-instances`, or `ls` for `aws s3 ls`). */
  op: string;
  /** The command text from `aws` to the end of the line (continuations joined). */
  text: string;
}

/** CLI service name → IAM service prefix, where they differ. */
const IAM_PREFIX: Record<string, string> = {
  s3api: 's3',
  s3: 's3',
  elbv2: 'elasticloadbalancing',
  elb: 'elasticloadbalancing',
  configservice: 'config',
  deploy: 'codedeploy',
  resourcegroupstaggingapi: 'tag',
  opensearch: 'es',
  es: 'es',
  'service-quotas': 'servicequotas',
  amp: 'aps',
  'application-autoscaling': 'application-autoscaling',
  'compute-optimizer': 'compute-optimizer',
};

/** CLI commands whose IAM action is not the PascalCase of the operation (from the S3 and EKS docs). */
const OP_EXCEPTIONS: Record<string, readonly string[]> = {
  's3api get-bucket-encryption': ['s3:GetEncryptionConfiguration'],
  's3api get-bucket-lifecycle-configuration': ['s3:GetLifecycleConfiguration'],
  's3api get-bucket-replication': ['s3:GetReplicationConfiguration'],
  's3api get-public-access-block': ['s3:GetBucketPublicAccessBlock'],
  's3api get-bucket-policy-status': ['s3:GetBucketPolicyStatus'],
  's3api list-objects-v2': ['s3:ListBucket'],
  's3api head-object': ['s3:GetObject'],
  's3api get-object': ['s3:GetObject'],
  // update-kubeconfig reads the cluster endpoint and CA, then writes a local file.
  'eks update-kubeconfig': ['eks:DescribeCluster'],
  // get-token presigns an sts:GetCallerIdentity URL locally; the cluster checks it, no IAM action is needed.
  'eks get-token': [],
};

/** `aws s3 <command>` high-level forms: the IAM actions each needs (bucket listing vs object transfer). */
function s3HighLevel(op: string, text: string): readonly string[] {
  const args = text.split(/\s+/).slice(3);
  const uris = args.filter((a) => /^["']?s3:\/\//.test(a));
  switch (op) {
    case 'ls':
      return uris.length === 0 ? ['s3:ListAllMyBuckets'] : ['s3:ListBucket'];
    case 'cp':
    case 'sync':
    case 'mv': {
      const actions = new Set<string>();
      const [src, dst] = args.filter((a) => !a.startsWith('-'));
      if (src?.startsWith('s3://')) actions.add('s3:GetObject').add('s3:ListBucket');
      if (dst?.startsWith('s3://')) actions.add('s3:PutObject');
      if (op === 'mv' && src?.startsWith('s3://')) actions.add('s3:DeleteObject');
      return [...actions];
    }
    case 'rm':
      return ['s3:DeleteObject'];
    case 'mb':
      return ['s3:CreateBucket'];
    case 'rb':
      return ['s3:DeleteBucket'];
    case 'presign':
      return ['s3:GetObject'];
    default:
      return [`s3:UNKNOWN-high-level-${op}`];
  }
}

/** Commands that call no AWS API at all. */
const LOCAL_ONLY_SERVICES = new Set(['configure', 'help']);

const pascal = (op: string) => op.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());

/** The IAM actions AWS authorizes for one CLI command. */
export function iamActionsFor(cmd: AwsCommand): readonly string[] {
  const key = `${cmd.service} ${cmd.op}`;
  if (key in OP_EXCEPTIONS) return OP_EXCEPTIONS[key]!;
  if (cmd.service === 's3') return s3HighLevel(cmd.op, cmd.text);
  const prefix = IAM_PREFIX[cmd.service] ?? cmd.service;
  // `aws <svc> wait <condition>` polls the matching describe call; none of our skills uses it yet.
  return [`${prefix}:${pascal(cmd.op)}`];
}

/**
 * Every `aws <service> <operation>` in a text (global options before the service allowed), skipping
 * wildcard mentions such as `describe-*`, local-only commands and `aws <service> help`.
 */
export function findAwsCommands(text: string): AwsCommand[] {
  const joined = text.replace(/\\\r?\n\s*/g, ' ');
  const re = /\baws((?:\s+--[a-z-]+(?:[ =](?!-)\S+)?)*)\s+([a-z0-9-]+)\s+([a-z0-9-]+)(\*?)([^\n`]*)/g;
  const out: AwsCommand[] = [];
  for (const m of joined.matchAll(re)) {
    const service = m[2]!;
    const op = m[3]!;
    if (m[4] === '*' || op.endsWith('-')) continue;
    if (LOCAL_ONLY_SERVICES.has(service) || op === 'help') continue;
    out.push({ service, op, text: `aws ${service} ${op}${m[5] ?? ''}`.trim() });
  }
  return out;
}

/** Every AWS CLI command in every file of a skill, with the file it came from. */
export function awsCommandsOf(files: readonly SkillFile[]): (AwsCommand & { file: string })[] {
  return files.flatMap((f) => findAwsCommands(f.text).map((c) => ({ ...c, file: f.rel })));
}

/** Every text file of every skill folder under `dir` (the repository's skills/), by skill name. */
export function readSkillFiles(dir: string): Array<{ name: string; files: SkillFile[] }> {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
  return readdirSync(dir)
    .filter((e) => statSync(join(dir, e)).isDirectory())
    .sort()
    .map((name) => ({
      name,
      files: walk(join(dir, name)).map((full) => ({
        rel: relative(join(dir, name), full).split(sep).join('/'),
        text: readFileSync(full, 'utf8'),
      })),
    }));
}

/** A request as IAM authorizes it: the action, on a resource, with the request's condition context. */
export interface ActionRequest {
  action: string;
  /** Undefined: any resource the action applies to (reads the role allows on "*"). */
  resource?: string;
  context?: Record<string, string | string[]>;
}

export interface RequestEnv {
  partition: string;
  region: string;
  account: string;
  /** The FIS experiment role templates name (passed to FIS). */
  fisRoleArn: string;
  /** The tag every template and alarm the agent creates carries. */
  templateTag: { key: string; value: string };
  /** The name prefix the role allows for the stop-condition alarms the agent creates (FIS_ALARM_PREFIX). */
  alarmPrefix?: string;
  /** The read-only roles in other accounts the agent may assume (TARGET_ACCOUNTS); none: none may be. */
  targetRoleArns?: readonly string[];
}

/**
 * How AWS authorizes one of the skills' actions: which resources, which request context, and which other
 * action it needs (iam:PassRole for a template's role). Reads: the action alone.
 */
export function requestsFor(action: string, env: RequestEnv): ActionRequest[] {
  const { partition: P, region: R, account: A, templateTag } = env;
  const requestTags = {
    [`aws:RequestTag/${templateTag.key}`]: templateTag.value,
    'aws:TagKeys': [templateTag.key, 'hypothesis-id'],
  };
  const template = `arn:${P}:fis:${R}:${A}:experiment-template/EXTexample`;
  const passRole: ActionRequest = {
    action: 'iam:PassRole',
    resource: env.fisRoleArn,
    context: { 'iam:PassedToService': 'fis.amazonaws.com' },
  };
  switch (action) {
    case 'fis:CreateExperimentTemplate':
      return [
        { action, resource: `arn:${P}:fis:${R}:${A}:action/aws:ec2:stop-instances` },
        { action, resource: template, context: requestTags },
        passRole,
      ];
    case 'fis:UpdateExperimentTemplate':
      return [
        {
          action,
          resource: template,
          context: { [`aws:ResourceTag/${templateTag.key}`]: templateTag.value },
        },
        passRole,
      ];
    case 'fis:TagResource':
      return [{ action, resource: template, context: requestTags }];
    case 'cloudwatch:PutMetricAlarm':
    case 'cloudwatch:TagResource':
      return [
        {
          action,
          resource: `arn:${P}:cloudwatch:${R}:${A}:alarm:${env.alarmPrefix ?? 'fis-stop-'}h1-alb-5xx`,
          context: requestTags,
        },
      ];
    case 'sts:AssumeRole':
      // Only the configured accounts' roles (scripts/target-account.sh); with none configured nothing is assumed.
      return (env.targetRoleArns ?? []).map((resource) => ({ action, resource }));
    default:
      return [{ action }];
  }
}

/** Commands a skill hands to a human with the reason; the agent's role must NOT allow them. */
export const FOR_HUMANS: Record<string, string> = {
  'aws fis update-safety-lever-state': 'engaging the lever is for a human with FIS administrator rights',
};

/**
 * The requests the agent needs allowed: every AWS CLI command in the skills (except those handed to a
 * human), mapped to IAM actions and their requests, each once.
 */
export function skillRequests(
  skills: ReadonlyArray<{ name: string; files: readonly SkillFile[] }>,
  env: RequestEnv,
): Array<ActionRequest & { where: string }> {
  const seen = new Map<string, ActionRequest & { where: string }>();
  for (const skill of skills) {
    for (const cmd of awsCommandsOf(skill.files)) {
      if (`aws ${cmd.service} ${cmd.op}` in FOR_HUMANS) continue;
      for (const action of iamActionsFor(cmd))
        for (const req of requestsFor(action, env)) {
          const key = JSON.stringify(req);
          if (!seen.has(key)) seen.set(key, { ...req, where: `${skill.name}/${cmd.file}` });
        }
    }
  }
  return [...seen.values()];
}
