/**
 * The checks the emulated harness makes before it does anything for a call, each answering as the
 * service does: the ARN the call names, IAM authorization, the invocation-rate limit and the
 * active-session quota. They live apart from the operations so every operation asks them the same way.
 */
import type { RuntimeSessions } from './harness-sessions.ts';
import type { HttpError } from './harness-wire.ts';
import type { Authorizer, AuthRequest } from './iam-authorizer.ts';

export interface AdmissionOptions {
  harnessArn: string;
  /** Invocations per second per harness before ThrottlingException (the service default is 25). */
  maxInvocationsPerSecond?: number;
  /** Live sessions (microVMs) before ServiceQuotaExceededException (1,000 or 5,000 depending on Region). */
  maxActiveSessions?: number;
  /** Authorizes every call as IAM would; unset, any signed call is allowed. */
  authorizer?: Authorizer;
}

/** The managed runtime behind a harness; AWS refuses calls that name it instead of the harness. */
export function runtimeArnOf(harnessArn: string): string {
  return harnessArn.replace(':harness/', ':runtime/');
}

export class HarnessAdmission {
  /** Start times of the invocations within the last second (the rate limit's window). */
  private readonly recent: number[] = [];

  constructor(
    private readonly options: AdmissionOptions,
    private readonly sessions: RuntimeSessions,
  ) {}

  /** The runtime operations take the harness ARN; the runtime behind a harness cannot be named directly. */
  arnProblem(arn: string, op: string): HttpError | undefined {
    if (arn === this.options.harnessArn) return undefined;
    if (arn === runtimeArnOf(this.options.harnessArn)) {
      return {
        status: 400,
        errorType: 'ValidationException',
        message: `This runtime is managed by a harness and cannot be invoked directly. Use the ${op} API with the relevant harness ID instead.`,
      };
    }
    return { status: 404, errorType: 'ResourceNotFoundException', message: `Harness not found: ${arn}` };
  }

  /** Each action is authorized on the harness and on the endpoint the call addresses (DEFAULT when none). */
  async authorize(actions: string[], arn: string, qualifier?: string): Promise<HttpError | undefined> {
    const authorizer = this.options.authorizer;
    if (!authorizer) return undefined;
    const resources = [arn, `${arn}/harness-endpoint/${qualifier ?? 'DEFAULT'}`];
    const requests: AuthRequest[] = actions.flatMap((action) =>
      resources.map((resource) => ({ action, resource })),
    );
    const decision = await authorizer.authorize(requests);
    return decision.allowed
      ? undefined
      : { status: 403, errorType: 'AccessDeniedException', message: decision.message };
  }

  /** Counts this invocation against the per-second limit, or refuses it when the limit is reached. */
  rateLimited(): HttpError | undefined {
    const limit = this.options.maxInvocationsPerSecond ?? 25;
    const now = Date.now();
    while (this.recent.length > 0 && this.recent[0]! < now - 1000) this.recent.shift();
    if (this.recent.length >= limit) {
      return { status: 429, errorType: 'ThrottlingException', message: 'Rate exceeded for InvokeHarness' };
    }
    this.recent.push(now);
    return undefined;
  }

  /** A call that needs a new microVM when the account's active sessions are at the quota. */
  quotaProblem(): HttpError | undefined {
    const max = this.options.maxActiveSessions ?? 1000;
    if (this.sessions.liveCount() < max) return undefined;
    return {
      status: 402,
      errorType: 'ServiceQuotaExceededException',
      message: `The number of active sessions has reached the quota (${max}) for this account in this Region.`,
    };
  }
}
