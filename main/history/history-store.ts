/**
 * The usage history: one SQLite file (`history.sqlite` in CODEX_BRIDGE_HOME, 0600, WAL) holding every model request
 * and every usage-limit reading. Schema changes are numbered migrations tracked in `PRAGMA user_version`.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Database from 'better-sqlite3';

// The SQLite binding loads with the first open (the first history batch, off the request path), not with the server.
const loadSqlite = (): typeof Database => createRequire(import.meta.url)('better-sqlite3') as typeof Database;

export const HISTORY_FILE = 'history.sqlite';

export interface RequestRecord {
  id: string;
  /** Epoch ms the request was logged (its end). */
  at: number;
  frontEnd: string;
  userAgent?: string;
  /** The alias the client asked for and the upstream model that answered. */
  alias?: string;
  model?: string;
  effort?: string;
  tier?: string;
  status: number;
  errorCode?: string;
  attempts?: number;
  stream?: boolean;
  fallbackFrom?: string;
  bridgeMs?: number;
  upstreamMs?: number;
  firstTokenMs?: number;
  totalMs: number;
  inputTokens?: number;
  cachedTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
}

export interface LimitReading {
  /** Epoch ms of the reading. */
  at: number;
  window: 'primary' | 'secondary';
  windowMinutes?: number;
  usedPercent: number;
  /** Epoch ms the window starts over. */
  resetsAt?: number;
}

export interface TokenCounts {
  requests: number;
  errors: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** Tokens and requests of one model on one local calendar day. */
export interface DayModelTotals extends TokenCounts {
  /** `YYYY-MM-DD` in the local time zone. */
  day: string;
  model: string;
}

export interface HistoryStore {
  readonly path: string;
  /** Writes one batch in one transaction: all of it or nothing. */
  write(batch: { requests: RequestRecord[]; limits: LimitReading[] }): void;
  /** Deletes what is older than `before` (epoch ms); returns the rows removed. */
  prune(before: number): number;
  dailyModelTotals(since: number): DayModelTotals[];
  limitReadings(since: number): LimitReading[];
  /** Newest first, for the request inspector. */
  recentRequests(limit: number, before?: number): RequestRecord[];
  close(): void;
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE requests (
     id TEXT PRIMARY KEY, at INTEGER NOT NULL, front_end TEXT NOT NULL, user_agent TEXT, alias TEXT, model TEXT,
     effort TEXT, tier TEXT, status INTEGER NOT NULL, error_code TEXT, attempts INTEGER, stream INTEGER, fallback_from TEXT,
     bridge_ms REAL, upstream_ms REAL, first_token_ms REAL, total_ms REAL NOT NULL,
     input_tokens INTEGER, cached_tokens INTEGER, output_tokens INTEGER, reasoning_tokens INTEGER
   );
   CREATE INDEX requests_at ON requests (at);
   CREATE TABLE limit_readings (
     at INTEGER NOT NULL, window TEXT NOT NULL, window_minutes INTEGER, used_percent REAL NOT NULL, resets_at INTEGER
   );
   CREATE INDEX limit_readings_at ON limit_readings (at);`,
];

const REQUEST_COLUMNS = {
  id: 'id',
  at: 'at',
  frontEnd: 'front_end',
  userAgent: 'user_agent',
  alias: 'alias',
  model: 'model',
  effort: 'effort',
  tier: 'tier',
  status: 'status',
  errorCode: 'error_code',
  attempts: 'attempts',
  stream: 'stream',
  fallbackFrom: 'fallback_from',
  bridgeMs: 'bridge_ms',
  upstreamMs: 'upstream_ms',
  firstTokenMs: 'first_token_ms',
  totalMs: 'total_ms',
  inputTokens: 'input_tokens',
  cachedTokens: 'cached_tokens',
  outputTokens: 'output_tokens',
  reasoningTokens: 'reasoning_tokens',
} as const satisfies Record<keyof RequestRecord, string>;

const FIELDS = Object.keys(REQUEST_COLUMNS) as (keyof RequestRecord)[];

export function historyPath(home: string): string {
  return path.join(home, HISTORY_FILE);
}

/**
 * Opens (creating when `create`, the default) and migrates the history in `home`. Returns undefined when the file
 * does not exist and may not be created. Throws when SQLite cannot open or migrate it.
 */
export function openHistoryStore(home: string, options: { create?: boolean } = {}): HistoryStore | undefined {
  const file = historyPath(home);
  if (!fs.existsSync(file)) {
    if (options.create === false) return undefined;
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    // Created empty with 0600 first: SQLite gives its WAL and shared-memory files the database file's mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  const db = new (loadSqlite())(file);
  try {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a crash can lose the last batch, never corrupt the file; no fsync per batch.
    db.pragma('synchronous = NORMAL');
    // Another writer (a second bridge on the same home) holding the lock costs a batch, not a stalled event loop.
    db.pragma('busy_timeout = 50');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return storeOn(db, file);
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) throw new Error(`${HISTORY_FILE} was written by a newer bridge (schema ${version}); it is left untouched.`);
  if (version === MIGRATIONS.length) return;
  db.transaction(() => {
    for (let next = version; next < MIGRATIONS.length; next++) db.exec(MIGRATIONS[next] as string);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
}

function storeOn(db: Database.Database, file: string): HistoryStore {
  const insertRequest = db.prepare(
    `INSERT OR REPLACE INTO requests (${FIELDS.map((field) => REQUEST_COLUMNS[field]).join(', ')}) VALUES (${FIELDS.map((field) => `@${field}`).join(', ')})`,
  );
  const insertLimit = db.prepare('INSERT INTO limit_readings (at, window, window_minutes, used_percent, resets_at) VALUES (?, ?, ?, ?, ?)');
  const write = db.transaction((batch: { requests: RequestRecord[]; limits: LimitReading[] }) => {
    for (const record of batch.requests) insertRequest.run(requestRow(record));
    for (const reading of batch.limits) insertLimit.run(reading.at, reading.window, reading.windowMinutes ?? null, reading.usedPercent, reading.resetsAt ?? null);
  });
  const pruneRequests = db.prepare('DELETE FROM requests WHERE at < ?');
  const pruneLimits = db.prepare('DELETE FROM limit_readings WHERE at < ?');
  const prune = db.transaction((before: number) => pruneRequests.run(before).changes + pruneLimits.run(before).changes);
  const totals = db.prepare(
    `SELECT strftime('%Y-%m-%d', at / 1000, 'unixepoch', 'localtime') AS day, coalesce(model, alias, '(none)') AS model,
            count(*) AS requests, sum(status >= 400) AS errors,
            coalesce(sum(input_tokens), 0) AS inputTokens, coalesce(sum(cached_tokens), 0) AS cachedTokens,
            coalesce(sum(output_tokens), 0) AS outputTokens, coalesce(sum(reasoning_tokens), 0) AS reasoningTokens
       FROM requests WHERE at >= ? GROUP BY day, model ORDER BY day, model`,
  );
  const limits = db.prepare('SELECT at, window, window_minutes AS windowMinutes, used_percent AS usedPercent, resets_at AS resetsAt FROM limit_readings WHERE at >= ? ORDER BY at');
  const recent = db.prepare(`SELECT ${FIELDS.map((field) => `${REQUEST_COLUMNS[field]} AS ${field}`).join(', ')} FROM requests WHERE at < ? ORDER BY at DESC LIMIT ?`);

  return {
    path: file,
    write,
    prune,
    dailyModelTotals: (since) => totals.all(since) as DayModelTotals[],
    limitReadings: (since) => (limits.all(since) as Record<string, unknown>[]).map((row) => withoutNulls(row) as unknown as LimitReading),
    recentRequests: (limit, before = Number.MAX_SAFE_INTEGER) =>
      (recent.all(before, limit) as Record<string, unknown>[]).map((row) => {
        const record = withoutNulls(row) as unknown as RequestRecord;
        if (record.stream !== undefined) record.stream = Boolean(record.stream);
        return record;
      }),
    close: () => db.close(),
  };
}

function requestRow(record: RequestRecord): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = record[field];
    row[field] = value === undefined ? null : typeof value === 'boolean' ? Number(value) : value;
  }
  return row;
}

function withoutNulls(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null));
}
