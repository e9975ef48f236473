/** Usage limits in words, as `doctor` prints them and the window labels them (times in the user's time zone). */
import { whenText } from '../../shared/time-text.js';
import { isExhausted, type LimitWindow, type UsageLimits } from './usage-limits.js';

const DAY_MINUTES = 24 * 60;
/** The CLI's slack so a 299- or 1443-minute window still reads as 5h or daily. */
const BIAS_MINUTES = 3;

/** The Codex CLI's names: ≈300 minutes "5h", ≈1440 "daily", ≈10080 "weekly", ≈43200 "monthly". */
export function windowLabel(minutes: number | undefined, fallback: string): string {
  if (minutes === undefined) return fallback;
  if (Math.abs(minutes - DAY_MINUTES) <= BIAS_MINUTES) return 'daily';
  if (minutes < DAY_MINUTES) return `${Math.max(1, Math.floor((minutes + BIAS_MINUTES) / 60))}h`;
  if (minutes <= 7 * DAY_MINUTES + BIAS_MINUTES) return 'weekly';
  if (minutes <= 30 * DAY_MINUTES + BIAS_MINUTES) return 'monthly';
  return 'annual';
}

/** The windows with the names the CLI gives them, short window first. */
export function labelledWindows(limits: UsageLimits): { label: string; window: LimitWindow }[] {
  const labelled: { label: string; window: LimitWindow }[] = [];
  if (limits.primary) labelled.push({ label: windowLabel(limits.primary.windowMinutes, 'primary'), window: limits.primary });
  if (limits.secondary) labelled.push({ label: windowLabel(limits.secondary.windowMinutes, 'secondary'), window: limits.secondary });
  return labelled;
}

/** Whole percent, rounded down so 99.6 % does not read as a reached limit. */
export function usedPercentText(window: LimitWindow): string {
  return `${Math.floor(window.usedPercent)} %`;
}

/** `5h window 10 % used, resets 15:42; weekly window 5 % used, resets 22:49 on 27 Nov; 12.34 credits` */
export function describeLimits(limits: UsageLimits, now: number): string {
  const parts = labelledWindows(limits).map(({ label, window }) => {
    const reset = window.resetsAt === undefined ? '' : `, resets ${whenText(window.resetsAt, now)}`;
    return `${label} window ${usedPercentText(window)} used${reset}`;
  });
  const credits = creditsText(limits);
  if (credits) parts.push(credits);
  return parts.length > 0 ? parts.join('; ') : 'the backend reported no limits';
}

/** `12.34 credits`, `unlimited credits`, or undefined when the account has none. */
export function creditsText(limits: UsageLimits): string | undefined {
  if (limits.credits?.unlimited) return 'unlimited credits';
  if (limits.credits?.hasCredits && limits.credits.balance !== undefined) return `${limits.credits.balance} credits`;
  return undefined;
}

/** When requests work again: the last reset among the exhausted windows; undefined when not reached or not said. */
export function blockedUntil(limits: UsageLimits): number | undefined {
  if (!limits.limitReached) return undefined;
  const resets = [limits.primary, limits.secondary].flatMap((window) => (isExhausted(window) && window?.resetsAt !== undefined ? [window.resetsAt] : []));
  return resets.length > 0 ? Math.max(...resets) : undefined;
}
