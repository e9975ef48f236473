import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import type { UsageLimits } from './usage-limits.js';
import { createUsageTracker } from './usage-tracker.js';

const START = 1_795_733_344_000;

function usageBody(primaryUsed: number): unknown {
  return { plan_type: 'plus', rate_limit: { primary_window: { used_percent: primaryUsed, limit_window_seconds: 18000, reset_at: 1_795_736_944 } } };
}

function headers(primaryUsed: number, resetAfterSeconds = 3600): Record<string, string> {
  return {
    'x-codex-primary-used-percent': String(primaryUsed),
    'x-codex-primary-window-minutes': '300',
    'x-codex-primary-reset-after-seconds': String(resetAfterSeconds),
  };
}

function setUp(answers: (() => unknown)[]) {
  const clock = { now: START };
  let fetches = 0;
  const tracker = createUsageTracker({
    now: () => clock.now,
    maxAgeMs: 60_000,
    fetchUsage: async () => {
      const answer = answers[Math.min(fetches, answers.length - 1)]!;
      fetches++;
      return answer();
    },
  });
  return { tracker, clock, fetches: () => fetches };
}

describe('the usage tracker', () => {
  it('asks the backend when nothing is known, once for concurrent callers, and not again while fresh', async () => {
    const { tracker, clock, fetches } = setUp([() => usageBody(10), () => usageBody(20)]);
    const [first, second] = await Promise.all([tracker.current(), tracker.current()]);
    expect(first?.primary?.usedPercent).toBe(10);
    expect(second).toBe(first);
    expect(fetches()).toBe(1);
    clock.now += 59_000;
    expect((await tracker.current())?.primary?.usedPercent).toBe(10);
    clock.now += 2_000;
    expect((await tracker.current())?.primary?.usedPercent).toBe(20);
    expect(fetches()).toBe(2);
  });

  it('prefers what the last model answer said, without asking', async () => {
    const { tracker, clock, fetches } = setUp([() => usageBody(10)]);
    tracker.observe({ 'content-type': 'text/event-stream' });
    tracker.observe(headers(42.5));
    clock.now += 30_000;
    expect(await tracker.current()).toMatchObject({ primary: { usedPercent: 42.5, windowMinutes: 300 }, observedAt: START });
    expect(fetches()).toBe(0);
  });

  it('never throws: a failed ask keeps the last limits and is not repeated within maxAge', async () => {
    const { tracker, clock, fetches } = setUp([
      () => {
        throw new ApiError(401, 'signed out');
      },
    ]);
    expect(await tracker.current()).toBeUndefined();
    expect(await tracker.current()).toBeUndefined();
    expect(fetches()).toBe(1);
    tracker.observe(headers(7));
    clock.now += 61_000;
    expect((await tracker.current())?.primary?.usedPercent).toBe(7);
    expect(fetches()).toBe(2);
  });

  it('tells subscribers when the limits change, not when an answer repeats them', () => {
    const { tracker, clock } = setUp([() => usageBody(10)]);
    const seen: UsageLimits[] = [];
    const stop = tracker.subscribe((limits) => seen.push(limits));
    tracker.observe(headers(42.5));
    // The same reset a few seconds later, counted from a later answer: not news.
    clock.now += 5_000;
    tracker.observe(headers(42.5, 3595));
    tracker.observe(headers(43));
    expect(seen.map((limits) => limits.primary?.usedPercent)).toEqual([42.5, 43]);
    stop();
    tracker.observe(headers(50));
    expect(seen).toHaveLength(2);
  });
});
