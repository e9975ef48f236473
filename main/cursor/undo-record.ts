/**
 * `CODEX_BRIDGE_HOME/cursor-undo.json`: per Cursor database, what the bridge changed and what each touched field or
 * row held before it ever did. Kept in our own app data, never inside Cursor's settings.
 *
 * One entry always describes "before the bridge → as the bridge last left it": re-applying (e.g. after the tunnel
 * URL rotated) chains onto the entry instead of replacing it, so undo returns to the user's own values and not to
 * an earlier bridge URL. A run that changes nothing does not touch the file.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { cellEqual } from './cursor-db.js';
import { chainFieldChange, type AppliedSettings, type FieldChange } from './cursor-settings.js';
import { CursorConfigError } from './errors.js';
import { isJsonObject } from './json.js';
import type { RowChange } from './key-rows.js';

export interface UndoEntry extends AppliedSettings {
  changes: FieldChange[];
  rows: RowChange[];
  /** The `openAIBaseUrl` the bridge last applied (see `needsReapply`). */
  baseUrl: string;
  appliedAt: string;
}

export interface UndoFile {
  version: 1;
  /** Keyed by the database's absolute path. */
  databases: Record<string, UndoEntry>;
}

export function undoKey(dbPath: string): string {
  return path.resolve(dbPath);
}

function isUndoEntry(value: unknown): value is UndoEntry {
  return (
    isJsonObject(value) &&
    Array.isArray(value.changes) &&
    value.changes.every((change) => isJsonObject(change) && typeof change.field === 'string') &&
    Array.isArray(value.rows) &&
    value.rows.every((row) => isJsonObject(row) && typeof row.key === 'string') &&
    typeof value.createdAiSettings === 'boolean' &&
    typeof value.baseUrl === 'string' &&
    typeof value.appliedAt === 'string'
  );
}

/** The file's raw text, or undefined when it does not exist (kept to put it back if a write fails). */
export async function readUndoText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function parseUndoFile(text: string | undefined, file: string): UndoFile {
  if (text === undefined) return { version: 1, databases: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (isJsonObject(parsed) && parsed.version === 1 && isJsonObject(parsed.databases)) {
    const entries = Object.values(parsed.databases);
    if (entries.every(isUndoEntry)) return parsed as unknown as UndoFile;
  }
  throw new CursorConfigError(
    'undo_record_invalid',
    `${file} is not a valid Cursor undo record; move it aside and try again (nothing was changed).`,
  );
}

/** Writes the record (owner-only, atomically); an empty record removes the file. `undefined` text restores "no file". */
export async function writeUndoText(file: string, text: string | undefined): Promise<void> {
  if (text === undefined) await rm(file, { force: true });
  else writeFileAtomic(file, text);
}

export function serialiseUndoFile(content: UndoFile): string | undefined {
  return Object.keys(content.databases).length === 0 ? undefined : `${JSON.stringify(content, null, 2)}\n`;
}

/** Merges `next` onto `previous` entry by entry (same id → `combine`), keeping the order entries first appeared in. */
function chain<T>(previous: readonly T[], next: readonly T[], idOf: (item: T) => string, combine: (earlier: T, later: T) => T): T[] {
  const merged = [...previous];
  for (const item of next) {
    const at = merged.findIndex((earlier) => idOf(earlier) === idOf(item));
    if (at === -1) merged.push(item);
    else merged[at] = combine(merged[at] as T, item);
  }
  return merged;
}

function chainRow(earlier: RowChange, later: RowChange): RowChange {
  // A key changed since the bridge wrote it: its value before this run is the one to restore.
  return cellEqual(earlier.after, later.before) ? { key: later.key, before: earlier.before, after: later.after } : later;
}

/** The entry after one more applying run (`run` describes that run alone). */
export function mergeUndoEntry(previous: UndoEntry | undefined, run: UndoEntry): UndoEntry {
  return {
    changes: chain(previous?.changes ?? [], run.changes, (change) => change.field, chainFieldChange),
    rows: chain(previous?.rows ?? [], run.rows, (row) => row.key, chainRow),
    createdAiSettings: (previous?.createdAiSettings ?? false) || run.createdAiSettings,
    baseUrl: run.baseUrl,
    appliedAt: run.appliedAt,
  };
}
