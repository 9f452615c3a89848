/** StartRolePort over @aws-sdk/client-sts AssumeRole (the regional STS endpoint of the experiment's region). */
import type { STSClient } from '@aws-sdk/client-sts';
import { type ScopedCredentials, StartRoleError, type StartRolePort } from '../core/start-role.ts';
import { type AwsTarget, type LazyClients, lazyRegionalClients } from './regional-clients.ts';

/** The package, loaded on the first call (regional-clients.ts): only a FIS approval makes one. */
const loadSdk = () => import('@aws-sdk/client-sts');

/** The shortest session STS allows: the credentials serve one StartExperiment call. */
const SESSION_SECONDS = 900;

export class AwsStartRole implements StartRolePort {
  /** `endpoint`/`credentials`: a local stand-in; otherwise the SDK's defaults (AWS_ENDPOINT_URL_STS included). */
  constructor(o: AwsTarget = {}) {
    this.client = lazyRegionalClients(loadSdk, (sdk, config) => new sdk.STSClient(config), o);
  }

  private readonly client: LazyClients<Awaited<ReturnType<typeof loadSdk>>, STSClient>;

  async assume(input: Parameters<StartRolePort['assume']>[0]): Promise<ScopedCredentials> {
    try {
      const out = await this.client(input.region, (client, sdk) =>
        client.send(
          new sdk.AssumeRoleCommand({
            RoleArn: input.roleArn,
            RoleSessionName: input.sessionName,
            SourceIdentity: input.sourceIdentity,
            Policy: input.sessionPolicy,
            DurationSeconds: SESSION_SECONDS,
          }),
        ),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
        throw new StartRoleError('InvalidResponse', 'STS returned no credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        ...(c.Expiration ? { expiration: c.Expiration.getTime() } : {}),
      };
    } catch (err) {
      if (err instanceof StartRoleError) throw err;
      const e = err as { name?: string; message?: string };
      throw new StartRoleError(e?.name ?? 'Error', e?.message ?? String(err));
    }
  }
}
