/**
 * The account's Codex usage limits, from either of the two places the backend reports them (spec §6.3, §6.5):
 * the `x-codex-*` headers on every model answer, and the `GET /wham/usage` body behind the CLI's `/status`.
 * Pure parsing: both become one `UsageLimits`.
 */
import { isRecord, type JsonObject } from '../json.js';
import { ApiError } from '../errors/api-error.js';

export interface LimitWindow {
  /** 0–100, may be fractional (`42.5`). */
  usedPercent: number;
  /** 300 = the 5-hour window, 10080 = the weekly one. */
  windowMinutes?: number;
  /** Epoch ms when the window starts over. */
  resetsAt?: number;
}

export interface Credits {
  hasCredits: boolean;
  unlimited: boolean;
  /** Decimal string as sent (`"12.34"`). */
  balance?: string;
}

export interface UsageLimits {
  /** `chatgpt_plan_type` as sent (`plus`, `pro`, …). */
  plan?: string;
  /** The short window (5 h on paid plans). */
  primary?: LimitWindow;
  /** The long window (weekly). */
  secondary?: LimitWindow;
  credits?: Credits;
  /** The backend refuses model requests until a window resets (or credits are bought). */
  limitReached: boolean;
  /** Epoch ms these numbers were read. */
  observedAt: number;
}

/** The usage endpoint's path under the backend base; the CLI picks the style by the base URL (spec §6.5). */
export function usagePath(upstreamBase: string): string {
  return upstreamBase.includes('/backend-api') ? '/wham/usage' : '/api/codex/usage';
}

/**
 * Reads the limits from the lower-cased headers of an upstream answer; undefined when it carries none (an error
 * page, a proxy in between). The CLI reads the family `x-<active limit>-…`, `codex` unless the backend names another.
 */
export function parseLimitHeaders(headers: Record<string, string>, now: number): UsageLimits | undefined {
  const active = headers['x-codex-active-limit']?.toLowerCase().replaceAll('_', '-');
  const family = active && hasWindowHeaders(headers, active) ? active : 'codex';
  const primary = headerWindow(headers, `x-${family}-primary`, now);
  const secondary = headerWindow(headers, `x-${family}-secondary`, now);
  if (!primary && !secondary) return undefined;
  const reached = Boolean(headers['x-codex-rate-limit-reached-type']) || isExhausted(primary) || isExhausted(secondary);
  return assemble(headers['x-codex-plan-type'], primary, secondary, headerCredits(headers), reached, now);
}

/** Reads a `GET /wham/usage` body; throws an ApiError when it is not the shape the CLI expects. */
export function parseUsageBody(body: unknown, now: number): UsageLimits {
  if (!isRecord(body)) throw unexpectedBody('not a JSON object');
  if (body.rate_limit !== undefined && body.rate_limit !== null && !isRecord(body.rate_limit)) throw unexpectedBody('rate_limit is not an object');
  const rateLimit = isRecord(body.rate_limit) ? body.rate_limit : {};
  const primary = bodyWindow(rateLimit.primary_window, now);
  const secondary = bodyWindow(rateLimit.secondary_window, now);
  const reached = statedReached(rateLimit) ?? (isExhausted(primary) || isExhausted(secondary));
  return assemble(typeof body.plan_type === 'string' ? body.plan_type : undefined, primary, secondary, bodyCredits(body.credits), reached, now);
}

export function isExhausted(window: LimitWindow | undefined): boolean {
  return window !== undefined && window.usedPercent >= 100;
}

function assemble(
  plan: string | undefined,
  primary: LimitWindow | undefined,
  secondary: LimitWindow | undefined,
  credits: Credits | undefined,
  limitReached: boolean,
  observedAt: number,
): UsageLimits {
  return {
    ...(plan ? { plan } : {}),
    ...(primary ? { primary } : {}),
    ...(secondary ? { secondary } : {}),
    ...(credits ? { credits } : {}),
    limitReached,
    observedAt,
  };
}

/** The body says it outright; deriving it from 100 % would be wrong when credits keep the account going. */
function statedReached(rateLimit: JsonObject): boolean | undefined {
  if (rateLimit.limit_reached === true || rateLimit.allowed === false) return true;
  if (rateLimit.limit_reached === false || rateLimit.allowed === true) return false;
  return undefined;
}

function hasWindowHeaders(headers: Record<string, string>, family: string): boolean {
  return headers[`x-${family}-primary-used-percent`] !== undefined || headers[`x-${family}-secondary-used-percent`] !== undefined;
}

function headerWindow(headers: Record<string, string>, prefix: string, now: number): LimitWindow | undefined {
  const usedPercent = finite(headers[`${prefix}-used-percent`]);
  if (usedPercent === undefined) return undefined;
  // `reset-at` (absolute) is what current CLIs read; `reset-after-seconds` is the older relative form.
  const resetAt = finite(headers[`${prefix}-reset-at`]);
  const resetAfter = finite(headers[`${prefix}-reset-after-seconds`]);
  return window(usedPercent, finite(headers[`${prefix}-window-minutes`]), resetAt ?? (resetAfter === undefined ? undefined : now / 1000 + resetAfter));
}

function bodyWindow(raw: unknown, now: number): LimitWindow | undefined {
  if (!isRecord(raw) || typeof raw.used_percent !== 'number') return undefined;
  const seconds = numberField(raw, 'limit_window_seconds');
  const resetAt = numberField(raw, 'reset_at');
  const resetAfter = numberField(raw, 'reset_after_seconds');
  return window(raw.used_percent, seconds === undefined ? undefined : seconds / 60, resetAt ?? (resetAfter === undefined ? undefined : now / 1000 + resetAfter));
}

/** Like the CLI, a window with nothing used, no length and no reset time says nothing and is dropped. */
function window(usedPercent: number, windowMinutes: number | undefined, resetAtSec: number | undefined): LimitWindow | undefined {
  const minutes = windowMinutes !== undefined && windowMinutes > 0 ? windowMinutes : undefined;
  if (usedPercent === 0 && minutes === undefined && resetAtSec === undefined) return undefined;
  return {
    usedPercent,
    ...(minutes !== undefined ? { windowMinutes: minutes } : {}),
    ...(resetAtSec !== undefined ? { resetsAt: Math.round(resetAtSec * 1000) } : {}),
  };
}

function headerCredits(headers: Record<string, string>): Credits | undefined {
  const hasCredits = headerBool(headers['x-codex-credits-has-credits']);
  if (hasCredits === undefined) return undefined;
  const balance = headers['x-codex-credits-balance'];
  return { hasCredits, unlimited: headerBool(headers['x-codex-credits-unlimited']) === true, ...(balance ? { balance } : {}) };
}

function bodyCredits(raw: unknown): Credits | undefined {
  if (!isRecord(raw) || typeof raw.has_credits !== 'boolean') return undefined;
  const balance = typeof raw.balance === 'string' || typeof raw.balance === 'number' ? String(raw.balance) : undefined;
  return { hasCredits: raw.has_credits, unlimited: raw.unlimited === true, ...(balance ? { balance } : {}) };
}

/** The real backend sends Python-style `True`/`False`; the CLI accepts true/false/1/0 in any case. */
function headerBool(value: string | undefined): boolean | undefined {
  const lower = value?.trim().toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return undefined;
}

function finite(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function numberField(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function unexpectedBody(why: string): ApiError {
  return new ApiError(502, `The ChatGPT backend's usage answer was not understood (${why}).`, { type: 'upstream_error', code: 'unexpected_usage_body' });
}
