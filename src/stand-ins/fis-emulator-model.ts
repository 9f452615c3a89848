/**
 * The FIS emulator's data: templates and experiments as the FIS API shapes them (see the SDK model in
 * node_modules/@aws-sdk/client-fis), one store per region (FIS ids exist only in their region), and
 * the fault hooks tests use to make FIS fail the ways it really can.
 */

export interface FisTarget {
  resourceType: string;
  resourceArns?: string[];
  resourceTags?: Record<string, string>;
  filters?: Array<{ path: string; values: string[] }>;
  selectionMode: string;
  parameters?: Record<string, string>;
}

export interface FisAction {
  actionId: string;
  description?: string;
  parameters?: Record<string, string>;
  targets?: Record<string, string>;
  startAfter?: string[];
}

export interface FisTemplateRecord {
  id: string;
  description?: string;
  targets: Record<string, FisTarget>;
  actions: Record<string, FisAction>;
  stopConditions: Array<{ source: string; value?: string }>;
  roleArn: string;
  tags?: Record<string, string>;
  logConfiguration?: Record<string, unknown>;
  experimentOptions?: Record<string, string>;
  creationTime?: number;
  lastUpdateTime?: number;
}

/** ExperimentError: set when an experiment has failed (API reference: ExperimentState.error). */
export interface FisExperimentError {
  code: string;
  location?: string;
  accountId?: string;
}

export interface FisExperimentRecord {
  id: string;
  experimentTemplateId: string;
  clientToken: string;
  state: { status: string; reason?: string; error?: FisExperimentError };
  tags: Record<string, string>;
  creationTime: number;
  startTime: number;
  endTime?: number;
  roleArn: string;
  /** What FIS started: the template's definition copied at start (as GetExperiment returns it). */
  targets: Record<string, FisTarget>;
  actions: Record<string, FisAction & { state?: { status: string; reason?: string } }>;
  stopConditions: Array<{ source: string; value?: string }>;
  logConfiguration?: Record<string, unknown>;
  experimentOptions?: Record<string, string>;
  region: string;
}

/** An error FIS returns: the modeled exception name and its HTTP status (from the Smithy model). */
export interface FisFault {
  status: number;
  type: string;
  message?: string;
}

/**
 * What happens to the next StartExperiment call(s). Real FIS keeps handling a request it received
 * even if the caller goes away, and clientToken makes a repeated call return the same experiment.
 */
export interface StartFault {
  /** Hold the request this long (ms) before answering… */
  delayMs?: number;
  /** …or until this settles. */
  until?: Promise<unknown>;
  /** Create the experiment on receipt, before the hold (FIS has it while the caller waits or dies). */
  createFirst?: boolean;
  /** If the caller disconnected during the hold, create nothing (the request never got past the front door). */
  abandonIfCallerGone?: boolean;
  /** Runs just before the experiment is created (e.g., the template is edited in that instant). */
  beforeCreate?: () => void;
  /** Create the experiment, then answer with this error instead of it: the reply is lost. */
  replyError?: FisFault;
  /**
   * Answer with `replyError` (a 5xx by default) at once, and create the experiment only this long (ms)
   * afterwards: FIS finishing a request late, after the caller already looked for it and found nothing.
   */
  createLateMs?: number;
  /** Refuse the start; nothing is created. */
  refuse?: FisFault;
  /** How many calls this applies to (default 1; Infinity: every call). */
  times?: number;
  /** Called when a call this fault applies to arrives. */
  onCall?: () => void;
  /** Called when the caller of a held call disconnects before the answer. */
  onCallerGone?: () => void;
}

/** How the next experiment ends, instead of running to completion. */
export interface ExperimentOutcome {
  status: 'failed' | 'cancelled';
  reason: string;
  error?: FisExperimentError;
  /** failed after running this long (ms); by default it fails while initiating. */
  afterRunningMs?: number;
}

/** TargetAccountConfigurationSummary: one account a multi-account template acts in. */
export interface FisTargetAccountRecord {
  accountId: string;
  roleArn: string;
  description?: string;
}

export class RegionStore {
  readonly templates = new Map<string, FisTemplateRecord>();
  /** Target account configurations per template id (CreateTargetAccountConfiguration). */
  readonly targetAccounts = new Map<string, FisTargetAccountRecord[]>();
  readonly experiments = new Map<string, FisExperimentRecord>();
}

export const ENDED = new Set(['completed', 'stopped', 'failed', 'cancelled']);

/** The experiment as GetExperiment returns it (the client token is never returned). */
export function experimentView(e: FisExperimentRecord, arn: string): Record<string, unknown> {
  const { clientToken: _c, region: _r, ...rest } = e;
  return { ...rest, arn };
}

/** ExperimentSummary, as ListExperiments returns it. */
export function experimentSummary(e: FisExperimentRecord, arn: string): Record<string, unknown> {
  return {
    id: e.id,
    arn,
    experimentTemplateId: e.experimentTemplateId,
    state: e.state,
    creationTime: e.creationTime,
    tags: e.tags,
    ...(e.experimentOptions ? { experimentOptions: e.experimentOptions } : {}),
  };
}

/** The region a SigV4-signed request was signed for: `Credential=AKID/date/REGION/fis/aws4_request`. */
export function signedRegion(
  authorization: string | undefined,
): { region: string; service: string } | undefined {
  const m = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(authorization ?? '');
  return m ? { region: m[1]!, service: m[2]! } : undefined;
}

/** A realistic template: stop one EC2 instance of a tagged ASG for 5 minutes, guarded by an alarm. */
export function sampleTemplate(id = 'EXT1a2b3c4d5e6f7', overrides: Partial<FisTemplateRecord> = {}) {
  return {
    id,
    description: 'Stop one checkout instance in one AZ for 5 minutes',
    targets: {
      checkoutInstances: {
        resourceType: 'aws:ec2:instance',
        resourceTags: { app: 'checkout' },
        filters: [{ path: 'Placement.AvailabilityZone', values: ['us-east-1a'] }],
        selectionMode: 'COUNT(1)',
      },
    },
    actions: {
      stopInstances: {
        actionId: 'aws:ec2:stop-instances',
        description: 'Stop the selected instance',
        parameters: { startInstancesAfterDuration: 'PT5M' },
        targets: { Instances: 'checkoutInstances' },
      },
    },
    stopConditions: [
      {
        source: 'aws:cloudwatch:alarm',
        value: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-5xx',
      },
    ],
    roleArn: 'arn:aws:iam::123456789012:role/fis-experiment-role',
    tags: { Name: 'checkout-az-stop' },
    experimentOptions: { accountTargeting: 'single-account', emptyTargetResolutionMode: 'fail' },
    ...overrides,
  };
}
