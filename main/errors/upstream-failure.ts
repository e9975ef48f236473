/**
 * Maps the `response` object of a Responses `response.failed` / `response.incomplete` event to the ApiError the
 * client sees. Codes and wording follow what the Codex CLI does with the same events (spec §6.1), so a user gets
 * the same explanation through the bridge as in the CLI.
 */
import { ApiError } from './api-error.js';

const CAPACITY_MESSAGE = 'Selected model is at capacity. Please try a different model.';

/** Seconds the backend asks us to wait, from "… try again in 11.054s" / "in 250ms" / "in 3 seconds". */
export function retryAfterFromMessage(message: string): number | undefined {
  const match = /try again in\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)\b/i.exec(message);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2]!.toLowerCase().startsWith('m') ? amount / 1000 : amount;
}

export function failureToApiError(response: unknown): ApiError {
  const record = asRecord(response);
  const error = asRecord(record.error);
  const code = typeof error.code === 'string' && error.code !== '' ? error.code : undefined;
  const message = typeof error.message === 'string' && error.message !== '' ? error.message : undefined;

  if (code === undefined && message === undefined) {
    const reason = asRecord(record.incomplete_details).reason;
    if (record.status === 'incomplete' || typeof reason === 'string') {
      return new ApiError(502, `Incomplete response returned, reason: ${typeof reason === 'string' ? reason : 'unknown'}`, {
        type: 'upstream_error',
        code: 'response_incomplete',
      });
    }
  }

  switch (code) {
    case 'context_length_exceeded':
      return new ApiError(400, message ?? 'Your input exceeds the context window of this model.', {
        type: 'invalid_request_error',
        code,
      });
    case 'insufficient_quota':
      return new ApiError(429, 'Quota exceeded. Check your plan and billing details.', { type: 'rate_limit_error', code });
    case 'usage_not_included':
      // Not a rate limit: retrying cannot help, the plan lacks Codex access.
      return new ApiError(
        403,
        'To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.',
        { type: 'permission_error', code },
      );
    case 'rate_limit_exceeded': {
      const wait = message === undefined ? undefined : retryAfterFromMessage(message);
      return new ApiError(429, message ?? 'Rate limit reached. Please try again later.', {
        type: 'rate_limit_error',
        code,
        headers: wait === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(wait))) },
      });
    }
    case 'server_is_overloaded':
    case 'slow_down':
      return new ApiError(503, CAPACITY_MESSAGE, { type: 'server_error', code });
    case 'cyber_policy':
      return new ApiError(400, message ?? 'This request has been flagged for possible cybersecurity risk.', {
        type: 'invalid_request_error',
        code,
      });
    case 'invalid_prompt':
    case 'bio_policy':
      return new ApiError(400, message ?? 'The request was rejected by the Codex backend.', {
        type: 'invalid_request_error',
        code,
      });
    default:
      return new ApiError(
        502,
        message === undefined ? 'The Codex backend reported a failure without details.' : `Codex backend error: ${message}`,
        { type: 'upstream_error', code: code ?? null },
      );
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
