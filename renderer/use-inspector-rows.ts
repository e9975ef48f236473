import { useCallback, useEffect, useRef, useState } from 'react';
import type { InFlightRow, LogRow, PastRow } from '../shared/bridge-api.js';
import { errorMessage } from './format.js';

/** Finished rows kept in the window (live and from history together). */
const FINISHED_KEPT = 1000;
/** Rows asked of the history at a time. */
export const HISTORY_PAGE = 100;

export type FinishedRow = LogRow | PastRow;

export interface InspectorRows {
  inFlight: InFlightRow[];
  /** Newest first: what finished while the window was open, then the core's recent ones, then history. */
  finished: FinishedRow[];
  error: string | undefined;
  /** Whether the history may hold older rows than those loaded. */
  moreHistory: boolean;
  loadOlder(): void;
}

function byNewest(a: FinishedRow, b: FinishedRow): number {
  return b.at.localeCompare(a.at);
}

/** One row per request: a live row (it has the words of its error) wins over the same request read from history. */
function merged(current: readonly FinishedRow[], incoming: readonly FinishedRow[]): FinishedRow[] {
  const rows = new Map<string, FinishedRow>();
  for (const row of [...current, ...incoming]) {
    const known = rows.get(row.id);
    if (!known || ('fromHistory' in known && !('fromHistory' in row))) rows.set(row.id, row);
  }
  return [...rows.values()].sort(byNewest).slice(0, FINISHED_KEPT);
}

/** The requests for the inspector: in flight (live), finished (live), and past ones from the usage history. */
export function useInspectorRows(): InspectorRows {
  const [inFlight, setInFlight] = useState<InFlightRow[]>([]);
  const [finished, setFinished] = useState<FinishedRow[]>([]);
  const [error, setError] = useState<string>();
  const [moreHistory, setMoreHistory] = useState(false);
  const oldest = useRef<number | null>(null);
  const mounted = useRef(true);

  const loadHistory = useCallback((before: number | null) => {
    window.bridge.requestHistory(HISTORY_PAGE, before).then(
      (past) => {
        if (!mounted.current) return;
        const last = past.at(-1);
        if (last) oldest.current = Date.parse(last.at);
        setMoreHistory(past.length === HISTORY_PAGE);
        setFinished((current) => merged(current, past));
      },
      (failure: unknown) => mounted.current && setError(errorMessage(failure)),
    );
  }, []);

  useEffect(() => {
    mounted.current = true;
    // Subscribe before asking for what is there, so nothing in between is lost.
    const stops = [
      window.bridge.onInFlight((rows) => setInFlight(rows)),
      window.bridge.onLog((row) => setFinished((current) => merged(current, [row]))),
    ];
    window.bridge.inFlightRequests().then(
      (rows) => mounted.current && setInFlight((current) => (current.length > 0 ? current : rows)),
      (failure: unknown) => mounted.current && setError(errorMessage(failure)),
    );
    window.bridge.recentLog().then(
      (recent) => mounted.current && setFinished((current) => merged(current, recent)),
      (failure: unknown) => mounted.current && setError(errorMessage(failure)),
    );
    loadHistory(null);
    return () => {
      mounted.current = false;
      for (const stop of stops) stop();
    };
  }, [loadHistory]);

  const loadOlder = useCallback(() => loadHistory(oldest.current), [loadHistory]);

  // A request that finished is no longer in flight, whichever of the two events came first.
  const done = new Set(finished.map((row) => row.id));
  return { inFlight: inFlight.filter((row) => !done.has(row.id)), finished, error, moreHistory, loadOlder };
}
