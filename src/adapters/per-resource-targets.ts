/**
 * Target types a service describes one resource per call (EKS node groups, Lambda functions): the loop over the
 * approved ARNs for descriptions and for health, and the rule that a resource the service no longer has
 * (ResourceNotFoundException) is absent, never an error. A subclass says how to read one resource and when it is
 * healthy. Neither type has an Availability Zone the bot can name.
 */
import {
  type ResourceDescriptionPort,
  type TargetHealth,
  type TargetHealthPort,
  TargetReadError,
} from '../core/target-health.ts';

export abstract class PerResourceTargets<T extends object>
  implements ResourceDescriptionPort, TargetHealthPort
{
  constructor(
    /** The FIS resource type, e.g. `aws:lambda:function`. */
    private readonly type: string,
    /** The service's name in error messages ("EKS"). */
    private readonly service: string,
  ) {}

  /** The resource an ARN names, or undefined when the ARN cannot name one; SDK errors propagate. */
  protected abstract fetch(region: string, arn: string): Promise<T | undefined>;

  /** Whether the resource is healthy again, and its state in a few words. */
  protected abstract verdict(resource: T): Omit<TargetHealth, 'arn'>;

  describes(resourceType: string): boolean {
    return resourceType === this.type;
  }

  checksHealthOf(resourceType: string): boolean {
    return resourceType === this.type;
  }

  availabilityZone(): undefined {
    return undefined;
  }

  async describe(
    region: string,
    _resourceType: string,
    arns: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const arn of arns) {
      const r = await this.read(region, arn);
      if (r) out.set(arn, r as unknown as Record<string, unknown>);
    }
    return out;
  }

  async health(region: string, _resourceType: string, arns: readonly string[]): Promise<TargetHealth[]> {
    const out: TargetHealth[] = [];
    for (const arn of arns) {
      const r = await this.read(region, arn);
      out.push(r ? { arn, ...this.verdict(r) } : { arn, healthy: false, state: 'does not exist any more' });
    }
    return out;
  }

  private async read(region: string, arn: string): Promise<T | undefined> {
    try {
      return await this.fetch(region, arn);
    } catch (err) {
      const e = err as { name?: string; message?: string; $fault?: string };
      if (e?.name === 'ResourceNotFoundException') return undefined;
      throw new TargetReadError(
        e?.name ?? 'Error',
        `${this.service} in ${region}: ${e?.message ?? String(err)}`,
        e?.$fault === 'client',
      );
    }
  }
}
