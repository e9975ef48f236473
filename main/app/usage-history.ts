/**
 * The usage history as every surface shows it (CLI `usage`, `doctor`, the window): per-day and per-model totals,
 * the cached share of input, the limit readings and where each limit window is heading.
 */
import type { ForecastView, LogRow, PastRow, UsageReportView } from '../../shared/bridge-api.js';
import { openHistoryStore, type DayModelTotals, type HistoryStore, type LimitReading, type RequestRecord, type TokenCounts } from '../history/history-store.js';
import { clockTime } from '../../shared/time-text.js';
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
  return readForecasts(home, now).map((view) => view.text);
}

/** Each window's outlook from the recorded history, labelled (`5h`); nothing when there is none to read. */
export function readForecasts(home: string, now: number): ForecastView[] {
  try {
    return forecastViews(usageReportFor(home, 2, now), now);
  } catch {
    return [];
  }
}

/** The report as the window's charts take it: limit readings labelled, times as ISO or epoch ms, outlooks in words. */
export function usageReportView(report: UsageReport, days: number, now: number): UsageReportView {
  const labels = new Map(report.forecasts.map(({ window, windowMinutes }) => [window, windowLabel(windowMinutes, window)]));
  return {
    days,
    since: new Date(report.since).toISOString(),
    dayModels: report.dayModels,
    perDay: report.days,
    total: report.total,
    limits: report.limits.map((reading) => ({
      at: reading.at,
      label: labels.get(reading.window) ?? windowLabel(reading.windowMinutes, reading.window),
      usedPercent: reading.usedPercent,
      ...(reading.resetsAt === undefined ? {} : { resetsAt: reading.resetsAt }),
    })),
    forecasts: forecastViews(report, now),
  };
}

/** Newest first, the requests recorded in `home` before `before` (epoch ms), as the inspector lists them. */
export function pastRequests(home: string, limit: number, before: number | undefined): PastRow[] {
  const store = openHistoryStore(home, { create: false });
  try {
    return (store?.recentRequests(limit, before) ?? []).map(pastRow);
  } finally {
    store?.close();
  }
}

/** The paths the front-ends are served on, for rows read back from history (which records the front-end). */
const FRONT_END_PATHS: Record<string, string> = { chat: '/v1/chat/completions', responses: '/v1/responses', messages: '/v1/messages' };

function pastRow(record: RequestRecord): PastRow {
  const frontEnd = record.frontEnd as NonNullable<LogRow['frontEnd']>;
  const optional = {
    model: record.alias,
    upstreamModel: record.model,
    stream: record.stream,
    attempts: record.attempts,
    promptTokens: record.inputTokens,
    cachedTokens: record.cachedTokens,
    outputTokens: record.outputTokens,
    reasoningTokens: record.reasoningTokens,
    // History keeps the error's code, not its words.
    error: record.errorCode,
    errorCode: record.errorCode,
    userAgent: record.userAgent,
    effort: record.effort,
    tier: record.tier,
    fallbackFrom: record.fallbackFrom,
    bridgeMs: record.bridgeMs,
    upstreamMs: record.upstreamMs,
    firstTokenMs: record.firstTokenMs,
  };
  return {
    id: record.id,
    at: new Date(record.at).toISOString(),
    method: 'POST',
    path: FRONT_END_PATHS[frontEnd] ?? frontEnd,
    status: record.status,
    latencyMs: Math.round(record.totalMs),
    frontEnd,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
    fromHistory: true,
  };
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

/** One outlook per window whose pace is known: `5h`: `at this pace the 5h window runs out at 14:20`. */
export function forecastViews(report: UsageReport, now: number): ForecastView[] {
  return report.forecasts.flatMap(({ window, windowMinutes, forecast }) => {
    const text = describeForecast(forecast, windowMinutes, window, now);
    return text === undefined ? [] : [{ label: windowLabel(windowMinutes, window), text }];
  });
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
