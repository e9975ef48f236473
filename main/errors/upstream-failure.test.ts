import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { failureToApiError, retryAfterFromMessage } from './upstream-failure.js';

const failed = (code: string | undefined, message?: string) => ({ status: 'failed', error: { code, message } });

describe('failureToApiError', () => {
  it.each([
    ['context_length_exceeded', 400, 'invalid_request_error'],
    ['insufficient_quota', 429, 'rate_limit_error'],
    ['usage_not_included', 403, 'permission_error'],
    ['rate_limit_exceeded', 429, 'rate_limit_error'],
    ['server_is_overloaded', 503, 'server_error'],
    ['slow_down', 503, 'server_error'],
    ['invalid_prompt', 400, 'invalid_request_error'],
    ['cyber_policy', 400, 'invalid_request_error'],
    ['bio_policy', 400, 'invalid_request_error'],
    ['server_error', 502, 'upstream_error'],
  ])('%s → %i %s, code kept', (code, status, type) => {
    const error = failureToApiError(failed(code, 'backend says no'));
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.type, error.code]).toEqual([status, type, code]);
  });

  it('uses the Codex CLI wording where the CLI replaces the backend text', () => {
    expect(failureToApiError(failed('insufficient_quota', 'x')).message).toBe('Quota exceeded. Check your plan and billing details.');
    expect(failureToApiError(failed('usage_not_included')).message).toBe(
      'To use Codex with your ChatGPT plan, upgrade to Plus: https://chatgpt.com/explore/plus.',
    );
    expect(failureToApiError(failed('slow_down')).message).toBe('Selected model is at capacity. Please try a different model.');
    expect(failureToApiError(failed('cyber_policy')).message).toBe('This request has been flagged for possible cybersecurity risk.');
    expect(failureToApiError(failed('invalid_prompt', 'Prompt flagged.')).message).toBe('Prompt flagged.');
  });

  it('adds Retry-After (whole seconds, rounded up) to rate limits that say when to retry', () => {
    expect(failureToApiError(failed('rate_limit_exceeded', 'Rate limit reached. Please try again in 11.054s.')).headers).toEqual({
      'retry-after': '12',
    });
    expect(failureToApiError(failed('rate_limit_exceeded', 'try again in 250ms')).headers).toEqual({ 'retry-after': '1' });
    expect(failureToApiError(failed('rate_limit_exceeded', 'slow down')).headers).toEqual({});
  });

  it('maps an unknown or missing code to a 502 upstream_error', () => {
    expect(failureToApiError(failed(undefined, 'boom'))).toMatchObject({ status: 502, type: 'upstream_error', code: null, message: 'Codex backend error: boom' });
    expect(failureToApiError(undefined)).toMatchObject({ status: 502, type: 'upstream_error' });
    expect(failureToApiError({ error: null })).toMatchObject({ status: 502 });
  });

  it('describes incomplete responses with their reason', () => {
    const error = failureToApiError({ status: 'incomplete', incomplete_details: { reason: 'interrupted' } });
    expect(error).toMatchObject({ status: 502, type: 'upstream_error', message: 'Incomplete response returned, reason: interrupted' });
  });
});

describe('retryAfterFromMessage', () => {
  it.each([
    ['Please try again in 11.054s.', 11.054],
    ['Please try again in 1.5s', 1.5],
    ['try again in 250ms', 0.25],
    ['Try again in 3 seconds', 3],
    ['try again in 20 sec', 20],
    ['Rate limit reached', undefined],
    ['try again in a moment', undefined],
  ])('%s → %s', (message, seconds) => {
    expect(retryAfterFromMessage(message)).toBe(seconds);
  });
});
