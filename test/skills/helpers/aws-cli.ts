/**
 * From skill text to IAM: finds every AWS CLI command a skill runs or tells the agent to run, and maps
 * each to the IAM actions AWS checks for it. The mapping is the CLI's own rule (operation name in
 * PascalCase under the service's IAM prefix) plus the exceptions listed below; the contract test checks
 * every resulting action against the IAM catalogue, so a wrong mapping fails instead of passing.
 */
import type { SkillFile } from '../load.ts';

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
