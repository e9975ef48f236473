import path from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { configureCursor, needsReapply, type CursorWriteOptions } from './configure.js';

/** Where a running bridge records its public URL, so `configure-cursor` in another terminal can use it. */
export function publicUrlFile(home: string): string {
  return path.join(home, 'public-url');
}

/** The bridge stopped: a recorded URL would point `configure-cursor` at a dead tunnel. */
export function clearPublicUrl(home: string): void {
  rmSync(publicUrlFile(home), { force: true });
}

export function readPublicUrl(home: string): string | undefined {
  try {
    const url = readFileSync(publicUrlFile(home), 'utf8').trim();
    return url === '' ? undefined : url;
  } catch {
    return undefined;
  }
}

export interface FollowOptions {
  home: string;
  /** Cursor's database and the bridge's backups and undo record for it. */
  target: Omit<CursorWriteOptions, 'dryRun'>;
  /** The tunnel's new public base URL (without /v1). */
  publicUrl: string;
  aliases: readonly string[];
}

/**
 * Called when the tunnel's public URL changes (free ngrok URLs rotate per start): records it, and re-points Cursor
 * at it if the bridge configured Cursor before and Cursor still holds the URL the bridge wrote. Returns a line for
 * the log, or undefined when Cursor needed nothing. Never rejects: it runs unawaited from a tunnel event.
 */
export async function followTunnelUrl(options: FollowOptions): Promise<string | undefined> {
  try {
    writeFileAtomic(publicUrlFile(options.home), `${options.publicUrl}\n`);
  } catch (error) {
    return `Could not record the public URL for configure-cursor: ${(error as Error).message}`;
  }
  const baseUrl = `${options.publicUrl}/v1`;
  const { target } = options;
  try {
    if (!(await needsReapply(target.dbPath, baseUrl, target.undoFile))) return undefined;
    await configureCursor({ ...target, baseUrl, aliases: options.aliases });
    return `Cursor re-pointed at the new public URL ${baseUrl}.`;
  } catch (error) {
    return `Cursor still uses the previous public URL: ${(error as Error).message} Then configure Cursor again.`;
  }
}
