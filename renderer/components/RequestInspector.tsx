import { useEffect, useMemo, useState } from 'react';
import type { InFlightRow } from '../../shared/bridge-api.js';
import { latency, requestTime, statusTone } from '../format.js';
import { useInspectorRows, type FinishedRow } from '../use-inspector-rows.js';
import { DataTable, type Column } from './DataTable.js';
import { Section } from './Section.js';

const NONE = '–';

type StatusFilter = 'all' | 'ok' | 'errors' | 'in-flight';
const STATUS_FILTERS: Array<{ value: StatusFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'ok', label: 'OK' },
  { value: 'errors', label: 'Errors' },
  { value: 'in-flight', label: 'In flight' },
];

type Row = { kind: 'live'; row: InFlightRow } | { kind: 'done'; row: FinishedRow };

function rowModel(row: InFlightRow | FinishedRow): string | undefined {
  return row.model;
}

function count(value: number | undefined): string {
  return value === undefined ? NONE : value.toLocaleString('en-US');
}

function ms(value: number | undefined): string {
  return value === undefined ? NONE : latency(value);
}

/** Seconds tick while something is in flight, so its running time moves. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

function liveState(row: InFlightRow): string {
  if (row.phase === 'waiting') return row.attempts !== undefined && row.attempts > 1 ? `retrying (attempt ${row.attempts})` : 'waiting';
  return `streaming · ${row.chunks ?? 0} chunks`;
}

function tokensText(row: FinishedRow): string {
  if (row.promptTokens === undefined && row.outputTokens === undefined) return NONE;
  return `${count(row.cachedTokens ?? 0)} / ${count(row.promptTokens)} → ${count(row.outputTokens)}`;
}

interface ModelTotals {
  model: string;
  requests: number;
  errors: number;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

const TOTAL_COLUMNS: Column<ModelTotals>[] = [
  { header: 'Model', cell: (total) => total.model },
  { header: 'Requests', numeric: true, cell: (total) => total.requests },
  { header: 'Errors', numeric: true, cell: (total) => total.errors },
  { header: 'In', numeric: true, cell: (total) => count(total.input) },
  { header: 'Cached', numeric: true, cell: (total) => count(total.cached) },
  { header: 'Out', numeric: true, cell: (total) => count(total.output) },
  { header: 'Reasoning', numeric: true, cell: (total) => count(total.reasoning) },
];

function totalsPerModel(rows: readonly FinishedRow[]): ModelTotals[] {
  const totals = new Map<string, ModelTotals>();
  for (const row of rows) {
    if (!row.model) continue;
    const entry = totals.get(row.model) ?? { model: row.model, requests: 0, errors: 0, input: 0, cached: 0, output: 0, reasoning: 0 };
    entry.requests += 1;
    if (row.status >= 400) entry.errors += 1;
    entry.input += row.promptTokens ?? 0;
    entry.cached += row.cachedTokens ?? 0;
    entry.output += row.outputTokens ?? 0;
    entry.reasoning += row.reasoningTokens ?? 0;
    totals.set(row.model, entry);
  }
  return [...totals.values()].sort((a, b) => a.model.localeCompare(b.model));
}

function Details({ row, now, onClose }: { row: Row; now: number; onClose(): void }) {
  const r = row.row;
  const done = row.kind === 'done' ? row.row : undefined;
  const items: Array<[string, string]> = [
    ['Status', done ? String(done.status) : liveState(row.row as InFlightRow)],
    ['Request', `${r.method} ${r.path}${r.frontEnd ? ` (${r.frontEnd})` : ''}`],
    ['Model', r.model ? (r.upstreamModel ? `${r.model} → ${r.upstreamModel}` : r.model) : NONE],
    ['Effort / tier', `${r.effort ?? NONE} / ${r.tier ?? NONE}`],
    ['Attempts', r.attempts === undefined ? NONE : String(r.attempts)],
    ['Stream', r.stream === undefined ? NONE : r.stream ? `yes · ${r.chunks ?? 0} chunks` : 'no'],
  ];
  if (r.fallbackFrom) items.push(['Served by the fallback for', r.fallbackFrom]);
  if (done) {
    items.push(['Timing', `bridge ${ms(done.bridgeMs)} · upstream ${ms(done.upstreamMs)} · first token ${ms(done.firstTokenMs)} · total ${latency(done.latencyMs)}`]);
    items.push(['Tokens', `in ${count(done.promptTokens)} · cached ${count(done.cachedTokens)} · out ${count(done.outputTokens)} · reasoning ${count(done.reasoningTokens)}`]);
  } else {
    items.push(['Running for', latency(Math.max(0, now - Date.parse((row.row as InFlightRow).startedAt)))]);
  }
  items.push(['Client', r.userAgent ?? NONE]);
  if (done?.errorCode) items.push(['Error code', done.errorCode]);
  return (
    <section className="inspector-details" aria-label="Request details">
      <header className="card-header">
        <h3>
          {done ? requestTime(done.at) : requestTime((row.row as InFlightRow).startedAt)} {r.path}
          {done && 'fromHistory' in done ? <span className="muted small"> · from history</span> : null}
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <dl className="details-list">
        {items.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {done?.error ? (
        <div className="details-error">
          <h4>Error</h4>
          <pre className="error-text">{done.error}</pre>
        </div>
      ) : null}
    </section>
  );
}

/** The request inspector: requests as they start and progress, finished and past ones, with details, filters and totals. */
export function RequestInspector() {
  const live = useInspectorRows();
  const [status, setStatus] = useState<StatusFilter>('all');
  const [model, setModel] = useState('');
  const [frozen, setFrozen] = useState<{ inFlight: InFlightRow[]; finished: FinishedRow[] }>();
  const [cleared, setCleared] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string>();

  const shown = frozen ?? live;
  const inFlight = shown.inFlight.filter((row) => !cleared.has(row.id));
  const finished = shown.finished.filter((row) => !cleared.has(row.id));
  const now = useNow(inFlight.length > 0);
  const models = useMemo(() => [...new Set([...inFlight, ...finished].flatMap((row) => rowModel(row) ?? []))].sort(), [inFlight, finished]);

  const rows: Row[] = [
    ...(status === 'all' || status === 'in-flight' ? [...inFlight].reverse().map((row): Row => ({ kind: 'live', row })) : []),
    ...(status === 'in-flight'
      ? []
      : finished.filter((row) => status === 'all' || (status === 'ok' ? row.status < 400 : row.status >= 400)).map((row): Row => ({ kind: 'done', row }))),
  ].filter((row) => model === '' || row.row.model === model);
  // Details only of a row the filters show.
  const chosen = rows.find((row) => row.row.id === selected);
  const totals = totalsPerModel(finished);
  const newWhilePaused = frozen ? live.finished.filter((row) => !frozen.finished.some((old) => old.id === row.id)).length : 0;

  function clear(): void {
    setCleared(new Set([...cleared, ...live.inFlight.map((row) => row.id), ...live.finished.map((row) => row.id)]));
    setFrozen(undefined);
    setSelected(undefined);
  }

  const controls = (
    <>
      <button type="button" aria-pressed={frozen !== undefined} onClick={() => setFrozen(frozen ? undefined : { inFlight: live.inFlight, finished: live.finished })}>
        {frozen ? `Resume${newWhilePaused > 0 ? ` (${newWhilePaused} new)` : ''}` : 'Pause'}
      </button>
      <button type="button" onClick={clear}>
        Clear
      </button>
    </>
  );

  return (
    <Section title="Request inspector" className="inspector" actions={controls}>
      {live.error ? <p className="error-text">Could not load requests: {live.error}</p> : null}
      <div className="inspector-filters">
        <div role="radiogroup" aria-label="Status" className="segmented">
          {STATUS_FILTERS.map((filter) => (
            <button key={filter.value} type="button" role="radio" aria-checked={status === filter.value} onClick={() => setStatus(filter.value)}>
              {filter.label}
              {filter.value === 'in-flight' ? ` (${inFlight.length})` : ''}
            </button>
          ))}
        </div>
        <label>
          Model{' '}
          <select value={model} onChange={(event) => setModel(event.target.value)}>
            <option value="">All models</option>
            {models.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="inspector-body">
        {rows.length === 0 ? (
          <p className="muted">{inFlight.length + finished.length === 0 ? 'No requests yet.' : 'No request matches these filters.'}</p>
        ) : (
          <table className="inspector-table">
            <thead>
              <tr>
                <th className="col-time">Time</th>
                <th className="col-model">Model</th>
                <th className="col-status">Status</th>
                <th className="col-num wide-only">Tries</th>
                <th className="col-num">Duration</th>
                <th className="col-tokens wide-only">Cached / in → out</th>
                <th className="col-error">Error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((entry) => {
                const { row } = entry;
                const isSelected = row.id === selected;
                return (
                  <tr
                    key={row.id}
                    data-request={row.id}
                    data-state={entry.kind === 'live' ? 'in-flight' : 'done'}
                    className={isSelected ? 'selected' : undefined}
                    onClick={() => setSelected(isSelected ? undefined : row.id)}
                  >
                    <td className="col-time">
                      <button type="button" className="row-button" aria-expanded={isSelected} aria-label={`Details of the request at ${requestTime(entry.kind === 'live' ? entry.row.startedAt : entry.row.at)}`}>
                        {requestTime(entry.kind === 'live' ? entry.row.startedAt : entry.row.at)}
                      </button>
                    </td>
                    <td className="col-model">
                      {row.model ?? row.path}
                      {row.fallbackFrom ? (
                        <span className="badge" title={`Served by the usage-limit fallback for ${row.fallbackFrom}`}>
                          {' '}
                          fallback
                        </span>
                      ) : null}
                    </td>
                    <td className="col-status">
                      {entry.kind === 'live' ? (
                        <span className="status status-live">{liveState(entry.row)}</span>
                      ) : (
                        <span className={`status status-${statusTone(entry.row.status, entry.row.errorCode)}`}>{entry.row.status}</span>
                      )}
                    </td>
                    <td className="col-num wide-only">{row.attempts ?? NONE}</td>
                    <td className="col-num">{entry.kind === 'live' ? latency(Math.max(0, now - Date.parse(entry.row.startedAt))) : latency(entry.row.latencyMs)}</td>
                    <td className="col-tokens wide-only">{entry.kind === 'live' ? NONE : tokensText(entry.row)}</td>
                    <td className="col-error">{entry.kind === 'done' && entry.row.error ? <div className="error-clamp">{entry.row.error}</div> : null}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {chosen ? <Details row={chosen} now={now} onClose={() => setSelected(undefined)} /> : null}
      </div>
      {live.moreHistory && !frozen ? (
        <button type="button" onClick={live.loadOlder}>
          Load older requests
        </button>
      ) : null}
      {totals.length > 0 ? (
        <DataTable className="inspector-totals" label="Totals per model" columns={TOTAL_COLUMNS} rows={totals} rowKey={(total) => total.model} />
      ) : null}
    </Section>
  );
}
