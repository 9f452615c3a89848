/**
 * A local stand-in for STS AssumeRole, speaking the awsQuery protocol @aws-sdk/client-sts speaks
 * (form-encoded request, XML answer). Reached through AWS_ENDPOINT_URL_STS.
 *
 * As strict as the service on what the bot sends (test/contract/sts-emulator.test.ts): SigV4 for
 * `sts`; RoleSessionName and SourceIdentity 2..64 of [\w+=,.@-], a SourceIdentity not starting with
 * `aws:`; DurationSeconds 900..43200; a session policy of at most 2048 characters that must be a JSON
 * policy document (MalformedPolicyDocument otherwise); only roles it was told about can be assumed,
 * and only by the principals their trust allows (AccessDenied otherwise). Sessions it issues can be
 * looked up by access key id, so the FIS emulator can enforce the session policy on StartExperiment.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signedRegion } from './fis-emulator-model.ts';
import { bodyText, LoopbackService } from './loopback-service.ts';

export interface StsSession {
  accessKeyId: string;
  roleArn: string;
  sessionName: string;
  sourceIdentity?: string;
  /** The session policy as sent (JSON); the effective permissions are the role's intersected with it. */
  policy?: string;
  expiresAt: number;
}

const NAME = /^[\w+=,.@-]{2,64}$/;

export class StsEmulator extends LoopbackService {
  readonly sessions = new Map<string, StsSession>();
  readonly calls: Array<{ action: string; params: Record<string, string>; callerKey: string }> = [];
  /** Role ARN → access key ids allowed to assume it (its trust policy, as the emulator knows it). */
  private readonly roles = new Map<string, Set<string> | 'anyone'>();

  /** A role that exists, assumable by these callers' access key ids (default: anyone signed). */
  addRole(roleArn: string, trustedAccessKeys?: string[]): void {
    this.roles.set(roleArn, trustedAccessKeys ? new Set(trustedAccessKeys) : 'anyone');
  }

  session(accessKeyId: string): StsSession | undefined {
    const s = this.sessions.get(accessKeyId);
    return s && s.expiresAt > Date.now() ? s : undefined;
  }

  protected internalError(res: ServerResponse, err: unknown): void {
    error(res, 500, 'InternalFailure', 'Receiver', String(err));
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await bodyText(req);
    const params = Object.fromEntries(new URLSearchParams(text));
    const scope = signedRegion(req.headers.authorization);
    const callerKey = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
    this.calls.push({ action: params.Action ?? '', params, callerKey });
    if (scope?.service !== 'sts')
      return error(
        res,
        403,
        'MissingAuthenticationToken',
        'Sender',
        'Request is missing Authentication Token',
      );
    if (params.Action !== 'AssumeRole' || params.Version !== '2011-06-15')
      return error(
        res,
        400,
        'InvalidAction',
        'Sender',
        `Could not find operation ${params.Action} for version ${params.Version}`,
      );
    const problem = validate(params);
    if (problem) return error(res, 400, problem.code, 'Sender', problem.message);
    const role = this.roles.get(params.RoleArn!);
    if (role === undefined || (role !== 'anyone' && !role.has(callerKey)))
      return error(
        res,
        403,
        'AccessDenied',
        'Sender',
        `User: ${callerKey} is not authorized to perform: sts:AssumeRole on resource: ${params.RoleArn}`,
      );
    const duration = Number(params.DurationSeconds ?? 3600);
    const session: StsSession = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      roleArn: params.RoleArn!,
      sessionName: params.RoleSessionName!,
      ...(params.SourceIdentity ? { sourceIdentity: params.SourceIdentity } : {}),
      ...(params.Policy ? { policy: params.Policy } : {}),
      expiresAt: Date.now() + duration * 1000,
    };
    this.sessions.set(session.accessKeyId, session);
    const [, partition, account, roleName] = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(
      params.RoleArn!,
    )!;
    const secret = randomBytes(20).toString('base64');
    const token = randomBytes(48).toString('base64');
    const x = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    ${session.sourceIdentity ? `<SourceIdentity>${x(session.sourceIdentity)}</SourceIdentity>` : ''}
    <AssumedRoleUser>
      <AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${x(session.sessionName)}</AssumedRoleId>
      <Arn>arn:${partition}:sts::${account}:assumed-role/${x(roleName!)}/${x(session.sessionName)}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${session.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${secret}</SecretAccessKey>
      <SessionToken>${token}</SessionToken>
      <Expiration>${new Date(session.expiresAt).toISOString()}</Expiration>
    </Credentials>
    ${params.Policy ? `<PackedPolicySize>${Math.min(99, Math.ceil(params.Policy.length / 20))}</PackedPolicySize>` : ''}
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${randomBytes(16).toString('hex')}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`);
  }
}

function validate(p: Record<string, string>): { code: string; message: string } | undefined {
  const v = (message: string) => ({
    code: 'ValidationError',
    message: `1 validation error detected: ${message}`,
  });
  if (!p.RoleArn || p.RoleArn.length < 20 || p.RoleArn.length > 2048)
    return v("Value at 'roleArn' failed to satisfy constraint");
  if (!p.RoleSessionName || !NAME.test(p.RoleSessionName))
    return v(
      "Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  if (p.SourceIdentity !== undefined && (!NAME.test(p.SourceIdentity) || p.SourceIdentity.startsWith('aws:')))
    return v("Value at 'sourceIdentity' failed to satisfy constraint");
  if (p.DurationSeconds !== undefined) {
    const d = Number(p.DurationSeconds);
    if (!Number.isInteger(d) || d < 900 || d > 43200)
      return v(
        `Value '${p.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
      );
  }
  if (p.Policy !== undefined) {
    if (p.Policy.length > 2048)
      return v(
        "Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048",
      );
    try {
      const doc = JSON.parse(p.Policy) as { Statement?: unknown };
      if (!doc || !Array.isArray(doc.Statement) || doc.Statement.length === 0)
        throw new Error('no statements');
    } catch {
      return { code: 'MalformedPolicyDocument', message: 'The policy is not in the valid JSON format.' };
    }
  }
  return undefined;
}

function error(res: ServerResponse, status: number, code: string, type: string, message: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(
    `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message></Error><RequestId>${randomBytes(16).toString('hex')}</RequestId></ErrorResponse>`,
  );
}
