import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';

/** Start at login on Linux: an XDG autostart entry (what Electron's login-item API does not cover there). */
export interface LinuxAutostart {
  readonly file: string;
  isEnabled(): boolean;
  /** Writes or removes the entry; returns whether it is now enabled. */
  setEnabled(enabled: boolean): boolean;
}

export interface LinuxAutostartOptions {
  env: Record<string, string | undefined>;
  homedir: string;
  /** The program and arguments that start the app (see `launchCommand`). */
  command: readonly string[];
}

const ENTRY_NAME = 'codex-cursor-bridge.desktop';

/** `$XDG_CONFIG_HOME/autostart/…`; XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored. */
export function autostartFile(env: Record<string, string | undefined>, homedir: string): string {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  const configHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.config');
  return path.join(configHome, 'autostart', ENTRY_NAME);
}

export interface LaunchContext {
  env: Record<string, string | undefined>;
  execPath: string;
  isPackaged: boolean;
  appPath: string;
}

/** An AppImage runs from a temporary mount, so the entry must name the AppImage file itself; unpackaged, Electron needs the app folder. */
export function launchCommand({ env, execPath, isPackaged, appPath }: LaunchContext): string[] {
  const appImage = env.APPIMAGE?.trim();
  if (appImage) return [appImage];
  return isPackaged ? [execPath] : [execPath, appPath];
}

// Characters that force an Exec argument into quotes (Desktop Entry Specification, "The Exec key").
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

function execArgument(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new Error(`cannot start "${arg}" from an autostart entry: it contains a line break`);
  const escaped = arg.replaceAll('%', '%%');
  if (!RESERVED.test(escaped)) return escaped;
  // Quoting escapes ", `, $ and \ with a backslash; the string-value rule then doubles every backslash once more.
  const quoted = escaped.replace(/["`$\\]/g, '\\$&');
  return `"${quoted.replaceAll('\\', '\\\\')}"`;
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Codex Cursor Bridge',
    'Comment=OpenAI-compatible bridge to your ChatGPT subscription',
    `Exec=${command.map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function createLinuxAutostart(options: LinuxAutostartOptions): LinuxAutostart {
  const file = autostartFile(options.env, options.homedir);
  return {
    file,
    isEnabled: () => existsSync(file),
    setEnabled(enabled) {
      if (enabled) writeFileAtomic(file, desktopEntry(options.command));
      else rmSync(file, { force: true });
      return existsSync(file);
    },
  };
}
