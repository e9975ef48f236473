/**
 * Recovery from a crash in the middle of a refresh. The bridge writes auth.json as a temp file beside it
 * (`.auth-<pid>.<12 hex>.tmp`, see fs/atomic-file.ts) and then renames it; a process killed between the token
 * endpoint's answer and the rename leaves the only copy of the rotated (single-use) refresh token in that temp file.
 * A complete temp file of a bridge process that is gone, newer than auth.json, is that lost login: it is adopted.
 */
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { realTarget } from '../fs/atomic-file.js';
import { readAuthFile } from './auth-file.js';

const BRIDGE_TEMP = /^\.auth-(\d+)\.[0-9a-f]{12}\.tmp$/;

export interface OrphanRecovery {
  /** The temp file that became auth.json. */
  adopted?: string;
  /** Temp files of dead bridge processes that were not a usable, newer login (removed). */
  discarded: string[];
}

/** Adopts the newest complete orphaned temp file of a dead bridge process if it is newer than auth.json; removes the rest. */
export async function recoverOrphanedWrite(authPath: string): Promise<OrphanRecovery> {
  const target = realTarget(authPath);
  const dir = path.dirname(target);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return { discarded: [] };
  }
  const orphans = names.filter((name) => {
    const pid = Number(BRIDGE_TEMP.exec(name)?.[1]);
    return Number.isInteger(pid) && pid > 0 && !processAlive(pid);
  });
  if (orphans.length === 0) return { discarded: [] };

  const currentMtime = await stat(target).then((s) => s.mtimeMs, () => Number.NEGATIVE_INFINITY);
  let best: { file: string; mtime: number } | undefined;
  for (const name of orphans) {
    const file = path.join(dir, name);
    const snapshot = await readAuthFile(file);
    const mtime = await stat(file).then((s) => s.mtimeMs, () => Number.NEGATIVE_INFINITY);
    if (snapshot.kind === 'chatgpt' && mtime > currentMtime && (!best || mtime > best.mtime)) best = { file, mtime };
  }
  if (best) await rename(best.file, target);
  const discarded = orphans.map((name) => path.join(dir, name)).filter((file) => file !== best?.file);
  await Promise.all(discarded.map((file) => rm(file, { force: true })));
  return { ...(best ? { adopted: best.file } : {}), discarded };
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
