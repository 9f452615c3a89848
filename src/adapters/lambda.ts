/**
 * Lambda function targets (aws:lambda:function, which FIS's invocation-add-delay / invocation-error /
 * invocation-http-integration-response actions act on) over @aws-sdk/client-lambda, from
 * GetFunctionConfiguration: the configuration is what FIS evaluates a filter's `path` against, and after an
 * experiment a function is healthy again when its State is Active and its LastUpdateStatus Successful. A
 * function has no Availability Zone (Lambda runs it across the Region's zones), so none is named. One call per
 * function, by its ARN (a version or alias suffix included); a function that no longer exists
 * (ResourceNotFoundException) is absent.
 */
import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import type { TargetHealth } from '../core/target-health.ts';
import { PerResourceTargets } from './per-resource-targets.ts';
import { type AwsTarget, type LazyClients, lazyRegionalClients } from './regional-clients.ts';

/** The package, loaded on the first call (regional-clients.ts): only a FIS approval makes one. */
const loadSdk = () => import('@aws-sdk/client-lambda');

export class AwsLambdaTargets extends PerResourceTargets<FunctionConfiguration> {
  private readonly client: LazyClients<Awaited<ReturnType<typeof loadSdk>>, LambdaClient>;

  constructor(o: AwsTarget = {}) {
    super('aws:lambda:function', 'Lambda');
    this.client = lazyRegionalClients(loadSdk, (sdk, config) => new sdk.LambdaClient(config), o);
  }

  protected verdict(f: FunctionConfiguration): Omit<TargetHealth, 'arn'> {
    const healthy = f.State === 'Active' && f.LastUpdateStatus === 'Successful';
    const why = [
      f.State !== 'Active' && f.StateReasonCode ? f.StateReasonCode : undefined,
      f.LastUpdateStatus !== 'Successful' && f.LastUpdateStatusReasonCode
        ? f.LastUpdateStatusReasonCode
        : undefined,
    ].filter(Boolean);
    return {
      healthy,
      state: `state ${f.State ?? 'unknown'}, last update ${f.LastUpdateStatus ?? 'unknown'}${why.length ? ` (${why.join(', ')})` : ''}`,
    };
  }

  protected async fetch(region: string, arn: string): Promise<FunctionConfiguration | undefined> {
    if (!/:function:[^:]+(:[^:]+)?$/.test(arn)) return undefined;
    return this.client(region, (client, sdk) =>
      client.send(new sdk.GetFunctionConfigurationCommand({ FunctionName: arn })),
    );
  }
}
