import { describe, expect, it } from 'vitest';
import { describeForecast, forecastWindow, type WindowReading } from './forecast.js';

const MIN = 60_000;
/** 10:00 local time on a fixed day, so the clock times in the sentences are known. */
const T0 = new Date(2026, 5, 1, 10, 0, 0).getTime();
const RESET = T0 + 5 * 60 * MIN;

function reading(minutes: number, usedPercent: number, resetsAt = RESET): WindowReading {
  return { at: T0 + minutes * MIN, usedPercent, windowMinutes: 300, resetsAt };
}

describe('usage forecast', () => {
  it('projects the recent pace to the moment the window runs out', () => {
    // 10 % → 30 % between 10:00 and 10:40: 0.5 %/min, 70 % left at 10:40 → 140 min → 13:00, before the 15:00 reset.
    const forecast = forecastWindow([reading(0, 10), reading(20, 20), reading(40, 30)], T0 + 41 * MIN);
    expect(forecast).toEqual({ kind: 'runs-out', at: T0 + 180 * MIN, resetsAt: RESET });
    expect(describeForecast(forecast, 300, 'primary', T0)).toBe('at this pace the 5h window runs out at 13:00 (in 3 h)');
  });

  it('says the user stays under when the pace reaches 100 % only after the reset', () => {
    // 0.1 %/min from 10 % at 10:40 would reach 100 % at 25:40, after the 15:00 reset.
    const forecast = forecastWindow([reading(0, 6), reading(40, 10)], T0 + 45 * MIN);
    expect(forecast).toEqual({ kind: 'stays-under', resetsAt: RESET });
    expect(describeForecast(forecast, 300, 'primary', T0)).toBe('at this pace you stay under the 5h window');
  });

  it('takes the pace from the last hour only, so an early burst does not decide it', () => {
    // A burst 0 → 50 % in the first 10 minutes, then 50 → 52 % over the next 80: the recent pace is slow.
    const forecast = forecastWindow([reading(0, 0), reading(10, 50), reading(30, 50.5), reading(90, 52)], T0 + 90 * MIN);
    expect(forecast.kind).toBe('stays-under');
  });

  it('starts over when the window resets: readings of the previous window do not count', () => {
    const before = T0 - 5 * 60 * MIN + 30 * MIN;
    const forecast = forecastWindow([reading(-60, 10, before), reading(-40, 90, before), reading(0, 1), reading(30, 21)], T0 + 30 * MIN);
    // Only 1 → 21 % over 30 min counts: 2/3 %/min, 79 % left → 118.5 min after 10:30.
    expect(forecast).toEqual({ kind: 'runs-out', at: T0 + 30 * MIN + Math.round(118.5 * MIN), resetsAt: RESET });
  });

  it('reports a used-up window with its reset, and unknown with too few readings', () => {
    expect(forecastWindow([reading(0, 40), reading(30, 100)], T0 + 31 * MIN)).toEqual({ kind: 'reached', resetsAt: RESET });
    expect(forecastWindow([reading(0, 40)], T0 + MIN)).toEqual({ kind: 'unknown' });
    expect(forecastWindow([reading(0, 40), reading(0.5, 41)], T0 + MIN)).toEqual({ kind: 'unknown' });
    expect(forecastWindow([], T0)).toEqual({ kind: 'unknown' });
    // Readings of a window that has since reset say nothing about the new one.
    expect(forecastWindow([reading(0, 40), reading(30, 60)], RESET + MIN)).toEqual({ kind: 'unknown' });
    expect(describeForecast({ kind: 'unknown' }, 300, 'primary', T0)).toBeUndefined();
  });
});
