/**
 * Records requests and usage-limit readings into the history store off the request path: entries are queued and
 * written in one transaction per batch (on a timer, when the batch is full, and on close). The history is a record,
 * never a dependency: a store that cannot be opened or written (full disk, read-only or locked file) loses the
 * batch, is reported once, and is tried again with the next batch.
 */
import type { RequestLogEntry } from '../server/request-log.js';
import type { UsageLimits } from '../usage/usage-limits.js';
import type { HistoryStore, LimitReading, RequestRecord } from './history-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * An unchanged limit reading is kept at most this often: often enough that a flat stretch shows in the forecast's
 * pace (use that stopped growing is not extrapolated), rarely enough that one row per answer is not stored.
 */
export const UNCHANGED_READING_EVERY_MS = 5 * 60 * 1000;
/** A reset time derived from `reset-after-seconds` drifts by seconds between answers: the same window. */
const SAME_RESET_MS = 2 * 60 * 1000;

export interface HistoryRecorderOptions {
  /** Opens the store; may throw (then the batch is lost and the next one tries again). */
  open(): HistoryStore | undefined;
  /** Read at each prune, so a settings change applies at the next one. */
  retentionDays(): number;
  /** Told once, the first time history is lost. */
  onProblem(message: string): void;
  flushMs?: number;
  maxBatch?: number;
  now?: () => number;
}

export interface HistoryRecorder {
  /** A request-log entry; only model requests (those with a front-end) are kept. */
  request(entry: RequestLogEntry): void;
  /** A limit reading: kept when it changed, else at most every UNCHANGED_READING_EVERY_MS per window. */
  limits(limits: UsageLimits): void;
  /** Writes what is queued now. */
  flush(): void;
  /** Writes what is queued and closes the store. */
  close(): void;
}

export function createHistoryRecorder(options: HistoryRecorderOptions): HistoryRecorder {
  const now = options.now ?? Date.now;
  const flushMs = options.flushMs ?? 1_000;
  // A batch costs about 6 µs a row on the event loop: 100 rows keep any one write well under a millisecond.
  const maxBatch = options.maxBatch ?? 100;
  let requests: RequestRecord[] = [];
  let limits: LimitReading[] = [];
  let store: HistoryStore | undefined;
  let timer: NodeJS.Timeout | undefined;
  let reported = false;
  let closed = false;
  let prunedAt = 0;
  const lastKept = new Map<LimitReading['window'], LimitReading>();

  function worthKeeping(reading: LimitReading): boolean {
    const last = lastKept.get(reading.window);
    const same =
      last !== undefined &&
      last.usedPercent === reading.usedPercent &&
      Math.abs((last.resetsAt ?? 0) - (reading.resetsAt ?? 0)) <= SAME_RESET_MS &&
      reading.at - last.at < UNCHANGED_READING_EVERY_MS;
    if (!same) lastKept.set(reading.window, reading);
    return !same;
  }

  function lose(error: unknown): void {
    if (reported) return;
    reported = true;
    options.onProblem(`usage history is not being recorded: ${error instanceof Error ? error.message : String(error)}`);
  }

  function storeNow(): HistoryStore | undefined {
    if (store) return store;
    try {
      store = options.open();
    } catch (error) {
      lose(error);
    }
    return store;
  }

  function pruneIfDue(target: HistoryStore): void {
    if (now() - prunedAt < DAY_MS) return;
    prunedAt = now();
    target.prune(now() - options.retentionDays() * DAY_MS);
  }

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = { requests, limits };
    requests = [];
    limits = [];
    const target = storeNow();
    if (!target) return;
    try {
      pruneIfDue(target);
      if (batch.requests.length > 0 || batch.limits.length > 0) target.write(batch);
    } catch (error) {
      lose(error);
    }
  }

  function queued(): void {
    if (closed) return;
    if (requests.length + limits.length >= maxBatch) setImmediate(flush);
    else if (!timer) {
      timer = setTimeout(flush, flushMs);
      timer.unref();
    }
  }

  // Prune at start (the daily ones follow on flushes).
  const initial = storeNow();
  if (initial) {
    try {
      pruneIfDue(initial);
    } catch (error) {
      lose(error);
    }
  }

  return {
    request(entry) {
      if (closed || entry.frontEnd === undefined) return;
      requests.push(requestRecord(entry, entry.frontEnd));
      queued();
    },
    limits(reading) {
      if (closed) return;
      limits.push(...limitReadings(reading).filter(worthKeeping));
      queued();
    },
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
      store?.close();
      store = undefined;
    },
  };
}

function requestRecord(entry: RequestLogEntry, frontEnd: string): RequestRecord {
  return {
    id: entry.id,
    at: Date.parse(entry.at),
    frontEnd,
    userAgent: entry.userAgent,
    alias: entry.model,
    model: entry.upstreamModel,
    effort: entry.effort,
    tier: entry.tier,
    status: entry.status,
    errorCode: entry.errorCode,
    attempts: entry.attempts,
    stream: entry.stream,
    fallbackFrom: entry.fallbackFrom,
    bridgeMs: entry.bridgeMs,
    upstreamMs: entry.upstreamMs,
    firstTokenMs: entry.firstTokenMs,
    totalMs: entry.latencyMs,
    inputTokens: entry.promptTokens,
    cachedTokens: entry.cachedTokens,
    outputTokens: entry.outputTokens,
    reasoningTokens: entry.reasoningTokens,
  };
}

function limitReadings(limits: UsageLimits): LimitReading[] {
  const readings: LimitReading[] = [];
  for (const window of ['primary', 'secondary'] as const) {
    const reading = limits[window];
    if (reading) readings.push({ at: limits.observedAt, window, usedPercent: reading.usedPercent, windowMinutes: reading.windowMinutes, resetsAt: reading.resetsAt });
  }
  return readings;
}
