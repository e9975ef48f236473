import type { CheckRow } from '../../shared/bridge-api.js';
import { useLoad } from '../use-async.js';
import { CodeText } from './CodeText.js';
import { Section } from './Section.js';

const runChecks = () => window.bridge.runChecks();

function summary(rows: readonly CheckRow[]): string {
  const failing = rows.filter((row) => !row.ok).length;
  return failing === 0 ? `All ${rows.length} checks pass.` : `${failing} of ${rows.length} checks need attention.`;
}

function CheckList({ rows }: { rows: readonly CheckRow[] }) {
  return (
    <ul className="checks">
      {rows.map((row) => (
        <li key={row.id} className={row.ok ? 'check check-ok' : 'check check-fail'} data-check={row.id}>
          <span className="check-mark" role="img" aria-label={row.ok ? 'OK' : 'Problem'}>
            {row.ok ? '✓' : '✗'}
          </span>
          <div className="check-body">
            <div className="check-title">{row.title}</div>
            <div className="check-detail">
              <CodeText text={row.detail} />
            </div>
            {!row.ok && row.fix ? (
              <div className="check-fix">
                Fix: <CodeText text={row.fix} />
              </div>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The prerequisite checks: one line when all pass (the list behind a disclosure), the list open when some fail. */
export function ChecksPanel() {
  const checks = useLoad(runChecks);
  const recheck = (
    <button type="button" onClick={checks.reload} disabled={checks.loading}>
      {checks.loading ? 'Checking…' : 'Re-check'}
    </button>
  );
  const rows = checks.data;
  const failing = rows?.some((row) => !row.ok) ?? false;
  return (
    <Section title="Prerequisites" actions={recheck}>
      {checks.error ? <p className="error-text">Could not run the checks: {checks.error}</p> : null}
      {rows ? (
        <details className="checks-details" open={failing}>
          <summary>{summary(rows)}</summary>
          <CheckList rows={rows} />
        </details>
      ) : null}
    </Section>
  );
}
