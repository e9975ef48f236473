import { useEffect, useState } from 'react';
import type { LogRow } from '../shared/bridge-api.js';
import { errorMessage } from './format.js';

/** Enough to see what a client just did; older rows stay in the core's log. */
export const LOG_ROWS_SHOWN = 200;

/** Newest first; a row that arrived live and is also in the initial batch is shown once. */
function mergeNewestFirst(newer: readonly LogRow[], older: readonly LogRow[]): LogRow[] {
  const seen = new Set(newer.map((row) => row.id));
  return [...newer, ...older.filter((row) => !seen.has(row.id))].slice(0, LOG_ROWS_SHOWN);
}

/** The live request log: the core's recent rows, then every new one as it finishes. */
export function useRequestLog(): { rows: LogRow[]; error: string | undefined } {
  const [rows, setRows] = useState<LogRow[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let mounted = true;
    // Subscribe before asking for the backlog, so nothing finishing in between is lost.
    const unsubscribe = window.bridge.onLog((row) => setRows((current) => mergeNewestFirst([row], current)));
    window.bridge.recentLog().then(
      (recent) => mounted && setRows((current) => mergeNewestFirst(current, [...recent].reverse())),
      (failure: unknown) => mounted && setError(errorMessage(failure)),
    );
    return () => {
      mounted = false;
      unsubscribe();
    };
  }, []);

  return { rows, error };
}
