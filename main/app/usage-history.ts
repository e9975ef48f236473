/**
 * The usage history as every surface shows it (CLI `usage`, `doctor`, the window): per-day and per-model totals,
 * the cached share of input, the limit readings and where each limit window is heading.
 */
import type { DayModelTotals, HistoryStore, LimitReading, TokenCounts } from '../history/history-store.js';
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
