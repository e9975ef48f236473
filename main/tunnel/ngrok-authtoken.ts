import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../config/bridge-config.js';

export interface AuthtokenSources {
  /** The bridge's own setting; wins over everything else. */
  explicit?: string | undefined;
  env?: Env;
  homeDir?: string;
  platform?: NodeJS.Platform;
}

export interface FoundAuthtoken {
  authtoken: string;
  /** Where it came from, for the status line: 'setting', 'NGROK_AUTHTOKEN' or the config file path. */
  source: string;
}

/**
 * Finds the ngrok authtoken the way a user expects after setting ngrok up once:
 * the bridge setting, then NGROK_AUTHTOKEN, then the ngrok agent's own config file.
 */
export async function findNgrokAuthtoken(sources: AuthtokenSources = {}): Promise<FoundAuthtoken | undefined> {
  const explicit = sources.explicit?.trim();
  if (explicit) return { authtoken: explicit, source: 'setting' };
  const env = sources.env ?? process.env;
  const fromEnv = env.NGROK_AUTHTOKEN?.trim();
  if (fromEnv) return { authtoken: fromEnv, source: 'NGROK_AUTHTOKEN' };
  for (const file of ngrokConfigPaths(env, sources.homeDir ?? os.homedir(), sources.platform ?? process.platform)) {
    const text = await readIfPresent(file);
    const authtoken = text === undefined ? undefined : parseNgrokAuthtoken(text);
    if (authtoken) return { authtoken, source: file };
  }
  return undefined;
}

/** Where `ngrok config add-authtoken` writes, per OS (v3 default first), then the v2 legacy location. */
export function ngrokConfigPaths(env: Env, homeDir: string, platform: NodeJS.Platform): string[] {
  if (platform === 'win32') {
    const localAppData = env.LOCALAPPDATA?.trim() || path.win32.join(homeDir, 'AppData', 'Local');
    return [path.win32.join(localAppData, 'ngrok', 'ngrok.yml'), path.win32.join(homeDir, '.ngrok2', 'ngrok.yml')];
  }
  const xdg = env.XDG_CONFIG_HOME?.trim();
  const xdgFile = path.posix.join(xdg || path.posix.join(homeDir, '.config'), 'ngrok', 'ngrok.yml');
  const legacy = path.posix.join(homeDir, '.ngrok2', 'ngrok.yml');
  if (platform === 'darwin') {
    return [path.posix.join(homeDir, 'Library', 'Application Support', 'ngrok', 'ngrok.yml'), xdgFile, legacy];
  }
  return [xdgFile, legacy];
}

/**
 * Reads `authtoken:` from an ngrok.yml without a YAML library: top level in v2 files,
 * directly under `agent:` in v3 files. Anything nested deeper (tunnel definitions) is ignored.
 */
export function parseNgrokAuthtoken(yaml: string): string | undefined {
  let section: string | undefined;
  let childIndent: number | undefined;
  for (const rawLine of yaml.split(/\r?\n/)) {
    const line = rawLine.replace(/\t/g, '  ');
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    const match = /^(\s*)([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$/.exec(line);
    if (indent === 0) {
      section = match?.[2];
      childIndent = undefined;
      if (section === 'authtoken') return scalar(match?.[3]);
      continue;
    }
    if (section !== 'agent') continue;
    childIndent ??= indent;
    if (indent === childIndent && match?.[2] === 'authtoken') return scalar(match[3]);
  }
  return undefined;
}

/** A YAML scalar: quoted ('…' or "…") or plain with an optional trailing comment. */
function scalar(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const quoted = /^(["'])(.*)\1/.exec(text);
  const value = quoted ? quoted[2] : text.replace(/\s+#.*$/, '');
  return value && value !== '~' && value !== 'null' ? value.trim() : undefined;
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    // Missing or unreadable: the user simply has no usable ngrok config there.
    return undefined;
  }
}
