/**
 * Backups of Cursor's database in `CODEX_BRIDGE_HOME/backups/`, taken with SQLite's online backup API (so the
 * content still in Cursor's `-wal` file is included), owner-only, named per source database, the last N kept.
 */
import { createHash } from 'node:crypto';
import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir } from '../fs/atomic-file.js';
import { openCursorDb } from './cursor-db.js';

export const DEFAULT_KEEP_BACKUPS = 5;

/** Backups of different databases never prune each other: each name carries a hash of its source's path. */
function backupPrefix(dbPath: string): string {
  const hash = createHash('sha256').update(path.resolve(dbPath)).digest('hex').slice(0, 12);
  return `cursor-state-${hash}-`;
}

/** Fixed-width and sortable: `20250131T235959123Z`. */
function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:.]/g, '');
}

/**
 * Copies `dbPath` into a new file in `backupsDir` and returns its path. Reads through its own read-only connection,
 * so it also works while the caller holds the write lock (which guarantees the copy is the state we change).
 */
export async function backupCursorDb(dbPath: string, backupsDir: string, busyTimeoutMs: number): Promise<string> {
  ensurePrivateDir(backupsDir);
  const stem = path.join(backupsDir, `${backupPrefix(dbPath)}${timestamp(new Date())}`);
  let target = '';
  for (let n = 0; target === ''; n += 1) {
    const candidate = `${stem}-${String(n).padStart(3, '0')}.vscdb`;
    try {
      // Created owner-only before SQLite writes into it: the copy holds Cursor's login tokens too.
      await writeFile(candidate, '', { flag: 'wx', mode: 0o600 });
      target = candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  try {
    const source = openCursorDb(dbPath, busyTimeoutMs, true);
    try {
      await source.backup(target);
    } finally {
      source.close();
    }
    // The copy inherits WAL mode from Cursor's file; a rollback journal makes it one self-contained file.
    const copy = openCursorDb(target, busyTimeoutMs, false);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    await chmod(target, 0o600);
  } catch (error) {
    await rm(target, { force: true });
    throw error;
  }
  return target;
}

/** Deletes all but the newest `keep` backups of `dbPath` (at least one is always kept). */
export async function pruneCursorBackups(dbPath: string, backupsDir: string, keep: number): Promise<void> {
  const ours = await listCursorBackups(dbPath, backupsDir);
  const stale = ours.slice(0, Math.max(0, ours.length - Math.max(1, keep)));
  await Promise.all(stale.map((file) => rm(file, { force: true })));
}

/** The backups of `dbPath`, oldest first. */
export async function listCursorBackups(dbPath: string, backupsDir: string): Promise<string[]> {
  const prefix = backupPrefix(dbPath);
  const names = await readdir(backupsDir).catch(() => [] as string[]);
  return names.filter((name) => name.startsWith(prefix) && name.endsWith('.vscdb')).sort().map((name) => path.join(backupsDir, name));
}
