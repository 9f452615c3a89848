/**
 * A start that can do only one thing: for each approved start the bot assumes a start-only role with a
 * session policy allowing fis:StartExperiment on exactly the approved template (and the experiment it
 * creates), named after the approval (RoleSessionName and SourceIdentity), so CloudTrail ties the
 * start to the approval. The bot's own role cannot start experiments at all. No SDK types here.
 */

export interface ScopedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ms since epoch. */
  expiration?: number;
}

export class StartRoleError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StartRoleError';
  }
}

export interface StartRolePort {
  assume(input: {
    roleArn: string;
    region: string;
    sessionName: string;
    sourceIdentity: string;
    /** JSON session policy: the effective permissions are the role's intersected with it. */
    sessionPolicy: string;
  }): Promise<ScopedCredentials>;
}

/** The session policy for one start: this template, and the experiment FIS creates from it. */
export function startSessionPolicy(roleArn: string, region: string, templateId: string): string {
  const m = /^arn:(aws[a-z-]*):(?:iam)::(\d{12}):role\//.exec(roleArn);
  if (!m) throw new StartRoleError('InvalidRoleArn', `${roleArn} is not an IAM role ARN`);
  const [, partition, account] = m;
  const fis = (resource: string) => ['arn', partition, 'fis', region, account, resource].join(':');
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'StartThisApprovedTemplateOnly',
        Effect: 'Allow',
        Action: 'fis:StartExperiment',
        Resource: [fis(`experiment-template/${templateId}`), fis('experiment/*')],
      },
    ],
  });
}

/** RoleSessionName and SourceIdentity allow 2..64 of [\w+=,.@-]; approval ids are base64url, which fits. */
export function sessionNameFor(approvalId: string): string {
  return approvalId
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, 64)
    .padEnd(2, '-');
}
