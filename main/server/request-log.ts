import type { InFlightRow, LogRow } from '../../shared/bridge-api.js';
import { redactSecrets } from '../errors/redact-secrets.js';

export type RequestLogEntry = LogRow;

export type RequestLogListener = (entry: RequestLogEntry) => void;

export type InFlightListener = (rows: InFlightRow[]) => void;

/** What the server knows of a request the moment it arrives. */
export interface RequestStart {
  id: string;
  startedAt: string;
  method: string;
  path: string;
  userAgent?: string;
}

/** Progress of one request is looked at (and announced) at most this often. */
export const PROGRESS_EVERY_MS = 250;
/** The in-flight list a watcher gets holds at most this many requests (the oldest: long agent turns matter most). */
export const IN_FLIGHT_SHOWN = 50;

interface Tracked {
  start: RequestStart;
  /** The route's own log object, filled in as the request goes (alias, attempts, chunks relayed). */
  live: Partial<RequestLogEntry>;
  /** What `row` was built from, to tell a change. */
  seen: string;
  row: InFlightRow;
}

/**
 * Keeps the last finished entries in memory and fans new ones out to subscribers (CLI printer, history, the app);
 * tracks the requests still being answered for watchers of the in-flight list. Progress costs the request path
 * nothing: the route only fills in its log object, and a timer that runs only while someone watches and something is
 * in flight looks at those objects every PROGRESS_EVERY_MS and announces the list when anything changed.
 */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private readonly listeners = new Set<RequestLogListener>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly watchers = new Set<InFlightListener>();
  private ticker: NodeJS.Timeout | undefined;
  private announcing = false;

  constructor(private readonly capacity = 500) {}

  /** A request arrived; `live` is the object its route fills in until `add` reports it finished. */
  start(start: RequestStart, live: Partial<RequestLogEntry>): void {
    this.tracked.set(start.id, { start, live, seen: fingerprint(live), row: inFlightRow(start, live) });
    this.changed();
  }

  /** A request finished. */
  add(raw: RequestLogEntry): void {
    // Fields that echo client input can carry a token pasted into the wrong place.
    const entry = { ...raw, ...(raw.model ? { model: redactSecrets(raw.model) } : {}), ...(raw.error ? { error: redactSecrets(raw.error) } : {}) };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    if (this.tracked.delete(entry.id)) this.changed();
    for (const listener of this.listeners) listener(entry);
  }

  recent(limit = this.capacity): RequestLogEntry[] {
    return this.entries.slice(-limit);
  }

  subscribe(listener: RequestLogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The requests being answered now, oldest first, at most IN_FLIGHT_SHOWN. */
  inFlight(): InFlightRow[] {
    const rows: InFlightRow[] = [];
    for (const tracked of this.tracked.values()) {
      if (rows.length === IN_FLIGHT_SHOWN) break;
      rows.push(this.refreshed(tracked));
    }
    return rows;
  }

  /** Told the in-flight list when a request starts or finishes, and when one made progress (at most every PROGRESS_EVERY_MS). */
  watchInFlight(listener: InFlightListener): () => void {
    this.watchers.add(listener);
    this.schedule();
    return () => {
      this.watchers.delete(listener);
      this.schedule();
    };
  }

  private refreshed(tracked: Tracked): InFlightRow {
    const { live } = tracked;
    const seen = fingerprint(live);
    if (seen !== tracked.seen) {
      tracked.seen = seen;
      tracked.row = inFlightRow(tracked.start, live);
    }
    return tracked.row;
  }

  /** A start or finish: announced on the next turn (a burst of them once). */
  private changed(): void {
    if (this.watchers.size === 0 || this.announcing) return;
    this.announcing = true;
    setImmediate(() => {
      this.announcing = false;
      this.announce();
      this.schedule();
    });
  }

  private announce(): void {
    const rows = this.inFlight();
    for (const watcher of this.watchers) watcher(rows);
  }

  /** Progress looked at only while someone watches and something is in flight. */
  private schedule(): void {
    const needed = this.watchers.size > 0 && this.tracked.size > 0;
    if (needed && !this.ticker) {
      this.ticker = setInterval(() => this.tick(), PROGRESS_EVERY_MS);
      this.ticker.unref();
    } else if (!needed && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private tick(): void {
    let moved = false;
    let shown = 0;
    for (const tracked of this.tracked.values()) {
      if (shown++ === IN_FLIGHT_SHOWN) break;
      const before = tracked.row;
      if (this.refreshed(tracked) !== before) moved = true;
    }
    if (moved) this.announce();
    this.schedule();
  }
}

function fingerprint(live: Partial<RequestLogEntry>): string {
  return `${live.model}|${live.upstreamModel}|${live.attempts}|${live.chunks}|${live.effort}|${live.fallbackFrom}|${live.stream}`;
}

function inFlightRow(start: RequestStart, live: Partial<RequestLogEntry>): InFlightRow {
  return {
    id: start.id,
    startedAt: start.startedAt,
    method: start.method,
    path: start.path,
    phase: live.chunks ? 'streaming' : 'waiting',
    ...(start.userAgent === undefined ? {} : { userAgent: start.userAgent }),
    ...(live.frontEnd ? { frontEnd: live.frontEnd } : {}),
    ...(live.model ? { model: redactSecrets(live.model) } : {}),
    ...(live.upstreamModel ? { upstreamModel: live.upstreamModel } : {}),
    ...(live.stream === undefined ? {} : { stream: live.stream }),
    ...(live.chunks === undefined ? {} : { chunks: live.chunks }),
    ...(live.attempts === undefined ? {} : { attempts: live.attempts }),
    ...(live.effort ? { effort: live.effort } : {}),
    ...(live.tier ? { tier: live.tier } : {}),
    ...(live.fallbackFrom ? { fallbackFrom: live.fallbackFrom } : {}),
  };
}

/** `POST /v1/chat/completions 200 1834ms bridge-pro-high→gpt-6.2-astra msgs=4 tools=2 chunks=57 bridge=0.4ms upstream=812.3ms` */
export function formatLogLine(entry: RequestLogEntry): string {
  const parts = [entry.at.slice(11, 19), entry.method, entry.path, String(entry.status), `${entry.latencyMs}ms`];
  if (entry.model) parts.push(entry.upstreamModel ? `${entry.model}→${entry.upstreamModel}` : entry.model);
  if (entry.messages !== undefined) parts.push(`msgs=${entry.messages}`);
  if (entry.tools !== undefined) parts.push(`tools=${entry.tools}`);
  if (entry.stream) parts.push(`chunks=${entry.chunks ?? 0}`);
  if (entry.attempts !== undefined && entry.attempts > 1) parts.push(`attempts=${entry.attempts}`);
  if (entry.promptTokens) parts.push(`cached=${entry.cachedTokens ?? 0}/${entry.promptTokens}`);
  if (entry.upstreamMs !== undefined) parts.push(`bridge=${entry.bridgeMs}ms upstream=${entry.upstreamMs}ms`);
  if (entry.fallbackFrom) parts.push(`fallback-from=${entry.fallbackFrom}`);
  if (entry.error) parts.push(`error="${entry.error}"`);
  return parts.join(' ');
}
