import type { LogRow } from '../../shared/bridge-api.js';
import { clockTime, latency, statusTone } from '../format.js';
import { LOG_ROWS_SHOWN, useRequestLog } from '../use-request-log.js';
import { Section } from './Section.js';

const NONE = '–';

function modelCell(row: LogRow): string {
  if (!row.model) return NONE;
  return row.upstreamModel ? `${row.model} → ${row.upstreamModel}` : row.model;
}

function countsCell(row: LogRow): string {
  if (row.messages === undefined && row.tools === undefined) return NONE;
  return `${row.messages ?? NONE} / ${row.tools ?? NONE}`;
}

function tokensCell(row: LogRow): string {
  return row.promptTokens ? `${row.cachedTokens ?? 0} / ${row.promptTokens}` : NONE;
}

export function RequestLogTable({ localUrl }: { localUrl: string }) {
  const { rows, error } = useRequestLog();
  return (
    <Section title="Requests" className="log" actions={<span className="muted small">newest first · last {LOG_ROWS_SHOWN}</span>}>
      {error ? <p className="error-text">Could not load earlier requests: {error}</p> : null}
      {rows.length === 0 ? (
        <p className="muted">
          No requests yet. Point a client at <code>{localUrl}</code>.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="requests">
            <thead>
              <tr>
                <th>Time</th>
                <th>Request</th>
                <th>Status</th>
                <th className="num">Latency</th>
                <th>Model → upstream</th>
                <th className="num wide-only">Msgs / tools</th>
                <th className="num wide-only">Chunks</th>
                <th className="num wide-only">Cached / prompt</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-request={row.id}>
                  <td className="nowrap">{clockTime(row.at)}</td>
                  <td className="nowrap">
                    <span className="method">{row.method}</span> {row.path}
                  </td>
                  <td>
                    <span className={`status status-${statusTone(row.status)}`}>{row.status}</span>
                  </td>
                  <td className="num nowrap">
                    {latency(row.latencyMs)}
                    {row.attempts !== undefined && row.attempts > 1 ? <span className="muted small"> ({row.attempts} tries)</span> : null}
                  </td>
                  <td>{modelCell(row)}</td>
                  <td className="num wide-only">{countsCell(row)}</td>
                  <td className="num wide-only">{row.stream ? (row.chunks ?? 0) : NONE}</td>
                  <td className="num wide-only">{tokensCell(row)}</td>
                  <td className="error-cell">{row.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
