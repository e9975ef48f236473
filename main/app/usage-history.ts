/**
 * The usage history as every surface shows it (CLI `usage`, `doctor`, the window): per-day and per-model totals,
 * the cached share of input, the limit readings and where each limit window is heading.
 */
import { openHistoryStore, type DayModelTotals, type HistoryStore, type LimitReading, type TokenCounts } from '../history/history-store.js';
import { clockTime } from '../time-text.js';
import { windowLabel } from '../usage/describe-limits.js';
import { describeForecast, forecastWindow, type Forecast } from '../usage/forecast.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TokenTotals extends TokenCounts {
  /** cachedTokens / inputTokens, 0 when there was no input. */
  cachedShare: number;
}

export interface UsageReport {
  /** Epoch ms the report starts from. */
  since: number;
  days: Array<{ day: string } & TokenTotals>;
  models: Array<{ model: string } & TokenTotals>;
  /** Per day and model, for charts. */
  dayModels: Array<{ day: string; model: string } & TokenTotals>;
  total: TokenTotals;
  limits: LimitReading[];
  forecasts: Array<{ window: LimitReading['window']; windowMinutes?: number; forecast: Forecast }>;
}

/** Reads the last `days` days (today counts as one) of history; `store` undefined = no history yet. */
export function readUsageHistory(store: Pick<HistoryStore, 'dailyModelTotals' | 'limitReadings'> | undefined, days: number, now: number): UsageReport {
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const since = midnight.getTime() - (days - 1) * DAY_MS;
  const rows = store?.dailyModelTotals(since) ?? [];
  const limits = store?.limitReadings(since) ?? [];
  return {
    since,
    days: grouped(rows, (row) => row.day).map(([day, totals]) => ({ day, ...totals })),
    models: grouped(rows, (row) => row.model).map(([model, totals]) => ({ model, ...totals })),
    dayModels: rows.map((row) => ({ ...row, cachedShare: share(row) })),
    total: sum(rows),
    limits,
    forecasts: (['primary', 'secondary'] as const).flatMap((window) => {
      const readings = limits.filter((reading) => reading.window === window);
      const latest = readings.at(-1);
      if (!latest) return [];
      return [{ window, ...(latest.windowMinutes === undefined ? {} : { windowMinutes: latest.windowMinutes }), forecast: forecastWindow(readings, now) }];
    }),
  };
}

/** The history kept in `home` over the last `days` days; no history file yet reads as an empty report. */
export function usageReportFor(home: string, days: number, now: number): UsageReport {
  const store = openHistoryStore(home, { create: false });
  try {
    return readUsageHistory(store, days, now);
  } finally {
    store?.close();
  }
}

/** Where each limit window is heading, from the recorded history; nothing when there is none to read. */
export function forecastLines(home: string, now: number): string[] {
  try {
    return forecastSentences(usageReportFor(home, 2, now), now);
  } catch {
    return [];
  }
}

/** One line per limit window: its latest reading, peak and outlook (`5h window: 40 % used at 14:02 (peak 41 %, 3 readings); …`). */
export function limitLines(report: UsageReport, now: number): string[] {
  return report.forecasts.flatMap(({ window, windowMinutes, forecast }) => {
    const readings = report.limits.filter((reading) => reading.window === window);
    const latest = readings.at(-1);
    if (!latest) return [];
    const peak = Math.max(...readings.map((reading) => reading.usedPercent));
    const where = `${windowLabel(windowMinutes, window)} window: ${Math.floor(latest.usedPercent)} % used at ${clockTime(latest.at, now)} (peak ${Math.floor(peak)} %, ${readings.length} reading${readings.length === 1 ? '' : 's'})`;
    const outlook = describeForecast(forecast, windowMinutes, window, now);
    return [outlook ? `${where}; ${outlook}` : where];
  });
}

/** One sentence per window whose pace is known: `at this pace the 5h window runs out at 14:20`. */
export function forecastSentences(report: UsageReport, now: number): string[] {
  return report.forecasts.flatMap(({ window, windowMinutes, forecast }) => describeForecast(forecast, windowMinutes, window, now) ?? []);
}

function grouped(rows: DayModelTotals[], key: (row: DayModelTotals) => string): Array<[string, TokenTotals]> {
  const groups = new Map<string, DayModelTotals[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return [...groups.entries()].map(([name, members]) => [name, sum(members)]);
}

function sum(rows: DayModelTotals[]): TokenTotals {
  const totals = { requests: 0, errors: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  for (const row of rows) {
    totals.requests += row.requests;
    totals.errors += row.errors;
    totals.inputTokens += row.inputTokens;
    totals.cachedTokens += row.cachedTokens;
    totals.outputTokens += row.outputTokens;
    totals.reasoningTokens += row.reasoningTokens;
  }
  return { ...totals, cachedShare: share(totals) };
}

function share(totals: { inputTokens: number; cachedTokens: number }): number {
  return totals.inputTokens === 0 ? 0 : totals.cachedTokens / totals.inputTokens;
}
