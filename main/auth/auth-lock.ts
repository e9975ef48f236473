/**
 * A cross-process advisory lock: a lock file beside auth.json, created exclusively, holding the owner's pid. Bridge
 * processes (CLI, tray app) take it around re-read → refresh → write, so a single-use refresh token is spent once.
 * A lock whose owner died, or older than `staleMs`, is broken, so a crash mid-refresh never blocks anyone for long.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FileLockOptions {
  /** A lock older than this is taken to be abandoned (default 60 s: twice the refresh request's own timeout). */
  staleMs?: number;
  /** How often a waiter looks again (default 25 ms). */
  pollMs?: number;
}

const DEFAULT_STALE_MS = 60_000;
const DEFAULT_POLL_MS = 25;

/** The lock every writer of one auth.json takes: refreshes, sign-in and sign-out. */
export function authLockPath(authPath: string): string {
  return `${authPath}.lock`;
}

/** Runs `fn` while holding `lockPath`. Where no lock file can be created (no folder, read-only), runs it unlocked. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const owner = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const held = await acquire(lockPath, owner, options.staleMs ?? DEFAULT_STALE_MS, options.pollMs ?? DEFAULT_POLL_MS);
  try {
    return await fn();
  } finally {
    if (held) await release(lockPath, owner);
  }
}

async function acquire(lockPath: string, owner: string, staleMs: number, pollMs: number): Promise<boolean> {
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(owner);
      } finally {
        await handle.close();
      }
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return false;
        throw error;
      }
    }
    await breakIfAbandoned(lockPath, staleMs);
    await sleep(pollMs * (0.5 + Math.random()));
  }
}

async function breakIfAbandoned(lockPath: string, staleMs: number): Promise<void> {
  let holder: string;
  let age: number;
  try {
    [holder, age] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath).then((s) => Date.now() - s.mtimeMs)]);
  } catch {
    return; // released meanwhile
  }
  // An empty file is a lock being written right now, not an abandoned one (unless it stays that way).
  const pid = Number(holder.split(' ')[0]);
  const ownerGone = holder !== '' && Number.isInteger(pid) && pid > 0 && !isAlive(pid);
  if (!ownerGone && age < staleMs) return;
  // Move it aside atomically: of several waiters breaking the same lock, one wins; if what was moved is not the
  // lock judged abandoned (a new holder took over in between), put it back.
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return;
  }
  try {
    if ((await readFile(aside, 'utf8')) !== holder) await link(aside, lockPath).catch(() => undefined);
  } finally {
    await rm(aside, { force: true });
  }
}

async function release(lockPath: string, owner: string): Promise<void> {
  try {
    if ((await readFile(lockPath, 'utf8')) === owner) await rm(lockPath, { force: true });
  } catch {
    // Already gone (broken as stale by another process).
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
