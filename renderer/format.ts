/** Display helpers shared by the panels. Pure functions: no React, no bridge. */

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `14:03:27`, in the user's time zone: when a request ran, to the second (other moments: shared/time-text.ts). */
export function requestTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString([], { hour12: false });
}

export function latency(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Hides a secret but keeps its length roughly visible, so "empty" and "set" look different. */
export function masked(secret: string): string {
  return '•'.repeat(Math.min(Math.max(secret.length, 8), 32));
}

export type StatusTone = 'ok' | 'warn' | 'error' | 'muted';

/** 2xx fine, 4xx the client's problem, 5xx ours or upstream's, 499 the client gave up. */
/**
 * How a finished request's status reads. A 401 because the bridge itself has no usable ChatGPT login is the bridge's
 * problem, not a client's wrong key, so it reads as an error (red), like a 5xx.
 */
/** The error codes of a missing, unusable or refused ChatGPT login (main/auth). */
const BRIDGE_LOGIN_PROBLEMS = /^(codex_login_|refresh_token_)/;

export function statusTone(status: number, errorCode?: string): StatusTone {
  if (status === 499) return 'muted';
  if (errorCode !== undefined && BRIDGE_LOGIN_PROBLEMS.test(errorCode)) return 'error';
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return 'ok';
}
