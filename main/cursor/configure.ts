/**
 * Points Cursor's BYOK settings at the bridge, undoes that precisely, and tells whether a new tunnel URL needs
 * re-applying. The API key is not written by default: current Cursor keeps it encrypted with its own key, so the
 * user pastes the bridge token once; the legacy plaintext row is written only when explicitly asked for.
 */
import path from 'node:path';
import { applyBridgeSettings, formatFieldChanges, revertBridgeSettings, type FieldChange } from './cursor-settings.js';
import { CursorConfigError } from './errors.js';
import { formatRowChanges, KEY_ROWS, planPlaintextKey, revertRows } from './key-rows.js';
import { readCursorSettings, runJob, type CursorWriteOptions, type JobOutcome } from './safe-write.js';
import {
  mergeUndoEntry,
  parseUndoFile,
  readUndoText,
  serialiseUndoFile,
  undoKey,
  writeUndoText,
  type UndoEntry,
  type UndoFile,
} from './undo-record.js';

export { DEFAULT_BUSY_TIMEOUT_MS, type CursorWriteOptions } from './safe-write.js';

export const PASTE_KEY_INSTRUCTION = 'Paste the bridge token into Cursor Settings → Models → OpenAI API Key';
const PLAINTEXT_KEY_NOTE =
  "The bridge token was written to Cursor's legacy key row (cursorAuth/openAIKey). If Cursor still shows no key, paste it into Cursor Settings → Models → OpenAI API Key";

/** Where the bridge keeps its Cursor backups and undo record inside `CODEX_BRIDGE_HOME`. */
export function cursorStatePaths(home: string): { backupsDir: string; undoFile: string } {
  return { backupsDir: path.join(home, 'backups'), undoFile: path.join(home, 'cursor-undo.json') };
}

export interface ConfigureOptions extends CursorWriteOptions {
  /** The bridge's public URL + `/v1`. */
  baseUrl: string;
  /** Model names to register in Cursor's picker. */
  aliases: readonly string[];
  /** Explicit opt-in: also write this token to the legacy plaintext `cursorAuth/openAIKey` row. */
  writePlaintextKey?: string;
}

export interface CursorWriteResult {
  /** `unchanged`: Cursor already had exactly these settings; nothing was written (not even a backup). */
  status: JobOutcome['status'];
  dbPath: string;
  changes: FieldChange[];
  /** Key rows set or deleted; their values are never returned. */
  changedRows: string[];
  /** `field: old → new` lines (key values hidden). */
  diff: string[];
  backupPath: string | null;
  /** Only a dry run proceeds while Cursor runs; its preview may then be overtaken by Cursor's own writes. */
  cursorRunning: boolean;
}

export interface ConfigureResult extends CursorWriteResult {
  keyInstruction: string;
}

function toResult(dbPath: string, outcome: JobOutcome): CursorWriteResult {
  const { edit, rows } = outcome.plan;
  return {
    status: outcome.status,
    dbPath,
    changes: edit.changes,
    changedRows: rows.map((row) => row.key),
    diff: [...formatFieldChanges(edit.changes), ...formatRowChanges(rows)],
    backupPath: outcome.backupPath,
    cursorRunning: outcome.cursorRunning,
  };
}

function withEntry(undo: UndoFile, dbPath: string, entry: UndoEntry | undefined): UndoFile {
  const databases = { ...undo.databases };
  if (entry === undefined) delete databases[undoKey(dbPath)];
  else databases[undoKey(dbPath)] = entry;
  return { version: 1, databases };
}

export async function configureCursor(options: ConfigureOptions): Promise<ConfigureResult> {
  const undoTextBefore = await readUndoText(options.undoFile);
  const undo = parseUndoFile(undoTextBefore, options.undoFile);
  const token = options.writePlaintextKey;
  const outcome = await runJob({
    options,
    rowKeys: token === undefined ? [] : KEY_ROWS,
    plan: (snapshot) => ({
      edit: applyBridgeSettings(snapshot.settings, { baseUrl: options.baseUrl, aliases: options.aliases }),
      rows: token === undefined ? [] : planPlaintextKey(snapshot.rows, token),
    }),
    undoTextBefore,
    undoTextAfter: (plan) => {
      const run = { ...plan.edit, rows: plan.rows, baseUrl: options.baseUrl, appliedAt: new Date().toISOString() };
      const entry = mergeUndoEntry(undo.databases[undoKey(options.dbPath)], run);
      return serialiseUndoFile(withEntry(undo, options.dbPath, entry));
    },
  });
  return { ...toResult(options.dbPath, outcome), keyInstruction: token === undefined ? PASTE_KEY_INSTRUCTION : PLAINTEXT_KEY_NOTE };
}

/**
 * Restores what the bridge changed, field by field (see `revertBridgeSettings`): not a backup restore, so anything
 * Cursor or the user changed since is kept. The undo record is consumed.
 */
export async function undoCursor(options: CursorWriteOptions): Promise<CursorWriteResult> {
  const undoTextBefore = await readUndoText(options.undoFile);
  const undo = parseUndoFile(undoTextBefore, options.undoFile);
  const entry = undo.databases[undoKey(options.dbPath)];
  if (entry === undefined) {
    throw new CursorConfigError(
      'nothing_to_undo',
      `Nothing to undo: the bridge has not configured Cursor's database at ${options.dbPath} (or it was undone already).`,
    );
  }
  const undoTextAfter = serialiseUndoFile(withEntry(undo, options.dbPath, undefined));
  const outcome = await runJob({
    options,
    rowKeys: entry.rows.map((row) => row.key),
    plan: (snapshot) => ({ edit: revertBridgeSettings(snapshot.settings, entry), rows: revertRows(snapshot.rows, entry.rows) }),
    undoTextBefore,
    undoTextAfter: () => undoTextAfter,
  });
  // Nothing left to revert (e.g. the user reset the settings by hand): the record is spent all the same.
  if (outcome.status === 'unchanged') await writeUndoText(options.undoFile, undoTextAfter);
  return toResult(options.dbPath, outcome);
}

/**
 * True when the bridge configured this database, Cursor still points at the URL the bridge last wrote, and the
 * bridge's public URL is now different (free ngrok URLs rotate). A URL the user set by hand is never overridden,
 * and an undone configuration is not re-applied. Reads only; throws a `CursorConfigError` if the database cannot be read.
 */
export async function needsReapply(dbPath: string, baseUrl: string, undoFile: string): Promise<boolean> {
  const entry = parseUndoFile(await readUndoText(undoFile), undoFile).databases[undoKey(dbPath)];
  if (entry === undefined || entry.baseUrl === baseUrl) return false;
  const settings = await readCursorSettings(dbPath);
  return settings.openAIBaseUrl === entry.baseUrl;
}
