/**
 * Lambda function targets (aws:lambda:function, which FIS's invocation-add-delay / invocation-error /
 * invocation-http-integration-response actions act on) over @aws-sdk/client-lambda, from
 * GetFunctionConfiguration: the configuration is what FIS evaluates a filter's `path` against, and after an
 * experiment a function is healthy again when its State is Active and its LastUpdateStatus Successful. A
 * function has no Availability Zone (Lambda runs it across the Region's zones), so none is named. One call per
 * function, by its ARN (a version or alias suffix included); a function that no longer exists
 * (ResourceNotFoundException) is absent.
 */
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  type ResourceDescriptionPort,
  type TargetHealth,
  type TargetHealthPort,
  TargetReadError,
} from '../core/target-health.ts';
import { type AwsTarget, regionalClients } from './regional-clients.ts';

const TYPE = 'aws:lambda:function';

export class AwsLambdaTargets implements ResourceDescriptionPort, TargetHealthPort {
  private readonly client: (region: string) => LambdaClient;

  constructor(o: AwsTarget = {}) {
    this.client = regionalClients((config) => new LambdaClient(config), o);
  }

  describes(resourceType: string): boolean {
    return resourceType === TYPE;
  }

  checksHealthOf(resourceType: string): boolean {
    return resourceType === TYPE;
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
      const f = await this.configuration(region, arn);
      if (f) out.set(arn, f as unknown as Record<string, unknown>);
    }
    return out;
  }

  async health(region: string, _resourceType: string, arns: readonly string[]): Promise<TargetHealth[]> {
    const out: TargetHealth[] = [];
    for (const arn of arns) {
      const f = await this.configuration(region, arn);
      if (!f) {
        out.push({ arn, healthy: false, state: 'does not exist any more' });
        continue;
      }
      const healthy = f.State === 'Active' && f.LastUpdateStatus === 'Successful';
      const why = [
        f.State !== 'Active' && f.StateReasonCode ? f.StateReasonCode : undefined,
        f.LastUpdateStatus !== 'Successful' && f.LastUpdateStatusReasonCode
          ? f.LastUpdateStatusReasonCode
          : undefined,
      ].filter(Boolean);
      out.push({
        arn,
        healthy,
        state: `state ${f.State ?? 'unknown'}, last update ${f.LastUpdateStatus ?? 'unknown'}${why.length ? ` (${why.join(', ')})` : ''}`,
      });
    }
    return out;
  }

  private async configuration(region: string, arn: string): Promise<FunctionConfiguration | undefined> {
    if (!/:function:[^:]+(:[^:]+)?$/.test(arn)) return undefined;
    try {
      return await this.client(region).send(new GetFunctionConfigurationCommand({ FunctionName: arn }));
    } catch (err) {
      const e = err as { name?: string; message?: string; $fault?: string };
      if (e?.name === 'ResourceNotFoundException') return undefined;
      throw new TargetReadError(
        e?.name ?? 'Error',
        `Lambda in ${region}: ${e?.message ?? String(err)}`,
        e?.$fault === 'client',
      );
    }
  }
}
