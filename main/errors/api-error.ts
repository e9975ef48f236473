/**
 * The one error type every part of the bridge throws when a request cannot be served.
 * It carries what the OpenAI API puts in its error body, so the server can answer
 * `{"error":{"message","type","param","code"}}` with the right status without knowing who threw it.
 */
import { boundedEcho, MAX_MESSAGE_CHARS } from './client-text.js';
import { redactSecrets } from './redact-secrets.js';

export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'usage_limit_reached'
  | 'server_error'
  | 'upstream_error'
  | 'timeout_error';

export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType | string; param: string | null; code: string | null };
}

export interface ApiErrorInit {
  type?: ApiErrorType;
  param?: string | null;
  code?: string | null;
  /** Extra response headers, e.g. Retry-After on a 429. */
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: ApiErrorType;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, init: ApiErrorInit = {}) {
    // Messages echo client input (a model name, a role): redacted, then bounded, here, for every error the bridge raises.
    super(boundedEcho(message, MAX_MESSAGE_CHARS, redactSecrets));
    this.name = 'ApiError';
    this.status = status;
    this.type = init.type ?? defaultType(status);
    this.param = init.param ?? null;
    this.code = init.code ?? null;
    this.headers = init.headers ?? {};
  }

  /** The body a client receives; anything token-shaped the client sent back to us is masked. */
  toBody(): ApiErrorBody {
    return { error: { message: redactSecrets(this.message), type: this.type, param: this.param, code: this.code } };
  }
}

/** Shorthand for the most common case: the client sent something we cannot accept. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null): ApiError {
  return new ApiError(400, message, { type: 'invalid_request_error', param, code });
}

function defaultType(status: number): ApiErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
