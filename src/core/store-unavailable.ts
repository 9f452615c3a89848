/**
 * The session store could not be reached (network, timeout, throttling, a 5xx), as opposed to a
 * conditional write that lost a race. Callers that took a request from a person tell them it could not
 * be recorded instead of dropping it.
 */
export class StoreUnavailableError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the session store is unreachable (${reason})`, options);
    this.name = 'StoreUnavailableError';
  }
}

export function isStoreUnavailable(err: unknown): err is StoreUnavailableError {
  return err instanceof StoreUnavailableError;
}
