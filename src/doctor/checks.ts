/**
 * Every check, in the order the doctor prints them. Adding a check is adding it here; `quick` ones also
 * run at startup (src/bot.ts).
 */
import { type Check, type Outcome, skip, warn } from './check.ts';
import { EKS_CHECKS, OBSERVABILITY_CHECKS } from './checks-eks-observability.ts';
import { FIS_CHECKS } from './checks-fis.ts';
import { HARNESS_CHECKS } from './checks-harness.ts';
import { IAM_CHECKS } from './checks-iam.ts';
import { SLACK_CHECKS } from './checks-slack.ts';
import { TABLE_CHECKS, tableReachable } from './checks-table.ts';
import { type DoctorContext, Prerequisite } from './context.ts';
import { AwsProbeError } from './ports.ts';

export const DOCTOR_CHECKS: readonly Check<DoctorContext>[] = [
  ...SLACK_CHECKS,
  ...HARNESS_CHECKS,
  ...IAM_CHECKS,
  ...TABLE_CHECKS,
  ...FIS_CHECKS,
  ...EKS_CHECKS,
  ...OBSERVABILITY_CHECKS,
];

/** The startup self-check: the token and the store, before any traffic. */
export const QUICK_CHECKS: readonly Check<DoctorContext>[] = [
  ...DOCTOR_CHECKS.filter((c) => c.quick),
  tableReachable,
];

/** The IAM actions the doctor's own calls need (the read-only policy to run it with, see deploy/README.md). */
export const DOCTOR_ACTIONS = [
  'bedrock-agentcore:GetHarness',
  'bedrock:GetInferenceProfile',
  'bedrock:GetFoundationModel',
  'iam:SimulatePrincipalPolicy',
  'iam:GetRole',
  'dynamodb:DescribeTable',
  'dynamodb:DescribeTimeToLive',
  'dynamodb:DescribeContinuousBackups',
  'logs:DescribeLogGroups',
  'eks:ListAccessEntries',
  'eks:ListAssociatedAccessPolicies',
  'xray:GetTraceSegmentDestination',
] as const;

/** A check that could not look: a missing prerequisite, a refused call (said plainly), or an error. */
export function explain(err: unknown): Outcome {
  if (err instanceof Prerequisite) return skip(err.reason);
  if (err instanceof AwsProbeError && err.accessDenied)
    return warn(
      `could not check: the doctor's credentials may not call ${err.action} (${err.code})`,
      `run the doctor with credentials allowed ${DOCTOR_ACTIONS.join(', ')} (deploy/README.md → The doctor)`,
    );
  if (err instanceof AwsProbeError)
    return {
      status: 'FAIL',
      found: `${err.action} failed: ${err.code === 'Error' ? '' : `${err.code}: `}${err.message}`,
      fix: 'check AWS credentials, AWS_REGION and network access, then run the doctor again',
    };
  const e = err as { name?: string; message?: string };
  return {
    status: 'FAIL',
    found: `the check failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`,
    fix: 'check AWS credentials, AWS_REGION and network access, then run the doctor again',
  };
}
