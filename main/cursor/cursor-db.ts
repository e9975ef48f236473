/**
 * Reading and writing Cursor's `state.vscdb` (VS Code's storage format: `ItemTable(key, value)`).
 * Every SQLite failure leaves here as a `CursorConfigError` that says what to do and never quotes a stored value.
 */
import Database from 'better-sqlite3';
import { CursorConfigError } from './errors.js';
import { isJsonObject, type JsonObject } from './json.js';

/** The row holding Cursor's "application user" reactive storage, where every BYOK field lives. */
export const APPLICATION_USER_KEY =
  'src.vs.platform.reactivestorage.browser.reactiveStorageServiceImpl.persistentStorage.applicationUser';
/** Older Cursor builds read the OpenAI key in plain text from this row. */
export const PLAINTEXT_KEY_ROW = 'cursorAuth/openAIKey';
/** Current builds keep the key here, encrypted with Cursor's own OS-keychain key (we cannot produce it). */
export const SECRET_KEY_ROW = 'secret://cursorAuth/openAIKey';

/** A stored value: VS Code writes strings, but drivers and other tools may leave bytes; both must survive a round trip. */
export type StoredCell = { text: string } | { base64: string };

export type Db = Database.Database;

export function cellEqual(a: StoredCell | undefined, b: StoredCell | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return 'text' in a ? 'text' in b && a.text === b.text : 'base64' in b && a.base64 === b.base64;
}

function toCell(value: unknown): StoredCell {
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
  return { text: typeof value === 'string' ? value : String(value) };
}

function fromCell(cell: StoredCell): string | Buffer {
  return 'text' in cell ? cell.text : Buffer.from(cell.base64, 'base64');
}

/** Maps a driver error to what the user should know; anything that is not SQLite's is passed on untouched. */
export function describeSqliteError(error: unknown, dbPath: string, busyTimeoutMs: number): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const code = error.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new CursorConfigError(
      'db_locked',
      `Cursor's settings database is locked by another program (waited ${busyTimeoutMs} ms): ${dbPath}. Quit Cursor and anything else using it, then try again; nothing was changed.`,
    );
  }
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new CursorConfigError('db_invalid', `${dbPath} is not a valid SQLite database (${error.message}); nothing was changed.`);
  }
  if (/no such table/i.test(error.message)) {
    return new CursorConfigError(
      'db_invalid',
      `${dbPath} has no ItemTable, so it is not Cursor's state.vscdb; nothing was changed. Set CODEX_BRIDGE_CURSOR_DB to the right file.`,
    );
  }
  return new CursorConfigError('db_invalid', `Cannot use Cursor's settings database ${dbPath} (${error.message}); nothing was changed.`);
}

/** Opens the database; `readonly` connections never checkpoint or otherwise touch the file. */
export function openCursorDb(dbPath: string, busyTimeoutMs: number, readonly: boolean): Db {
  try {
    return new Database(dbPath, { readonly, fileMustExist: true, timeout: busyTimeoutMs });
  } catch (error) {
    throw describeSqliteError(error, dbPath, busyTimeoutMs);
  }
}

export function readCell(db: Db, key: string): StoredCell | undefined {
  const row = db.prepare('SELECT value FROM ItemTable WHERE key = ?').get(key) as { value: unknown } | undefined;
  return row === undefined ? undefined : toCell(row.value);
}

/** Sets a row, or deletes it for `undefined`. UPDATE keeps the row where it is; INSERT is for a new key. */
export function writeCell(db: Db, key: string, cell: StoredCell | undefined): void {
  if (cell === undefined) {
    db.prepare('DELETE FROM ItemTable WHERE key = ?').run(key);
    return;
  }
  const value = fromCell(cell);
  const updated = db.prepare('UPDATE ItemTable SET value = ? WHERE key = ?').run(value, key);
  if (updated.changes === 0) db.prepare('INSERT INTO ItemTable (key, value) VALUES (?, ?)').run(key, value);
}

/** Parses the application-user row; a missing row or a value that is not a JSON object is refused, never invented. */
export function parseApplicationUser(cell: StoredCell | undefined, dbPath: string): JsonObject {
  if (cell === undefined) {
    throw new CursorConfigError(
      'row_missing',
      `Cursor's settings database has no application settings row yet (${dbPath}). Start Cursor once, open its settings, quit it, and try again; nothing was changed.`,
    );
  }
  const text = 'text' in cell ? cell.text : Buffer.from(cell.base64, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the text; never echo stored values.
    parsed = undefined;
  }
  if (!isJsonObject(parsed)) {
    throw new CursorConfigError(
      'json_invalid',
      `Cursor's application settings row in ${dbPath} is not a JSON object, so it cannot be edited safely; nothing was changed.`,
    );
  }
  return parsed;
}
