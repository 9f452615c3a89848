/**
 * The bot's view of an experiment's targets beyond their tags: their descriptions (what FIS's target
 * `filters` paths point into, and where the Availability Zone comes from) and whether they are healthy
 * again after the experiment. No SDK types here; src/adapters/ec2.ts implements both ports for EC2
 * (and Spot) instances, rds.ts for RDS DB instances and clusters, autoscaling.ts for Auto Scaling
 * groups, eks-nodegroups.ts for EKS managed node groups, lambda.ts for Lambda functions; ecs.ts reads ECS
 * tasks' health. A resource type no port covers is said to be "not checked", never assumed healthy.
 */

/** One target resource after the experiment. */
export interface TargetHealth {
  arn: string;
  healthy: boolean;
  /** What the service says, in a few words ("running, status checks ok", "stopped", "does not exist"). */
  state: string;
}

export interface TargetHealthPort {
  /** Whether this port can read the health of this FIS resource type (e.g. `aws:ec2:instance`). */
  checksHealthOf(resourceType: string): boolean;
  /**
   * Each resource's health; `parameters` are the target's FIS parameters (an ECS task target may name its
   * cluster and service there instead of listing tasks). An empty answer means nothing could be listed.
   */
  health(
    region: string,
    resourceType: string,
    arns: readonly string[],
    parameters?: Readonly<Record<string, string>>,
  ): Promise<TargetHealth[]>;
}

/**
 * How several ports make one: each resource type goes to the first port that covers it, so the
 * order the ports are given in decides when two cover the same type. Shared by healthOf and
 * descriptionsOf so both combine ports the same way.
 */
function firstCovering<P>(
  ports: readonly P[],
  covers: (port: P, resourceType: string) => boolean,
): (resourceType: string) => P | undefined {
  return (resourceType) => ports.find((p) => covers(p, resourceType));
}

/** One port over several, each asked about the resource types it checks. */
export function healthOf(...ports: TargetHealthPort[]): TargetHealthPort {
  const portFor = firstCovering(ports, (p, t) => p.checksHealthOf(t));
  return {
    checksHealthOf: (t) => portFor(t) !== undefined,
    health: (region, t, arns, parameters) => portFor(t)!.health(region, t, arns, parameters),
  };
}

export interface ResourceDescriptionPort {
  /** Whether this port can read descriptions of this FIS resource type. */
  describes(resourceType: string): boolean;
  /**
   * Each resource's description as the service's Describe API returns it (the document FIS evaluates a
   * filter `path` against, e.g. `State.Name`), by ARN. A resource that no longer exists is absent.
   */
  describe(
    region: string,
    resourceType: string,
    arns: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>>;
  /**
   * The Availability Zone in a description of this type, when it has one; several for a resource that spans
   * them (a Multi-AZ DB instance, a DB cluster), each counted in the blast radius.
   */
  availabilityZone(resourceType: string, description: Record<string, unknown>): string | string[] | undefined;
  /**
   * The ARNs of the resources of this type carrying every one of these tags, through the service's own API,
   * for types the tagging API does not list (its GetResources returns no Auto Scaling groups); undefined when
   * this port does not resolve this type by tags.
   */
  findByTags?(
    region: string,
    resourceType: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<string[] | undefined>;
}

/** One port over several, each asked about the resource types it describes. */
export function descriptionsOf(...ports: ResourceDescriptionPort[]): ResourceDescriptionPort {
  const portFor = firstCovering(ports, (p, t) => p.describes(t));
  return {
    describes: (t) => portFor(t) !== undefined,
    describe: (region, t, arns) => portFor(t)!.describe(region, t, arns),
    availabilityZone: (t, d) => portFor(t)?.availabilityZone(t, d),
    findByTags: async (region, t, tags) => portFor(t)?.findByTags?.(region, t, tags),
  };
}

/**
 * Resource types whose health the bot can never read, with why (said in the verdict instead of the
 * generic "no health check").
 */
const UNREADABLE: Record<string, string> = {
  'aws:eks:pod':
    "Kubernetes pods are read through the cluster's Kubernetes API, which the bot has no access to; check the pods with kubectl",
};

export class TargetReadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The service answered and refused (a client error), as opposed to no answer or a server fault. */
    readonly refused = false,
  ) {
    super(message);
    this.name = 'TargetReadError';
  }
}

/** What a recovery check of the targets found. */
export interface TargetsVerdict {
  /** Resources read and healthy. */
  healthy: number;
  /** `target: resource (state)` for each resource not healthy. */
  unhealthy: string[];
  /** Targets whose health the bot cannot read, with why. */
  notChecked: string[];
}

/** The targets the recovery watch reads: each resolved target and its pool, as approved. */
export interface WatchedTarget {
  name: string;
  resourceType: string;
  arns: string[];
  /** The target's FIS parameters, when it has any. */
  parameters?: Record<string, string>;
}

/** Reads every checkable target's health; unreadable types are listed as not checked. */
export async function checkTargets(
  port: TargetHealthPort | undefined,
  region: string,
  targets: readonly WatchedTarget[],
): Promise<TargetsVerdict> {
  const out: TargetsVerdict = { healthy: 0, unhealthy: [], notChecked: [] };
  for (const t of targets) {
    if (!port?.checksHealthOf(t.resourceType)) {
      const why = UNREADABLE[t.resourceType] ?? 'the bot has no health check for this type';
      out.notChecked.push(`\`${t.name}\` (${t.resourceType}: ${why})`);
      continue;
    }
    const found = await port.health(region, t.resourceType, t.arns, t.parameters);
    if (found.length === 0) {
      out.notChecked.push(`\`${t.name}\` (the bot could not list its resources)`);
      continue;
    }
    for (const h of found) {
      if (h.healthy) out.healthy++;
      else out.unhealthy.push(`\`${t.name}\`: \`${shortId(h.arn)}\` ${h.state}`);
    }
  }
  return out;
}

function shortId(arn: string): string {
  // An EKS node group's ARN ends in a UUID; its cluster and name say which one it is.
  const nodegroup = /:nodegroup\/([^/]+\/[^/]+)\/[^/]+$/.exec(arn)?.[1];
  if (nodegroup) return nodegroup;
  const rest = arn.split(':').slice(5).join(':');
  return rest.split('/').at(-1) || rest;
}
