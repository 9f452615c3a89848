/**
 * EC2 instance targets (aws:ec2:instance, aws:ec2:spot-instance) over @aws-sdk/client-ec2: their
 * descriptions from DescribeInstances (what FIS evaluates a target filter's `path` against, and their
 * Availability Zone) and their health from DescribeInstanceStatus (running, both status checks ok).
 * One client per region. EC2 fails a whole call when one id no longer exists, so such a call is
 * repeated per instance to tell which ones are gone.
 */
import type { EC2Client, InstanceStatus } from '@aws-sdk/client-ec2';
import {
  type ResourceDescriptionPort,
  type TargetHealth,
  type TargetHealthPort,
  TargetReadError,
} from '../core/target-health.ts';
import { type AwsTarget, type LazyClients, lazyRegionalClients } from './regional-clients.ts';

/** The EC2 package, loaded on the first call (regional-clients.ts): most bots never make one. */
const loadSdk = () => import('@aws-sdk/client-ec2');

const INSTANCE_TYPES = new Set(['aws:ec2:instance', 'aws:ec2:spot-instance']);
/** DescribeInstanceStatus takes at most 100 explicit ids (DescribeInstances as many, same page). */
const PAGE = 100;

export class AwsEc2Targets implements ResourceDescriptionPort, TargetHealthPort {
  private readonly client: LazyClients<Awaited<ReturnType<typeof loadSdk>>, EC2Client>;

  constructor(o: AwsTarget = {}) {
    this.client = lazyRegionalClients(loadSdk, (sdk, config) => new sdk.EC2Client(config), o);
  }

  describes(resourceType: string): boolean {
    return INSTANCE_TYPES.has(resourceType);
  }

  checksHealthOf(resourceType: string): boolean {
    return INSTANCE_TYPES.has(resourceType);
  }

  availabilityZone(_resourceType: string, d: Record<string, unknown>): string | undefined {
    const p = d.Placement as { AvailabilityZone?: unknown } | undefined;
    return typeof p?.AvailabilityZone === 'string' ? p.AvailabilityZone : undefined;
  }

  async describe(
    region: string,
    resourceType: string,
    arns: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const byId = instanceIds(arns);
    const out = new Map<string, Record<string, unknown>>();
    // The tagging API lists every instance as `ec2:instance`; a Spot target holds only Spot Instances.
    const spotOnly = resourceType === 'aws:ec2:spot-instance';
    await this.perExisting(region, [...byId.keys()], async (ids) => {
      const page = await this.client(region, (client, sdk) =>
        client.send(new sdk.DescribeInstancesCommand({ InstanceIds: ids })),
      );
      for (const r of page.Reservations ?? [])
        for (const i of r.Instances ?? [])
          if (i.InstanceId && byId.has(i.InstanceId) && (!spotOnly || i.InstanceLifecycle === 'spot'))
            out.set(byId.get(i.InstanceId)!, i as unknown as Record<string, unknown>);
    });
    return out;
  }

  async health(region: string, _resourceType: string, arns: readonly string[]): Promise<TargetHealth[]> {
    const byId = instanceIds(arns);
    const seen = new Map<string, InstanceStatus>();
    const gone = await this.perExisting(region, [...byId.keys()], async (ids) => {
      const page = await this.client(region, (client, sdk) =>
        client.send(new sdk.DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true })),
      );
      for (const s of page.InstanceStatuses ?? []) if (s.InstanceId) seen.set(s.InstanceId, s);
    });
    return [...byId.entries()].map(([id, arn]) => {
      if (gone.has(id)) return { arn, healthy: false, state: 'does not exist any more' };
      const s = seen.get(id);
      if (!s) return { arn, healthy: false, state: 'not reported by EC2' };
      const state = s.InstanceState?.Name ?? 'unknown';
      if (state !== 'running') return { arn, healthy: false, state };
      const inst = s.InstanceStatus?.Status ?? 'unknown';
      const sys = s.SystemStatus?.Status ?? 'unknown';
      const healthy = inst === 'ok' && sys === 'ok';
      return {
        arn,
        healthy,
        state: healthy ? 'running, status checks ok' : `running, instance check ${inst}, system check ${sys}`,
      };
    });
  }

  /**
   * Runs `call` over the ids in pages; when EC2 says an id does not exist, repeats it per id and returns
   * the ids that are gone.
   */
  private async perExisting(
    region: string,
    ids: string[],
    call: (ids: string[]) => Promise<void>,
  ): Promise<Set<string>> {
    const gone = new Set<string>();
    for (let i = 0; i < ids.length; i += PAGE) {
      const page = ids.slice(i, i + PAGE);
      try {
        await call(page);
      } catch (err) {
        if (!notFound(err)) throw toReadError(err, region);
        for (const id of page) {
          try {
            await call([id]);
          } catch (e) {
            if (!notFound(e)) throw toReadError(e, region);
            gone.add(id);
          }
        }
      }
    }
    return gone;
  }
}

/** instance id → ARN, for ARNs of EC2 instances (`arn:aws:ec2:region:account:instance/i-…`). */
function instanceIds(arns: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arn of arns) {
    const id = /:instance\/(i-[0-9a-f]+)$/.exec(arn)?.[1];
    if (id) out.set(id, arn);
  }
  return out;
}

function notFound(err: unknown): boolean {
  return (err as { name?: string })?.name === 'InvalidInstanceID.NotFound';
}

function toReadError(err: unknown, region: string): TargetReadError {
  const e = err as { name?: string; message?: string; $fault?: string };
  return new TargetReadError(
    e?.name ?? 'Error',
    `EC2 in ${region}: ${e?.message ?? String(err)}`,
    e?.$fault === 'client',
  );
}
