import os from 'node:os';
import path from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { configureCursor, cursorStatePaths, needsReapply } from './configure.js';
import { systemProcessProbe, type ProcessProbe } from './cursor-process.js';
import { cursorDbPath } from './locate-db.js';

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
  env: NodeJS.ProcessEnv;
  /** The tunnel's new public base URL (without /v1). */
  publicUrl: string;
  aliases: readonly string[];
  probe?: ProcessProbe;
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
  const dbPath = cursorDbPath({ platform: process.platform, env: options.env, homedir: os.homedir() });
  const paths = cursorStatePaths(options.home);
  try {
    if (!(await needsReapply(dbPath, baseUrl, paths.undoFile))) return undefined;
    await configureCursor({ dbPath, ...paths, baseUrl, aliases: options.aliases, probe: options.probe ?? systemProcessProbe() });
    return `Cursor re-pointed at the new public URL ${baseUrl}.`;
  } catch (error) {
    return `Cursor still uses the previous public URL: ${(error as Error).message} Then run \`codex-cursor-bridge configure-cursor\`.`;
  }
}
