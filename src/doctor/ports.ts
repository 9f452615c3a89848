/**
 * What the doctor asks Slack and AWS, in its own plain types (no SDK types): the adapters in
 * slack-probe.ts and aws-probe.ts answer these from the real services, the tests from the stand-ins.
 */

export interface SlackIdentity {
  team: string;
  teamId: string;
  user: string;
  userId: string;
  /** Present for bot tokens only. */
  botId?: string;
  /** The scopes Slack reports granted (the x-oauth-scopes header of every call). */
  scopes: string[] | undefined;
}

export type ChannelAccess = 'member' | 'not_in_channel' | 'channel_not_found' | { error: string };
export type PrincipalLookup = 'found' | 'deactivated' | 'not_found' | { error: string };

export interface SlackProbe {
  /** auth.test; throws SlackProbeError with Slack's error code. */
  identity(): Promise<SlackIdentity>;
  /** Socket Mode: whether the app-level token opens a connection URL (apps.connections.open). */
  appToken(): Promise<'ok' | { error: string }>;
  /** Whether the bot can read the channel (it is a member): conversations.history with limit 1. */
  channel(id: string): Promise<ChannelAccess>;
  user(id: string): Promise<PrincipalLookup>;
  userGroup(id: string): Promise<PrincipalLookup>;
}

export class SlackProbeError extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = 'SlackProbeError';
  }
}

export interface HarnessInfo {
  arn: string;
  status: string;
  failureReason?: string;
  executionRoleArn: string;
  /** Bedrock model id (inference profile id or ARN, or a foundation model id); undefined for other providers. */
  bedrockModelId?: string;
  /** Paths of the skills configured as filesystem paths. */
  skillPaths: string[];
  /** lifecycleConfiguration.idleRuntimeSessionTimeout, when set. */
  idleRuntimeSessionTimeout?: number;
  containerUri?: string;
  agentRuntimeId?: string;
  environmentVariables: Record<string, string>;
}

export interface InferenceProfileInfo {
  id: string;
  arn: string;
  status: string;
  /** ARNs of the foundation models it routes to (one per region). */
  modelArns: string[];
}

export interface FoundationModelInfo {
  id: string;
  /** ACTIVE or LEGACY. */
  lifecycle: string;
  inferenceTypes: string[];
}

export interface SimulationRequest {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface SimulationResult extends SimulationRequest {
  decision: 'allowed' | 'explicitDeny' | 'implicitDeny';
}

export interface TableInfo {
  status: string;
  keys: Array<{ name: string; type: 'HASH' | 'RANGE'; attributeType?: string }>;
  indexes: Array<{ name: string; status?: string; keys: Array<{ name: string; type: 'HASH' | 'RANGE' }> }>;
}

export interface LogGroupInfo {
  name: string;
  retentionDays?: number;
}

export interface AccessEntryInfo {
  principalArn: string;
  policies: Array<{ policyArn: string; scope: string; namespaces?: string[] }>;
}

export interface DoctorAws {
  /** The ARN the doctor's own credentials act as (sts:GetCallerIdentity). */
  callerArn(): Promise<string>;
  harness(arn: string): Promise<HarnessInfo>;
  inferenceProfile(id: string, region: string): Promise<InferenceProfileInfo>;
  foundationModel(id: string, region: string): Promise<FoundationModelInfo>;
  simulate(principalArn: string, requests: SimulationRequest[]): Promise<SimulationResult[]>;
  /** The role's trust policy (decoded JSON). */
  roleTrust(roleName: string): Promise<unknown>;
  table(name: string): Promise<TableInfo>;
  tableTtl(name: string): Promise<{ attribute?: string; status: string }>;
  tablePitr(name: string): Promise<string>;
  logGroups(prefix: string, region: string): Promise<LogGroupInfo[]>;
  /** The cluster's access entry for a principal, or undefined when it has none. */
  accessEntry(cluster: string, region: string, principalArn: string): Promise<AccessEntryInfo | undefined>;
  /** X-Ray trace segment destination (Transaction Search: CloudWatchLogs and ACTIVE). */
  traceDestination(region: string): Promise<{ destination: string; status: string }>;
}

/** An AWS error the doctor explains: which IAM action was refused, or what was not found. */
export class AwsProbeError extends Error {
  constructor(
    readonly code: string,
    /** The IAM action of the call that failed. */
    readonly action: string,
    message: string,
  ) {
    super(message);
    this.name = 'AwsProbeError';
  }

  get accessDenied(): boolean {
    return /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(this.code);
  }

  get notFound(): boolean {
    return /NotFound|NoSuchEntity/i.test(this.code);
  }
}
