/** Display helpers shared by the panels. Pure functions: no React, no bridge. */

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `14:03:27`, in the user's time zone. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString([], { hour12: false });
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `14:20` today, `Fri 14:20` within a week, `12 Jan, 14:20` later: the user's time zone, never ISO UTC on screen. */
export function localTime(iso: string, now: number = Date.now()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const clock = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  if (date.toDateString() === new Date(now).toDateString()) return clock;
  if (date.toDateString() === new Date(now + DAY).toDateString()) return `tomorrow ${clock}`;
  if (Math.abs(date.getTime() - now) < 6 * DAY) return `${date.toLocaleDateString([], { weekday: 'short' })} ${clock}`;
  return `${date.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${clock}`;
}

/** `in 5 min`, `in 2 h`, `in 3 days`, `5 min ago`: rounded to what a person plans with. */
export function relative(iso: string, now: number = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  const size = Math.abs(ms);
  const minutes = Math.max(1, Math.round(size / MINUTE));
  const hours = Math.round(size / HOUR);
  const days = Math.round(size / DAY);
  const amount = minutes < 60 ? `${minutes} min` : hours < 24 ? `${hours} h` : `${days} day${days === 1 ? '' : 's'}`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** `14:20 (in 2 h)`. */
export function timeWithRelative(iso: string, now: number = Date.now()): string {
  return `${localTime(iso, now)} (${relative(iso, now)})`;
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
export function statusTone(status: number): StatusTone {
  if (status === 499) return 'muted';
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return 'ok';
}
