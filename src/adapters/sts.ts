/** StartRolePort over @aws-sdk/client-sts AssumeRole (the regional STS endpoint of the experiment's region). */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { type ScopedCredentials, StartRoleError, type StartRolePort } from '../core/start-role.ts';
import { type AwsTarget, regionalClients } from './regional-clients.ts';

/** The shortest session STS allows: the credentials serve one StartExperiment call. */
const SESSION_SECONDS = 900;

export class AwsStartRole implements StartRolePort {
  /** `endpoint`/`credentials`: a local stand-in; otherwise the SDK's defaults (AWS_ENDPOINT_URL_STS included). */
  constructor(o: AwsTarget = {}) {
    this.client = regionalClients((config) => new STSClient(config), o);
  }

  private readonly client: (region: string) => STSClient;

  async assume(input: Parameters<StartRolePort['assume']>[0]): Promise<ScopedCredentials> {
    try {
      const out = await this.client(input.region).send(
        new AssumeRoleCommand({
          RoleArn: input.roleArn,
          RoleSessionName: input.sessionName,
          SourceIdentity: input.sourceIdentity,
          Policy: input.sessionPolicy,
          DurationSeconds: SESSION_SECONDS,
        }),
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
