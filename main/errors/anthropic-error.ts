/**
 * The Anthropic Messages API's error shape for an ApiError: `{"type":"error","error":{"type","message"}}` with the
 * status Anthropic uses for that type, so the official SDK raises the matching error class (RateLimitError, …).
 */
import type { ApiError } from './api-error.js';
import { redactSecrets } from './redact-secrets.js';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

export interface AnthropicError {
  status: number;
  body: AnthropicErrorBody;
  headers: Record<string, string>;
}

/** Anthropic's "overloaded" status: the backend's capacity errors (503) become it, as Claude clients expect. */
const OVERLOADED_STATUS = 529;

export function toAnthropicError(error: ApiError): AnthropicError {
  const [status, type] = statusAndType(error.status);
  return {
    status,
    body: { type: 'error', error: { type, message: redactSecrets(error.message) } },
    headers: error.headers,
  };
}

function statusAndType(status: number): [number, AnthropicErrorType] {
  switch (status) {
    case 401:
      return [401, 'authentication_error'];
    case 403:
      return [403, 'permission_error'];
    case 404:
      return [404, 'not_found_error'];
    case 413:
      return [413, 'request_too_large'];
    case 429:
      return [429, 'rate_limit_error'];
    case 503:
    case OVERLOADED_STATUS:
      return [OVERLOADED_STATUS, 'overloaded_error'];
    default:
      return status >= 500 ? [status, 'api_error'] : [status, 'invalid_request_error'];
  }
}
