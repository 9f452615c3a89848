/**
 * AgentCore errors, wherever they surface (send() rejecting, the stream loop throwing, an error
 * member yielded as an event), as the bot's failure codes.
 */
import type { FailureCode, HarnessFailure } from '../core/events.ts';

const ERROR_CODES: Record<string, FailureCode> = {
  AccessDeniedException: 'access_denied',
  accessDeniedException: 'access_denied',
  UnauthorizedException: 'access_denied',
  UnrecognizedClientException: 'access_denied',
  InvalidSignatureException: 'access_denied',
  ExpiredTokenException: 'access_denied',
  ResourceNotFoundException: 'not_found',
  resourceNotFoundException: 'not_found',
  ThrottlingException: 'throttled',
  throttlingException: 'throttled',
  ThrottledException: 'throttled',
  TooManyRequestsException: 'throttled',
  ServiceQuotaExceededException: 'quota',
  serviceQuotaExceededException: 'quota',
  ValidationException: 'validation',
  validationException: 'validation',
  RuntimeClientError: 'runtime_client',
  runtimeClientError: 'runtime_client',
  InternalServerException: 'internal',
  internalServerException: 'internal',
  ServiceUnavailableException: 'internal',
  TimeoutError: 'idle_timeout',
  // The SDK's credential chain found nothing: no request was made, so no permission was checked.
  CredentialsProviderError: 'no_credentials',
};

export function toFailure(err: unknown, combined?: AbortSignal, caller?: AbortSignal): HarnessFailure {
  const e = err as { name?: string; message?: string; code?: string; $metadata?: { requestId?: string } };
  const message = e?.message ?? String(err);
  const requestId = e?.$metadata?.requestId;
  if (caller?.aborted) return { code: 'aborted', message: 'Stopped by request.', requestId };
  if (combined?.aborted)
    return { code: 'run_timeout', message: 'The run reached its maximum duration.', requestId };
  const name = e?.name ?? '';
  // The HTTP handler renames connection resets "TimeoutError"; the code tells them apart.
  if (e?.code === 'ECONNRESET' || e?.code === 'EPIPE') return { code: 'stream_cut', message, requestId };
  const mapped = ERROR_CODES[name];
  if (mapped) return { code: mapped, message, requestId };
  if (/aborted|socket hang up|Truncated event message/i.test(message)) {
    return { code: 'stream_cut', message, requestId };
  }
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') {
    return { code: 'network', message, requestId };
  }
  if (/timed? ?out/i.test(message) || e?.code === 'ETIMEDOUT')
    return { code: 'idle_timeout', message, requestId };
  return { code: 'unknown', message: `${name || 'Error'}: ${message}`, requestId };
}
