/**
 * The doctor's control-plane stand-in: its state (what the account holds), its calls, and the errors
 * each operation may answer, exactly as the SDK models list them.
 */
import type { PolicyDocument } from './iam-authorizer.ts';

export interface RoleRecord {
  arn: string;
  trust: unknown;
  policies: PolicyDocument[];
}

export interface TableRecord {
  /** DescribeTable's `Table`, as DynamoDB returns it. */
  table: Record<string, unknown>;
  ttl: { TimeToLiveStatus: string; AttributeName?: string };
  pitr: 'ENABLED' | 'DISABLED';
}

export interface ControlPlaneState {
  account: string;
  /** Who the credentials are (sts:GetCallerIdentity). */
  callerArn: string;
  /** GetHarness's `harness`, by harness id (name-suffix). */
  harnesses: Map<string, Record<string, unknown>>;
  /** GetInferenceProfile answers by `<region>/<id>`. */
  inferenceProfiles: Map<string, Record<string, unknown>>;
  /** GetFoundationModel's `modelDetails` by `<region>/<modelId>`. */
  foundationModels: Map<string, Record<string, unknown>>;
  roles: Map<string, RoleRecord>;
  tables: Map<string, TableRecord>;
  /** Log groups by `<region>/<name>`. */
  logGroups: Map<string, { retentionInDays?: number }>;
  /** EKS clusters by `<region>/<name>`: principal ARN → associated access policies. */
  clusters: Map<
    string,
    Map<string, Array<{ policyArn: string; accessScope: { type: string; namespaces?: string[] } }>>
  >;
  /** X-Ray trace segment destination by region (default: XRay, ACTIVE). */
  traceDestinations: Map<string, { Destination: string; Status: string }>;
}

export interface ControlPlaneCall {
  service: string;
  op: string;
  region: string;
}

export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The errors each operation may answer, by the SDK's name for them: exactly the ones its model lists
 * (`@throws` in the SDK's command declarations; test/doctor/aws-control-plane-contract.test.ts holds them
 * to it). Access denied is AWS's common error for every operation and is not listed.
 */
export const MODELLED_ERRORS: Record<string, { client: string; errors: readonly string[] }> = {
  GetHarness: {
    client: 'client-bedrock-agentcore-control',
    errors: ['ResourceNotFoundException', 'ValidationException'],
  },
  GetInferenceProfile: { client: 'client-bedrock', errors: ['ResourceNotFoundException'] },
  GetFoundationModel: { client: 'client-bedrock', errors: ['ResourceNotFoundException'] },
  ListAccessEntries: { client: 'client-eks', errors: ['ResourceNotFoundException'] },
  ListAssociatedAccessPolicies: { client: 'client-eks', errors: ['ResourceNotFoundException'] },
  GetTraceSegmentDestination: { client: 'client-xray', errors: [] },
  DescribeTable: { client: 'client-dynamodb', errors: ['ResourceNotFoundException'] },
  DescribeTimeToLive: { client: 'client-dynamodb', errors: ['ResourceNotFoundException'] },
  DescribeContinuousBackups: { client: 'client-dynamodb', errors: ['TableNotFoundException'] },
  DescribeLogGroups: { client: 'client-cloudwatch-logs', errors: [] },
  GetRole: { client: 'client-iam', errors: ['NoSuchEntityException'] },
  SimulatePrincipalPolicy: {
    client: 'client-iam',
    errors: ['NoSuchEntityException', 'InvalidInputException'],
  },
  GetCallerIdentity: { client: 'client-sts', errors: [] },
};

/** A modelled error of `op` (query services put the name without "Exception" on the wire). */
export function modelled(op: string, name: string, message: string): ServiceError {
  if (!MODELLED_ERRORS[op]?.errors.includes(name)) throw new Error(`${op} does not model ${name}`);
  const wire = op === 'GetRole' || op === 'SimulatePrincipalPolicy' ? name.replace(/Exception$/, '') : name;
  return new ServiceError(wire === 'NoSuchEntity' ? 404 : 400, wire, message);
}

export function required(v: string | null | undefined, name: string): string {
  if (!v)
    throw new ServiceError(
      400,
      'ValidationException',
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  return v;
}
