/**
 * One call to the OAuth token endpoint, shaped exactly like codex-cli 0.171.0's (fixtures 04-refresh-*.json), and
 * the CLI's classification of its failures: a refresh token the endpoint rejected (401) is a permanent failure the
 * user fixes by signing in again; anything else is transient and may be retried later.
 */
import { request, type Dispatcher } from '../http/undici-lite.js';
import { ApiError } from '../errors/api-error.js';
import { isRecord, nonEmptyString } from './json-guards.js';

export type RefreshReason = 'proactive_expiry' | 'unauthorized_recovery';

export interface RefreshClientOptions {
  refreshTokenUrl: string;
  clientId: string;
  originator: string;
  userAgent: string;
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/** The tokens the endpoint returned; each present one replaces the stored one. */
export interface RefreshedTokens {
  idToken?: string;
  accessToken?: string;
  refreshToken?: string;
}

const PERMANENT_REASONS: Record<string, string> = {
  refresh_token_expired: 'your refresh token has expired',
  refresh_token_reused:
    'your refresh token was already used (another program sharing this login, such as the Codex CLI, probably refreshed it first)',
  refresh_token_invalidated: 'your refresh token was revoked',
};

export async function requestTokenRefresh(
  options: RefreshClientOptions,
  refreshToken: string,
  reason: RefreshReason,
): Promise<RefreshedTokens> {
  // Key order and compact form match the CLI byte for byte.
  const body = JSON.stringify({
    client_id: options.clientId,
    grant_type: 'refresh_token',
    refresh_reason: reason,
    refresh_token: refreshToken,
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  let status: number;
  let text: string;
  try {
    const response = await request(options.refreshTokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', originator: options.originator, 'user-agent': options.userAgent },
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw new ApiError(503, `Could not reach the ChatGPT token endpoint to refresh the login: ${describeNetworkError(error)}`, {
      code: 'token_refresh_unavailable',
    });
  }
  const json = parseJson(text);
  if (status >= 200 && status < 300) return tokensFrom(json);
  if (status === 401) throw permanentFailure(errorCodeOf(json));
  const detail = redact(errorMessageOf(json) ?? text, refreshToken);
  throw new ApiError(502, `Failed to refresh the ChatGPT token: ${status}${detail ? `: ${detail}` : ''}`, {
    code: 'token_refresh_failed',
  });
}

/** True for the failures that retrying cannot fix: the user has to sign in again. */
export function isPermanentRefreshFailure(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 401;
}

function permanentFailure(backendCode: string | undefined): ApiError {
  const why = backendCode ? PERMANENT_REASONS[backendCode] : undefined;
  if (backendCode && why) {
    return new ApiError(401, `Your ChatGPT access token could not be refreshed because ${why}. Sign in again with \`codex-cursor-bridge login\`.`, {
      type: 'authentication_error',
      code: backendCode,
    });
  }
  return new ApiError(
    401,
    'Your ChatGPT access token could not be refreshed: the token endpoint rejected the refresh token. Sign in again with `codex-cursor-bridge login`.',
    { type: 'authentication_error', code: 'refresh_token_rejected' },
  );
}

function tokensFrom(json: unknown): RefreshedTokens {
  const tokens: RefreshedTokens = {};
  if (isRecord(json)) {
    if (nonEmptyString(json.id_token)) tokens.idToken = json.id_token;
    if (nonEmptyString(json.access_token)) tokens.accessToken = json.access_token;
    if (nonEmptyString(json.refresh_token)) tokens.refreshToken = json.refresh_token;
  }
  if (Object.keys(tokens).length === 0) {
    throw new ApiError(502, 'Failed to refresh the ChatGPT token: the token endpoint answered without tokens', {
      code: 'token_refresh_failed',
    });
  }
  return tokens;
}

/** Where the CLI looks for the code: `error.code`, else `error` when it is a string, else top-level `code`. */
function errorCodeOf(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  const { error } = json;
  const code = isRecord(error) ? error.code : typeof error === 'string' ? error : json.code;
  return nonEmptyString(code) ? code.toLowerCase() : undefined;
}

function errorMessageOf(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  const candidate = isRecord(json.error) ? json.error.message : (json.error_description ?? json.message);
  return nonEmptyString(candidate) ? candidate : undefined;
}

/** A short single-line excerpt that can never carry the refresh token we sent. */
function redact(text: string, refreshToken: string): string {
  return text.split(refreshToken).join('<redacted>').replace(/\s+/g, ' ').trim().slice(0, 200);
}

function describeNetworkError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message === 'string' && message !== '') return typeof code === 'string' ? `${code}: ${message}` : message;
  return typeof code === 'string' ? code : 'unknown error';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
