import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { parseLimitHeaders, parseUsageBody, usagePath } from './usage-limits.js';

function capture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../test/fixtures/codex-cli/${name}`, import.meta.url), 'utf8')) as T;
}

const NOW = 1_795_733_344_000;
const captured = capture<{ headers: Record<string, string> }>('06-rate-limit-response-headers.json').headers;
/** How the real CLI parsed those headers (its rollout file), with the reset times the capture elides. */
const cliParsed = capture<{ event: { payload: { rate_limits: Record<string, { used_percent: number; window_minutes: number; resets_at: number }> } } }>(
  '06-rollout-token-count-event.json',
).event.payload.rate_limits;

function headersWith(overrides: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...captured, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

describe('parseLimitHeaders', () => {
  it('reads the captured x-codex-* headers as the Codex CLI did', () => {
    const headers = headersWith({
      'x-codex-primary-reset-at': String(cliParsed.primary!.resets_at),
      'x-codex-secondary-reset-at': String(cliParsed.secondary!.resets_at),
    });
    expect(parseLimitHeaders(headers, NOW)).toEqual({
      plan: 'pro',
      primary: { usedPercent: 42.5, windowMinutes: 300, resetsAt: cliParsed.primary!.resets_at * 1000 },
      secondary: { usedPercent: 17, windowMinutes: 10080, resetsAt: cliParsed.secondary!.resets_at * 1000 },
      credits: { hasCredits: true, unlimited: false, balance: '12.34' },
      limitReached: false,
      observedAt: NOW,
    });
  });

  it('falls back to reset-after-seconds, takes Python-style booleans and sees an exhausted window', () => {
    const limits = parseLimitHeaders(
      headersWith({
        'x-codex-primary-used-percent': '100',
        'x-codex-primary-reset-at': undefined,
        'x-codex-secondary-reset-at': 'soon',
        'x-codex-credits-has-credits': 'False',
        'x-codex-credits-unlimited': 'TRUE',
      }),
      NOW,
    );
    expect(limits?.primary).toEqual({ usedPercent: 100, windowMinutes: 300, resetsAt: NOW + 3600_000 });
    expect(limits?.secondary?.resetsAt).toBe(NOW + 86_400_000);
    expect(limits?.credits).toEqual({ hasCredits: false, unlimited: true, balance: '12.34' });
    expect(limits?.limitReached).toBe(true);
  });

  it('reads the family the backend names active, drops windows that say nothing, ignores answers without limits', () => {
    const premium = parseLimitHeaders(
      headersWith({
        'x-codex-active-limit': 'premium_models',
        'x-premium-models-primary-used-percent': '64',
        'x-premium-models-primary-window-minutes': '1440',
      }),
      NOW,
    );
    expect(premium?.primary).toEqual({ usedPercent: 64, windowMinutes: 1440 });
    expect(premium?.secondary).toBeUndefined();
    const silentSecondary = headersWith({
      'x-codex-secondary-used-percent': '0',
      'x-codex-secondary-window-minutes': '0',
      'x-codex-secondary-reset-at': undefined,
      'x-codex-secondary-reset-after-seconds': undefined,
    });
    expect(parseLimitHeaders(silentSecondary, NOW)?.secondary).toBeUndefined();
    expect(parseLimitHeaders(silentSecondary, NOW)?.primary?.usedPercent).toBe(42.5);
    expect(parseLimitHeaders({ 'content-type': 'text/event-stream', 'x-codex-plan-type': 'plus' }, NOW)).toBeUndefined();
  });
});

describe('parseUsageBody', () => {
  it('reads the captured GET /wham/usage answer', () => {
    const body = capture<{ body: unknown }>('06-wham-usage-response.json').body;
    expect(parseUsageBody(body, NOW)).toEqual({
      plan: 'pro',
      primary: { usedPercent: 10, windowMinutes: 300, resetsAt: 1_795_736_952_000 },
      secondary: { usedPercent: 5, windowMinutes: 10080, resetsAt: 1_795_819_752_000 },
      credits: { hasCredits: true, unlimited: false, balance: '12.34' },
      limitReached: false,
      observedAt: NOW,
    });
  });

  it('believes the body about a reached limit over the percentages', () => {
    const window = (used: number) => ({ used_percent: used, limit_window_seconds: 18000, reset_after_seconds: 60 });
    const reached = parseUsageBody({ rate_limit: { allowed: false, limit_reached: true, primary_window: window(40) } }, NOW);
    expect(reached.limitReached).toBe(true);
    expect(reached.primary).toEqual({ usedPercent: 40, windowMinutes: 300, resetsAt: NOW + 60_000 });
    // Credits keep an account with a full window going: the backend then says limit_reached false.
    expect(parseUsageBody({ rate_limit: { allowed: true, limit_reached: false, primary_window: window(100) } }, NOW).limitReached).toBe(false);
    expect(parseUsageBody({ rate_limit: { primary_window: window(100) } }, NOW).limitReached).toBe(true);
    expect(parseUsageBody({ plan_type: 'free', rate_limit: null, credits: { has_credits: true, balance: 3 } }, NOW)).toEqual({
      plan: 'free',
      credits: { hasCredits: true, unlimited: false, balance: '3' },
      limitReached: false,
      observedAt: NOW,
    });
  });

  it('refuses a body of another shape with an ApiError', () => {
    expect(() => parseUsageBody('<html>', NOW)).toThrow(ApiError);
    expect(() => parseUsageBody({ rate_limit: [1] }, NOW)).toThrow(/usage answer was not understood/);
  });
});

describe('usagePath', () => {
  it('uses the CLI path style for the base URL', () => {
    expect(usagePath('https://chatgpt.com/backend-api')).toBe('/wham/usage');
    expect(usagePath('https://proxy.example/codex')).toBe('/api/codex/usage');
  });
});
