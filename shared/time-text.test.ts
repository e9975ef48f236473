import { describe, expect, it } from 'vitest';
import { clockTime, durationText, whenText } from './time-text.js';

/** Local times, so the expectations hold in any time zone. */
const NOW = new Date(2026, 10, 26, 14, 5).getTime();
const TODAY_1542 = new Date(2026, 10, 26, 15, 42).getTime();
const NOV_27_2249 = new Date(2026, 10, 27, 22, 49).getTime();
const MIN = 60_000;

describe('the one time format', () => {
  it('gives a clock time today and adds the date on another day', () => {
    expect(clockTime(TODAY_1542, NOW)).toBe('15:42');
    expect(clockTime(NOV_27_2249, NOW)).toBe('22:49 on 27 Nov');
  });

  it('says how far away a moment is, ahead or past', () => {
    expect(whenText(TODAY_1542, NOW)).toBe('15:42 (in 1 h 37 min)');
    expect(whenText(NOV_27_2249, NOW)).toBe('22:49 on 27 Nov (in 1 day 8 h)');
    expect(whenText(NOW - 12 * MIN, NOW)).toBe('13:53 (12 min ago)');
    expect(whenText(NOW + 125 * MIN, NOW)).toBe('16:10 (in 2 h 5 min)');
  });

  it('writes durations from seconds to days', () => {
    expect([45_000, 30 * MIN, 120 * MIN, 49 * 60 * MIN, 3 * 24 * 60 * MIN].map(durationText)).toEqual(['45 s', '30 min', '2 h', '2 days 1 h', '3 days']);
  });
});
