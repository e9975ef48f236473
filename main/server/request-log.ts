import type { InFlightRow, LogRow } from '../../shared/bridge-api.js';
import { boundedEcho, escapeControls, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS } from '../errors/client-text.js';
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
  start(raw: RequestStart, live: Partial<RequestLogEntry>): void {
    // The path and user-agent are the client's words: cleaned like a finished entry's before the window sees them.
    const start: RequestStart = {
      ...raw,
      path: cleanText(raw.path, MAX_FIELD_CHARS),
      ...(raw.userAgent === undefined ? {} : { userAgent: cleanText(raw.userAgent, MAX_FIELD_CHARS) }),
    };
    this.tracked.set(start.id, { start, live, seen: fingerprint(live), row: inFlightRow(start, live) });
    this.changed();
  }

  /** A request finished. */
  add(raw: RequestLogEntry): void {
    const entry = cleanEntry(raw);
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
    ...(live.model ? { model: cleanText(live.model, MAX_FIELD_CHARS) } : {}),
    ...(live.upstreamModel ? { upstreamModel: live.upstreamModel } : {}),
    ...(live.stream === undefined ? {} : { stream: live.stream }),
    ...(live.chunks === undefined ? {} : { chunks: live.chunks }),
    ...(live.attempts === undefined ? {} : { attempts: live.attempts }),
    ...(live.effort ? { effort: live.effort } : {}),
    ...(live.tier ? { tier: live.tier } : {}),
    ...(live.fallbackFrom ? { fallbackFrom: live.fallbackFrom } : {}),
  };
}

/**
 * Every text field of an entry can echo client input (model, path, error, and whatever later fields carry): each is
 * redacted (a token pasted into the wrong place), bounded and has its control characters escaped, since the entry is
 * kept in memory, printed to a terminal and shown in the window.
 */
function cleanEntry(raw: RequestLogEntry): RequestLogEntry {
  const entry: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') entry[key] = cleanText(value, key === 'error' ? MAX_MESSAGE_CHARS : MAX_FIELD_CHARS);
  }
  return entry as unknown as RequestLogEntry;
}

/** Redacted, control characters escaped, bounded: what a client string may look like in memory, a terminal or the window. */
function cleanText(value: string, maxChars: number): string {
  return boundedEcho(value, maxChars, (text) => escapeControls(redactSecrets(text)));
}
