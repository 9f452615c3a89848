/** ARN pieces the checks need: the harness ARN's partition, region and account, role names. */
import { HARNESS_ARN } from '../config-schema.ts';

export interface ArnEnv {
  partition: string;
  region: string;
  account: string;
}

export function harnessEnv(harnessArn: string): ArnEnv {
  const m = HARNESS_ARN.exec(harnessArn);
  const partition = /^arn:(aws[a-z-]*):/.exec(harnessArn)?.[1] ?? 'aws';
  return { partition, region: m?.[2] ?? 'us-east-1', account: m?.[3] ?? '000000000000' };
}

/** `arn:…:iam::A:role/path/Name` → `Name`. */
export function roleName(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** An assumed-role session ARN (what the SDK reports for a task role) → the role's ARN; others unchanged. */
export function roleOfCaller(arn: string): string | undefined {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (m) return `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`;
  return /^arn:[^:]+:iam::\d{12}:role\//.test(arn) ? arn : undefined;
}

/** `123.dkr.ecr.us-west-2.amazonaws.com/repo:tag` → the repository's ARN. */
export function ecrRepositoryArn(containerUri: string, partition: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(containerUri);
  return m ? `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}
