/**
 * The one write path into Cursor's database, shared by configure and undo:
 * refuse while Cursor runs → preview read → (re-check) → BEGIN IMMEDIATE → re-plan on the locked state → backup →
 * undo record → write → COMMIT → re-read and verify. The journal mode is never changed. Any failure before COMMIT
 * rolls back and restores the undo record, so Cursor's database is left exactly as it was.
 */
import { stat } from 'node:fs/promises';
import { backupCursorDb, DEFAULT_KEEP_BACKUPS, pruneCursorBackups } from './backups.js';
import {
  APPLICATION_USER_KEY,
  cellEqual,
  describeSqliteError,
  openCursorDb,
  parseApplicationUser,
  readCell,
  writeCell,
  type Db,
  type StoredCell,
} from './cursor-db.js';
import type { ProcessProbe } from './cursor-process.js';
import type { SettingsEdit } from './cursor-settings.js';
import { CURSOR_RUNNING_MESSAGE, CursorConfigError } from './errors.js';
import { jsonEqual, type JsonObject } from './json.js';
import type { RowChange } from './key-rows.js';
import { writeUndoText } from './undo-record.js';

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface CursorWriteOptions {
  dbPath: string;
  /** `CODEX_BRIDGE_HOME/backups` */
  backupsDir: string;
  /** `CODEX_BRIDGE_HOME/cursor-undo.json` */
  undoFile: string;
  /** How many backups of this database to keep (default 5). */
  keepBackups?: number;
  probe: ProcessProbe;
  /** Compute and report the change; write nothing. */
  dryRun?: boolean;
  /** How long to wait for another program's lock on the database (default 5000 ms). */
  busyTimeoutMs?: number;
}

export interface Snapshot {
  settings: JsonObject;
  rows: Map<string, StoredCell | undefined>;
}

export interface Plan {
  edit: SettingsEdit;
  rows: RowChange[];
}

export interface Job {
  options: CursorWriteOptions;
  /** The key rows the plan looks at (read only when needed: they hold secrets). */
  rowKeys: readonly string[];
  plan: (snapshot: Snapshot) => Plan;
  /** The undo file's text now, to put back if the write fails (`undefined` = no file). */
  undoTextBefore: string | undefined;
  /** The undo file's text once the plan is applied. */
  undoTextAfter: (plan: Plan) => string | undefined;
}

export interface JobOutcome {
  status: 'applied' | 'unchanged' | 'dry-run';
  plan: Plan;
  backupPath: string | null;
  cursorRunning: boolean;
}

function runningError(): CursorConfigError {
  return new CursorConfigError('cursor_running', CURSOR_RUNNING_MESSAGE);
}

async function assertDbFile(dbPath: string): Promise<void> {
  const info = await stat(dbPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (info === undefined) {
    throw new CursorConfigError(
      'db_missing',
      `Cursor has never run on this machine — no database at ${dbPath}. Start Cursor once, quit it, and try again (or set CODEX_BRIDGE_CURSOR_DB to its state.vscdb).`,
    );
  }
  if (!info.isFile()) throw new CursorConfigError('db_invalid', `${dbPath} is not a file; nothing was changed.`);
}

/** Runs `use` on a connection that is always closed, with SQLite errors turned into `CursorConfigError`s. */
function withDb<T>(dbPath: string, busyTimeoutMs: number, readonly: boolean, use: (db: Db) => T): T {
  const db = openCursorDb(dbPath, busyTimeoutMs, readonly);
  try {
    return use(db);
  } catch (error) {
    throw describeSqliteError(error, dbPath, busyTimeoutMs);
  } finally {
    db.close();
  }
}

function readSnapshot(db: Db, dbPath: string, rowKeys: readonly string[]): Snapshot {
  const settings = parseApplicationUser(readCell(db, APPLICATION_USER_KEY), dbPath);
  return { settings, rows: new Map(rowKeys.map((key) => [key, readCell(db, key)])) };
}

/** Reads the application settings JSON without writing anything (a read-only connection never checkpoints). */
export async function readCursorSettings(dbPath: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): Promise<JsonObject> {
  await assertDbFile(dbPath);
  return withDb(dbPath, busyTimeoutMs, true, (db) => readSnapshot(db, dbPath, []).settings);
}

function changesNothing(plan: Plan, snapshot: Snapshot): boolean {
  return plan.rows.length === 0 && jsonEqual(plan.edit.next, snapshot.settings);
}

export async function runJob(job: Job): Promise<JobOutcome> {
  const { dbPath, probe } = job.options;
  const busyTimeoutMs = job.options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  await assertDbFile(dbPath);
  // Before opening anything: even a read connection's close could checkpoint Cursor's WAL.
  const cursorRunning = await probe.isCursorRunning();
  if (cursorRunning && !job.options.dryRun) throw runningError();

  const preview = withDb(dbPath, busyTimeoutMs, true, (db) => {
    const snapshot = readSnapshot(db, dbPath, job.rowKeys);
    return { snapshot, plan: job.plan(snapshot) };
  });
  if (job.options.dryRun) return { status: 'dry-run', plan: preview.plan, backupPath: null, cursorRunning };
  if (changesNothing(preview.plan, preview.snapshot)) return { status: 'unchanged', plan: preview.plan, backupPath: null, cursorRunning };

  // Cursor may have started since the first check; it must not be running when the write lock is taken.
  if (await probe.isCursorRunning()) throw runningError();
  const { plan, backupPath } = await writeLocked(job, busyTimeoutMs);
  if (backupPath === null) return { status: 'unchanged', plan, backupPath, cursorRunning: false };

  const written = withDb(dbPath, busyTimeoutMs, true, (db) => readSnapshot(db, dbPath, job.rowKeys));
  const readsBack =
    jsonEqual(written.settings, plan.edit.next) && plan.rows.every((row) => cellEqual(written.rows.get(row.key), row.after));
  if (!readsBack) {
    throw new CursorConfigError(
      'verify_failed',
      `Cursor's settings did not read back as written (did another program change them at the same moment?). A backup is at ${backupPath}; run the command again.`,
    );
  }
  return { status: 'applied', plan, backupPath, cursorRunning: false };
}

/** The locked part. Returns `backupPath: null` when, under the lock, there turned out to be nothing to change. */
async function writeLocked(job: Job, busyTimeoutMs: number): Promise<{ plan: Plan; backupPath: string | null }> {
  const { dbPath, backupsDir, undoFile } = job.options;
  const db = openCursorDb(dbPath, busyTimeoutMs, false);
  let undoWritten = false;
  try {
    // IMMEDIATE takes the write lock now (waiting up to the busy timeout), so nobody can change what we read.
    db.exec('BEGIN IMMEDIATE');
    const snapshot = readSnapshot(db, dbPath, job.rowKeys);
    const plan = job.plan(snapshot);
    if (changesNothing(plan, snapshot)) {
      db.exec('ROLLBACK');
      return { plan, backupPath: null };
    }
    const backupPath = await backupCursorDb(dbPath, backupsDir, busyTimeoutMs);
    await pruneCursorBackups(dbPath, backupsDir, job.options.keepBackups ?? DEFAULT_KEEP_BACKUPS);
    // Recorded before COMMIT: a crash in between leaves an undo record for a change not made, which undo tolerates,
    // rather than a change nobody can undo.
    await writeUndoText(undoFile, job.undoTextAfter(plan));
    undoWritten = true;
    // Compact, like Cursor itself writes it.
    writeCell(db, APPLICATION_USER_KEY, { text: JSON.stringify(plan.edit.next) });
    for (const row of plan.rows) writeCell(db, row.key, row.after);
    db.exec('COMMIT');
    return { plan, backupPath };
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    // Best effort: the original failure is what the user needs to see, and a stale record is harmless to undo.
    if (undoWritten) await writeUndoText(undoFile, job.undoTextBefore).catch(() => undefined);
    throw describeSqliteError(error, dbPath, busyTimeoutMs);
  } finally {
    db.close();
  }
}
