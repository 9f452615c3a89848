/**
 * Memory per run (issue 21's scale case: 1,000 runs streaming in one process). The HTTP handler of the
 * AWS SDK keeps the request it sent in closures that live as long as the connection's listeners, that
 * is for the whole InvokeHarness stream (up to an hour). Its body (the messages, skills and tools as
 * serialised JSON, held in an 8 KB pooled buffer or more) is not needed once the response has arrived:
 * one attempt per request, nothing resends it. This middleware drops it then.
 */
import type { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';

export function releaseRequestBodies(client: BedrockAgentCoreClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } finally {
        const request = args.request as { body?: unknown } | undefined;
        if (request && typeof request === 'object') request.body = undefined;
      }
    },
    // Innermost: the request seen here is the signed one the HTTP handler was given.
    { step: 'deserialize', priority: 'low', name: 'releaseRequestBody' },
  );
}
