import path from 'node:path';

export interface CursorDbLocation {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  homedir: string;
}

const RELATIVE = ['Cursor', 'User', 'globalStorage', 'state.vscdb'] as const;

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Where Cursor keeps its application-wide settings database (`state.vscdb`). Portable installs and
 * `--user-data-dir` move it, so `CODEX_BRIDGE_CURSOR_DB` overrides the per-OS default.
 * Paths are built with the target OS's path rules, so the answer does not depend on the OS running the code.
 */
export function cursorDbPath({ platform, env, homedir }: CursorDbLocation): string {
  const override = nonEmpty(env.CODEX_BRIDGE_CURSOR_DB);
  if (platform === 'win32') {
    if (override) return path.win32.resolve(override);
    const appData = nonEmpty(env.APPDATA) ?? path.win32.join(homedir, 'AppData', 'Roaming');
    return path.win32.join(appData, ...RELATIVE);
  }
  if (override) return path.posix.resolve(override);
  if (platform === 'darwin') return path.posix.join(homedir, 'Library', 'Application Support', ...RELATIVE);
  // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const configHome = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(homedir, '.config');
  return path.posix.join(configHome, ...RELATIVE);
}
