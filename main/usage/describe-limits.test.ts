import { describe, expect, it } from 'vitest';
import { blockedUntil, creditsText, describeLimits, windowLabel } from './describe-limits.js';
import type { UsageLimits } from './usage-limits.js';

/** Local times, so the expectations hold in any time zone. */
const NOW = new Date(2026, 10, 26, 14, 5).getTime();
const TODAY_1542 = new Date(2026, 10, 26, 15, 42).getTime();
const NOV_27_2249 = new Date(2026, 10, 27, 22, 49).getTime();

function limits(overrides: Partial<UsageLimits>): UsageLimits {
  return {
    primary: { usedPercent: 10, windowMinutes: 300, resetsAt: TODAY_1542 },
    secondary: { usedPercent: 5.9, windowMinutes: 10080, resetsAt: NOV_27_2249 },
    limitReached: false,
    observedAt: NOW,
    ...overrides,
  };
}

describe('describing usage limits', () => {
  it('names windows like the Codex CLI', () => {
    expect([300, 299, 60, 1, 1440, 1443, 10080, 43200, 525600].map((minutes) => windowLabel(minutes, '?'))).toEqual([
      '5h',
      '5h',
      '1h',
      '1h',
      'daily',
      'daily',
      'weekly',
      'monthly',
      'annual',
    ]);
    expect(windowLabel(undefined, 'primary')).toBe('primary');
  });

  it('says how much of each window is used, when it resets, and the credits', () => {
    expect(describeLimits(limits({ credits: { hasCredits: true, unlimited: false, balance: '12.34' } }), NOW)).toBe(
      '5h window 10 % used, resets 15:42 (in 1 h 37 min); weekly window 5 % used, resets 22:49 on 27 Nov (in 1 day 8 h); 12.34 credits',
    );
    expect(describeLimits(limits({ primary: { usedPercent: 99.6 }, secondary: undefined }), NOW)).toBe('primary window 99 % used');
    expect(describeLimits({ limitReached: false, observedAt: NOW }, NOW)).toBe('the backend reported no limits');
    expect(creditsText(limits({ credits: { hasCredits: false, unlimited: true } }))).toBe('unlimited credits');
    expect(creditsText(limits({ credits: { hasCredits: false, unlimited: false, balance: '0' } }))).toBeUndefined();
  });

  it('knows until when requests fail: the last reset among the exhausted windows', () => {
    expect(blockedUntil(limits({}))).toBeUndefined();
    const fivehour = limits({ primary: { usedPercent: 100, windowMinutes: 300, resetsAt: TODAY_1542 }, limitReached: true });
    expect(blockedUntil(fivehour)).toBe(TODAY_1542);
    const both = limits({
      primary: { usedPercent: 100, resetsAt: TODAY_1542 },
      secondary: { usedPercent: 100, resetsAt: NOV_27_2249 },
      limitReached: true,
    });
    expect(blockedUntil(both)).toBe(NOV_27_2249);
    expect(blockedUntil(limits({ limitReached: true }))).toBeUndefined();
  });
});
