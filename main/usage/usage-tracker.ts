/**
 * Remembers the account's latest usage limits. Every model answer carries them in its headers, so a bridge in use
 * never has to ask; an idle one asks `GET /wham/usage`, at most once per `maxAgeMs`.
 */
import { parseLimitHeaders, parseUsageBody, type LimitWindow, type UsageLimits } from './usage-limits.js';

export interface UsageTrackerOptions {
  /** The `GET /wham/usage` body (the upstream client's getJson on `usagePath`). */
  fetchUsage(): Promise<unknown>;
  now?: () => number;
  /** How old the latest limits may be before `current()` asks the backend; also the least time between two asks. */
  maxAgeMs?: number;
}

export interface UsageTracker {
  /** Takes the headers of a backend answer (the upstream client's `onResponseHeaders`). */
  observe(headers: Record<string, string>): void;
  /** The latest limits, asking the backend when none are fresh. Never throws: undefined while nothing is known. */
  current(): Promise<UsageLimits | undefined>;
  /** Called when new limits differ from the last in something the user sees. */
  subscribe(listener: (limits: UsageLimits) => void): () => void;
  /** Called with every reading, changed or not (a flat stretch is a pace too: the usage history keeps it). */
  subscribeReadings(listener: (limits: UsageLimits) => void): () => void;
}

export function createUsageTracker(options: UsageTrackerOptions): UsageTracker {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const listeners = new Set<(limits: UsageLimits) => void>();
  const readingListeners = new Set<(limits: UsageLimits) => void>();
  let latest: UsageLimits | undefined;
  let askedAt: number | undefined;
  let asking: Promise<UsageLimits | undefined> | undefined;

  function remember(limits: UsageLimits): void {
    const changed = latest === undefined || fingerprint(latest) !== fingerprint(limits);
    latest = limits;
    if (changed) for (const listener of listeners) listener(limits);
    for (const listener of readingListeners) listener(limits);
  }

  async function ask(): Promise<UsageLimits | undefined> {
    askedAt = now();
    try {
      remember(parseUsageBody(await options.fetchUsage(), now()));
    } catch {
      // Signed out, offline, or a backend without the endpoint: keep what is known; `doctor` names the cause.
    }
    return latest;
  }

  const isFresh = (at: number | undefined): boolean => at !== undefined && now() - at < maxAgeMs;

  return {
    observe(headers) {
      const limits = parseLimitHeaders(headers, now());
      if (limits) remember(limits);
    },
    current() {
      if (asking) return asking;
      if (isFresh(latest?.observedAt) || isFresh(askedAt)) return Promise.resolve(latest);
      asking = ask().finally(() => {
        asking = undefined;
      });
      return asking;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    subscribeReadings(listener) {
      readingListeners.add(listener);
      return () => readingListeners.delete(listener);
    },
  };
}

/**
 * What the user sees of the limits. Reset times count in minutes: one derived from `reset-after-seconds` moves by a
 * few milliseconds with every answer, which is no change worth telling anyone about.
 */
function fingerprint(limits: UsageLimits): string {
  const window = (w: LimitWindow | undefined) => w && [w.usedPercent, w.windowMinutes, w.resetsAt === undefined ? undefined : Math.round(w.resetsAt / 60_000)];
  return JSON.stringify([limits.plan, window(limits.primary), window(limits.secondary), limits.credits, limits.limitReached]);
}
