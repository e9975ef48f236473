import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Final permission bits, applied to the temp file before it becomes visible (default 0600). */
  mode?: number;
  /** false: create only if absent, and return false instead of replacing an existing file. */
  overwrite?: boolean;
  /** Name prefix of the temp file (the Codex CLI uses `.auth-` for auth.json; others may look for it). */
  tempPrefix?: string;
}

/** Owner-only folder for the bridge's own state; an existing folder keeps its mode. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes `data` to `file` all-or-nothing: a temp file in the same folder (created 0700 if missing) is written,
 * flushed and given its mode, then renamed over the target — or hard-linked to it when `overwrite` is false, which
 * fails atomically if another process created the file first. Readers never see a half-written or wider-permission
 * file. Returns whether the file was written.
 */
export function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): boolean {
  const { mode = 0o600, overwrite = true } = options;
  // Write through a symlink (dotfile setups) instead of replacing the link with a plain file.
  const target = realTarget(file);
  const dir = path.dirname(target);
  ensurePrivateDir(dir);
  const temp = path.join(dir, `${options.tempPrefix ?? `.${path.basename(target)}.`}${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(temp, 'wx', mode);
    try {
      fs.writeFileSync(fd, data);
      fs.fchmodSync(fd, mode); // the umask may have narrowed the creation mode
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (overwrite) {
      fs.renameSync(temp, target);
      syncDirectory(dir);
      return true;
    }
    try {
      fs.linkSync(temp, target);
      syncDirectory(dir);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** The file a path names, through symlinks; the path itself when it does not exist yet. */
export function realTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** Makes the rename itself durable; best effort, since not every platform can fsync a directory. */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory for fsync; the rename already happened.
  }
}
