/**
 * Rate-limit reporting as the real backend does it: x-codex-* headers on every 200 and on 429s (§6.3, capture 06),
 * the 429 usage-limit body, and the GET /wham/usage panel.
 */
import type { RateLimitState } from './types.js';

export function defaultRateLimits(overrides: Partial<RateLimitState> = {}): RateLimitState {
  return {
    primaryUsedPercent: 10,
    secondaryUsedPercent: 5,
    primaryWindowMinutes: 300,
    secondaryWindowMinutes: 10080,
    primaryResetAfterSeconds: 3600,
    secondaryResetAfterSeconds: 86400,
    hasCredits: false,
    unlimitedCredits: false,
    creditsBalance: '0',
    ...overrides,
  };
}

/** Booleans are capitalised like the real dumps (Python-style `True`/`False`). */
export function rateLimitHeaders(state: RateLimitState, plan: string, nowSec: number): Record<string, string> {
  return {
    'x-codex-primary-used-percent': String(state.primaryUsedPercent),
    'x-codex-primary-window-minutes': String(state.primaryWindowMinutes),
    'x-codex-primary-reset-at': String(nowSec + state.primaryResetAfterSeconds),
    'x-codex-primary-reset-after-seconds': String(state.primaryResetAfterSeconds),
    'x-codex-secondary-used-percent': String(state.secondaryUsedPercent),
    'x-codex-secondary-window-minutes': String(state.secondaryWindowMinutes),
    'x-codex-secondary-reset-at': String(nowSec + state.secondaryResetAfterSeconds),
    'x-codex-secondary-reset-after-seconds': String(state.secondaryResetAfterSeconds),
    'x-codex-primary-over-secondary-limit-percent': '0',
    'x-codex-credits-has-credits': pythonBool(state.hasCredits),
    'x-codex-credits-unlimited': pythonBool(state.unlimitedCredits),
    'x-codex-credits-balance': state.creditsBalance,
    'x-codex-active-limit': 'codex',
    'x-codex-plan-type': plan,
  };
}

export function usageLimitBody(plan: string, resetsInSeconds: number, nowSec: number): unknown {
  return {
    error: {
      type: 'usage_limit_reached',
      message: 'The usage limit has been reached',
      plan_type: plan,
      resets_at: nowSec + resetsInSeconds,
      resets_in_seconds: resetsInSeconds,
      eligible_promo: null,
    },
  };
}

/** The state as it looks once the primary window is exhausted, resetting in `resetsInSeconds`. */
export function exhausted(state: RateLimitState, resetsInSeconds: number): RateLimitState {
  return { ...state, primaryUsedPercent: 100, primaryResetAfterSeconds: resetsInSeconds };
}

export function whamUsageBody(state: RateLimitState, plan: string, nowSec: number): unknown {
  const window = (usedPercent: number, minutes: number, resetAfter: number) => ({
    used_percent: usedPercent,
    limit_window_seconds: minutes * 60,
    reset_after_seconds: resetAfter,
    reset_at: nowSec + resetAfter,
  });
  const limitReached = state.primaryUsedPercent >= 100 || state.secondaryUsedPercent >= 100;
  return {
    plan_type: plan,
    rate_limit: {
      allowed: !limitReached,
      limit_reached: limitReached,
      primary_window: window(state.primaryUsedPercent, state.primaryWindowMinutes, state.primaryResetAfterSeconds),
      secondary_window: window(state.secondaryUsedPercent, state.secondaryWindowMinutes, state.secondaryResetAfterSeconds),
    },
    credits: { has_credits: state.hasCredits, unlimited: state.unlimitedCredits, balance: state.creditsBalance },
  };
}

function pythonBool(value: boolean): string {
  return value ? 'True' : 'False';
}
