import { planLabel } from '../auth/plan-label.js';
import { ApiError } from '../errors/api-error.js';
import { isRecord } from '../json.js';
import { whenText } from '../../shared/time-text.js';

/**
 * Turns a non-2xx answer of the Codex backend into the error the bridge's client sees. The backend answers in two
 * styles: FastAPI `{"detail": "…"}` for request validation and OpenAI `{"error": {…}}` for the rest.
 */
export function upstreamHttpError(status: number, bodyText: string, headers: Record<string, string>, now = Date.now()): ApiError {
  const body = parseJson(bodyText);
  const error = isRecord(body?.error) ? body.error : undefined;
  const detail = typeof body?.detail === 'string' ? body.detail : undefined;
  const message = detail ?? (typeof error?.message === 'string' ? error.message : undefined);
  const errorType = typeof error?.type === 'string' ? error.type : undefined;
  const errorCode = typeof error?.code === 'string' ? error.code : undefined;

  if (status === 429 && errorType === 'usage_limit_reached') return usageLimitError(error ?? {}, headers, now);
  if (status === 429 && errorType === 'usage_not_included') {
    return new ApiError(403, 'Your ChatGPT plan does not include Codex. Upgrade to Plus: https://chatgpt.com/explore/plus', {
      type: 'permission_error',
      code: 'usage_not_included',
    });
  }
  if (status === 429) {
    const retryAfter = headers['retry-after'];
    return new ApiError(429, `ChatGPT backend rate limit: ${message ?? 'too many requests'}`, {
      type: 'rate_limit_error',
      code: errorCode ?? 'rate_limit_exceeded',
      headers: retryAfter ? { 'retry-after': retryAfter } : {},
    });
  }
  if (status === 401) {
    return new ApiError(401, 'The ChatGPT backend rejected the Codex login token. Sign in again with `codex-cursor-bridge login`, then retry.', {
      type: 'authentication_error',
      code: 'upstream_unauthorized',
    });
  }
  if (status === 403) {
    return new ApiError(403, `The ChatGPT backend refused the request (403)${message ? `: ${message}` : ''}`, {
      type: 'permission_error',
      code: errorCode ?? 'upstream_forbidden',
    });
  }
  if (status === 404) {
    return new ApiError(404, `The ChatGPT backend answered 404${message ? `: ${message}` : ''}`, { code: errorCode ?? 'upstream_not_found' });
  }
  if (status >= 400 && status < 500) {
    return new ApiError(status === 413 ? 413 : 400, `The ChatGPT backend rejected the request: ${message ?? `HTTP ${status}`}`, {
      type: 'invalid_request_error',
      code: errorCode ?? 'upstream_rejected',
    });
  }
  const overloaded = errorCode === 'server_is_overloaded' || errorCode === 'slow_down';
  return new ApiError(overloaded ? 503 : 502, overloaded
    ? 'The selected model is at capacity on the ChatGPT backend. Try again shortly or use another bridge-* model.'
    : `The ChatGPT backend failed (HTTP ${status})${message ? `: ${message}` : ''}. Try again shortly.`, {
    type: 'upstream_error',
    code: errorCode ?? (overloaded ? 'server_is_overloaded' : 'upstream_error'),
  });
}

function usageLimitError(error: Record<string, unknown>, headers: Record<string, string>, now: number): ApiError {
  const plan = typeof error.plan_type === 'string' ? error.plan_type : headers['x-codex-plan-type'];
  const resetsAt = typeof error.resets_at === 'number' ? error.resets_at * 1000 : undefined;
  const resetsIn = typeof error.resets_in_seconds === 'number' ? error.resets_in_seconds : undefined;
  const resetMs = resetsAt ?? (resetsIn !== undefined ? now + resetsIn * 1000 : undefined);
  const retryAfterSec = resetMs !== undefined ? Math.max(1, Math.ceil((resetMs - now) / 1000)) : undefined;
  const planText = plan ? `your ChatGPT ${planLabel(plan)} plan` : 'your ChatGPT plan';
  const when = resetMs !== undefined ? ` It resets at ${whenText(resetMs, now)}.` : ' Try again later.';
  return new ApiError(429, `You've hit the Codex usage limit of ${planText}.${when}`, {
    type: 'usage_limit_reached',
    code: 'usage_limit_reached',
    headers: retryAfterSec !== undefined ? { 'retry-after': String(retryAfterSec) } : {},
  });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

