/**
 * Where a usage-limit window is heading at the recent pace, from recorded readings at known times:
 * "at this pace the 5h window runs out at 14:20" or "you stay under the 5h window". Pure.
 */
import { whenText } from '../../shared/time-text.js';
import { windowLabel } from './describe-limits.js';

export interface WindowReading {
  /** Epoch ms of the reading. */
  at: number;
  usedPercent: number;
  windowMinutes?: number;
  /** Epoch ms the window starts over. */
  resetsAt?: number;
}

export type Forecast =
  | { kind: 'runs-out'; at: number; resetsAt?: number }
  | { kind: 'stays-under'; resetsAt?: number }
  | { kind: 'reached'; resetsAt?: number }
  /** Too few readings in the current window to tell a pace. */
  | { kind: 'unknown' };

/** The pace is taken over at most this much recent time, so an early burst does not speak for the whole window. */
export const PACE_SPAN_MS = 60 * 60 * 1000;
/** Readings less far apart than this give no pace worth extrapolating. */
const MIN_SPAN_MS = 60 * 1000;
/** A reset derived from `reset-after-seconds` drifts by a few seconds between answers: still the same window. */
const SAME_RESET_MS = 2 * 60 * 1000;

/** Forecast for one window from its readings (any order). */
export function forecastWindow(readings: readonly WindowReading[], now: number): Forecast {
  const sorted = readings.filter((reading) => reading.at <= now).toSorted((a, b) => a.at - b.at);
  const latest = sorted.at(-1);
  if (!latest) return { kind: 'unknown' };
  const resets = latest.resetsAt === undefined ? {} : { resetsAt: latest.resetsAt };
  if (latest.resetsAt !== undefined && latest.resetsAt <= now) return { kind: 'unknown' };
  if (latest.usedPercent >= 100) return { kind: 'reached', ...resets };
  const current = currentWindow(sorted, latest).filter((reading) => reading.at >= latest.at - PACE_SPAN_MS);
  const first = current[0];
  if (!first || latest.at - first.at < MIN_SPAN_MS) return { kind: 'unknown' };
  const perMs = (latest.usedPercent - first.usedPercent) / (latest.at - first.at);
  if (perMs <= 0) return { kind: 'stays-under', ...resets };
  const runsOut = Math.round(latest.at + (100 - latest.usedPercent) / perMs);
  if (latest.resetsAt !== undefined && runsOut >= latest.resetsAt) return { kind: 'stays-under', ...resets };
  return { kind: 'runs-out', at: runsOut, ...resets };
}

/** The readings since the window last started over: same reset time, or (without one) since use last went down. */
function currentWindow(sorted: readonly WindowReading[], latest: WindowReading): WindowReading[] {
  let start = sorted.length - 1;
  while (start > 0) {
    const previous = sorted[start - 1] as WindowReading;
    const sameReset =
      latest.resetsAt === undefined || previous.resetsAt === undefined ? true : Math.abs(previous.resetsAt - latest.resetsAt) <= SAME_RESET_MS;
    if (!sameReset || previous.usedPercent > (sorted[start] as WindowReading).usedPercent) break;
    start--;
  }
  return sorted.slice(start);
}

/** `at this pace the 5h window runs out at 14:20`, `you stay under the weekly window`, or undefined when unknown. */
export function describeForecast(forecast: Forecast, windowMinutes: number | undefined, fallbackLabel: string, now: number): string | undefined {
  const label = windowLabel(windowMinutes, fallbackLabel);
  switch (forecast.kind) {
    case 'runs-out':
      return `at this pace the ${label} window runs out at ${whenText(forecast.at, now)}`;
    case 'stays-under':
      return `at this pace you stay under the ${label} window`;
    case 'reached':
      return `the ${label} window is used up${forecast.resetsAt === undefined ? '' : ` until ${whenText(forecast.resetsAt, now)}`}`;
    case 'unknown':
      return undefined;
  }
}
