import { useEffect, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageReportView } from '../../shared/bridge-api.js';
import { AXIS_COLOR, seriesColor, type Scheme } from '../chart-colors.js';
import { clockTime } from '../../shared/time-text.js';
import { useLoad } from '../use-async.js';
import { DataTable } from './DataTable.js';
import { Section } from './Section.js';

const PERIODS = [7, 30] as const;
const CHART_HEIGHT = 220;

function useScheme(): Scheme {
  const query = '(prefers-color-scheme: dark)';
  const [dark, setDark] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const changed = (): void => setDark(media.matches);
    media.addEventListener('change', changed);
    return () => media.removeEventListener('change', changed);
  }, []);
  return dark ? 'dark' : 'light';
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** `YYYY-MM-DD` of each local day of the period, so days without requests show as empty, not missing. */
function periodDays(since: string, days: number): string[] {
  const start = new Date(since);
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(start.getFullYear(), start.getMonth(), start.getDate() + i);
    return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  });
}

function shortDay(day: string): string {
  const [, month, date] = day.split('-');
  return `${Number(date)}/${Number(month)}`;
}

/** A chart with its words: a summary always read out, and its figures as a table (hidden unless asked for). */
function Figure({ title, summary, tablesShown, table, children }: { title: string; summary: string; tablesShown: boolean; table: ReactNode; children: ReactNode }) {
  return (
    <figure className="chart" aria-label={title}>
      <h3>{title}</h3>
      <div aria-hidden="true">{children}</div>
      <figcaption className="chart-summary">{summary}</figcaption>
      <div className={tablesShown ? 'chart-table' : 'visually-hidden'}>{table}</div>
    </figure>
  );
}

function TokensChart({ report, scheme, tablesShown }: { report: UsageReportView; scheme: Scheme; tablesShown: boolean }) {
  const days = periodDays(report.since, report.days);
  const models = [...new Set(report.dayModels.map((row) => row.model))].sort();
  const data = days.map((day) => {
    const point: Record<string, string | number> = { day: shortDay(day) };
    for (const row of report.dayModels.filter((each) => each.day === day)) point[row.model] = row.inputTokens + row.outputTokens;
    return point;
  });
  const perModel = models.map((model) => ({
    model,
    tokens: report.dayModels.filter((row) => row.model === model).reduce((sum, row) => sum + row.inputTokens + row.outputTokens, 0),
  }));
  const total = report.total.inputTokens + report.total.outputTokens;
  const summary =
    total === 0
      ? `No tokens recorded in the last ${report.days} days.`
      : `${count(total)} tokens in the last ${report.days} days: ${perModel.map((row) => `${row.model} ${count(row.tokens)}`).join(', ')}.`;
  return (
    <Figure
      title="Tokens per day by model"
      summary={summary}
      tablesShown={tablesShown}
      table={
        <DataTable
          caption="Tokens (input + output) per day and model"
          columns={[
            { header: 'Day', cell: (row) => row.day },
            { header: 'Model', cell: (row) => row.model },
            { header: 'Input', numeric: true, cell: (row) => count(row.inputTokens) },
            { header: 'Output', numeric: true, cell: (row) => count(row.outputTokens) },
          ]}
          rows={report.dayModels}
          rowKey={(row) => `${row.day}:${row.model}`}
        />
      }
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={AXIS_COLOR[scheme]} strokeOpacity={0.3} />
          <XAxis dataKey="day" stroke={AXIS_COLOR[scheme]} />
          <YAxis stroke={AXIS_COLOR[scheme]} tickFormatter={(value: number) => (value >= 1000 ? `${Math.round(value / 1000)}k` : String(value))} />
          <Tooltip />
          <Legend />
          {models.map((model, index) => (
            <Bar key={model} dataKey={model} stackId="tokens" fill={seriesColor(scheme, index)} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </Figure>
  );
}

function CachedChart({ report, scheme, tablesShown }: { report: UsageReportView; scheme: Scheme; tablesShown: boolean }) {
  const days = periodDays(report.since, report.days);
  const data = days.map((day) => {
    const row = report.perDay.find((each) => each.day === day);
    return { day: shortDay(day), cached: row && row.inputTokens > 0 ? Math.round(row.cachedShare * 1000) / 10 : null };
  });
  const summary =
    report.total.inputTokens === 0
      ? 'No input recorded, so no cached share.'
      : `${percent(report.total.cachedShare)} of ${count(report.total.inputTokens)} input tokens were cached over the last ${report.days} days.`;
  return (
    <Figure
      title="Cached share of input per day"
      summary={summary}
      tablesShown={tablesShown}
      table={
        <DataTable
          caption="Cached input per day"
          columns={[
            { header: 'Day', cell: (row) => row.day },
            { header: 'Input', numeric: true, cell: (row) => count(row.inputTokens) },
            { header: 'Cached', numeric: true, cell: (row) => count(row.cachedTokens) },
            { header: 'Share', numeric: true, cell: (row) => percent(row.cachedShare) },
          ]}
          rows={report.perDay}
          rowKey={(row) => row.day}
        />
      }
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={AXIS_COLOR[scheme]} strokeOpacity={0.3} />
          <XAxis dataKey="day" stroke={AXIS_COLOR[scheme]} />
          <YAxis domain={[0, 100]} unit="%" stroke={AXIS_COLOR[scheme]} />
          <Tooltip />
          <Line type="monotone" dataKey="cached" name="cached %" stroke={seriesColor(scheme, 0)} strokeWidth={2} connectNulls isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </Figure>
  );
}

function LimitsChart({ report, scheme, tablesShown }: { report: UsageReportView; scheme: Scheme; tablesShown: boolean }) {
  const now = Date.now();
  const labels = [...new Set(report.limits.map((reading) => reading.label))];
  const series = labels.map((label) => ({ label, readings: report.limits.filter((reading) => reading.label === label) }));
  // A window starts over at its reset: the resets already passed within the period are marked.
  const since = Date.parse(report.since);
  const resets = [...new Set(report.limits.flatMap((reading) => (reading.resetsAt !== undefined && reading.resetsAt <= now && reading.resetsAt >= since ? [Math.round(reading.resetsAt / 60_000) * 60_000] : [])))];
  const summaries = series.map(({ label, readings }) => {
    const latest = readings.at(-1);
    const peak = Math.max(...readings.map((reading) => reading.usedPercent));
    const passed = resets.filter((at) => readings.some((reading) => reading.resetsAt !== undefined && Math.abs(reading.resetsAt - at) < 60_000)).length;
    return `${label} window: ${readings.length} reading${readings.length === 1 ? '' : 's'}, latest ${Math.floor(latest?.usedPercent ?? 0)} %, peak ${Math.floor(peak)} %${passed > 0 ? `, ${passed} reset${passed === 1 ? '' : 's'} in this period` : ''}.`;
  });
  const forecasts = report.forecasts.map((forecast) => `${forecast.text[0]?.toUpperCase() ?? ''}${forecast.text.slice(1)}.`);
  const summary = series.length === 0 ? `No usage-limit readings in the last ${report.days} days.` : [...summaries, ...forecasts].join(' ');
  // A tick at local midnight every few days, so the axis reads as dates.
  const step = Math.ceil(report.days / 7);
  const ticks = periodDays(report.since, report.days)
    .filter((_, index) => index % step === 0)
    .map((day) => new Date(`${day}T00:00:00`).getTime());
  return (
    <Figure
      title="Limit use over time"
      summary={summary}
      tablesShown={tablesShown}
      table={
        <DataTable
          caption="Usage-limit readings"
          columns={[
            { header: 'Window', cell: (reading) => reading.label },
            { header: 'Read at', cell: (reading) => clockTime(reading.at, Date.now()) },
            { header: 'Used', numeric: true, cell: (reading) => `${Math.floor(reading.usedPercent)} %` },
            { header: 'Resets', cell: (reading) => (reading.resetsAt === undefined ? '–' : clockTime(reading.resetsAt, Date.now())) },
          ]}
          rows={report.limits}
          rowKey={(reading) => `${reading.label}:${reading.at}`}
        />
      }
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={AXIS_COLOR[scheme]} strokeOpacity={0.3} />
          <XAxis
            dataKey="at"
            type="number"
            domain={[since, now]}
            ticks={ticks}
            stroke={AXIS_COLOR[scheme]}
            tickFormatter={(at: number) => `${new Date(at).getDate()}/${new Date(at).getMonth() + 1}`}
          />
          <YAxis domain={[0, 100]} unit="%" stroke={AXIS_COLOR[scheme]} />
          <Tooltip labelFormatter={(at) => clockTime(Number(at), Date.now())} />
          <Legend />
          {series.map(({ label, readings }, index) => (
            <Line key={label} data={readings} dataKey="usedPercent" name={`${label} window`} stroke={seriesColor(scheme, index)} strokeWidth={2} dot isAnimationActive={false} />
          ))}
          {resets.map((at) => (
            <ReferenceLine key={at} x={at} stroke={AXIS_COLOR[scheme]} strokeDasharray="4 2" label={{ value: 'reset', fill: AXIS_COLOR[scheme], position: 'insideTopRight' }} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </Figure>
  );
}

/** Where the tokens and the limits went: charts of the usage history, each with a summary and a table. */
export function UsageCharts() {
  const [days, setDays] = useState<(typeof PERIODS)[number]>(7);
  const [tablesShown, setTablesShown] = useState(false);
  const scheme = useScheme();
  const { data: report, error, reload } = useLoad(() => window.bridge.usageReport(days));
  useEffect(reload, [days, reload]);

  const controls = (
    <>
      <div role="group" aria-label="Period" className="segmented">
        {PERIODS.map((period) => (
          <button key={period} type="button" aria-pressed={days === period} onClick={() => setDays(period)}>
            {period} days
          </button>
        ))}
      </div>
      <button type="button" aria-pressed={tablesShown} onClick={() => setTablesShown(!tablesShown)}>
        Show as tables
      </button>
      <button type="button" onClick={reload}>
        Refresh
      </button>
    </>
  );

  return (
    <Section title="Usage" className="usage" actions={controls}>
      {error ? <p className="error-text">Could not read the usage history: {error}</p> : null}
      {report && report.days === days ? (
        <div className="charts">
          <TokensChart report={report} scheme={scheme} tablesShown={tablesShown} />
          <CachedChart report={report} scheme={scheme} tablesShown={tablesShown} />
          <LimitsChart report={report} scheme={scheme} tablesShown={tablesShown} />
        </div>
      ) : (
        <p className="muted">{error ? '' : 'Reading the usage history…'}</p>
      )}
    </Section>
  );
}
