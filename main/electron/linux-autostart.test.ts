import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApp, FakeClipboard } from '../../test/support/fake-electron.js';
import { createDesktopHost } from './desktop-host.js';
import { autostartFile, createLinuxAutostart, desktopEntry, launchCommand } from './linux-autostart.js';

let home: string;

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'autostart-'));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

/** The Exec line as a desktop environment splits it: string-value unescaping, then the quoting rules. */
function parseExec(entry: string): string[] {
  const line = entry.split('\n').find((l) => l.startsWith('Exec='));
  if (!line) throw new Error('no Exec line');
  const value = line.slice('Exec='.length).replace(/\\(.)/g, (_, c: string) => (c === 's' ? ' ' : c === '\\' ? '\\' : `\\${c}`));
  const args: string[] = [];
  for (const match of value.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    args.push(match[1] !== undefined ? match[1].replace(/\\(["`$\\])/g, '$1') : match[2]!);
  }
  return args.map((arg) => arg.replaceAll('%%', '%'));
}

describe('Linux autostart entry', () => {
  it('lives in ~/.config/autostart, or XDG_CONFIG_HOME when absolute', () => {
    expect(autostartFile({}, '/home/ada')).toBe('/home/ada/.config/autostart/codex-cursor-bridge.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/ada')).toBe('/cfg/autostart/codex-cursor-bridge.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: 'relative/cfg' }, '/home/ada')).toBe('/home/ada/.config/autostart/codex-cursor-bridge.desktop');
  });

  it('is written atomically on enable and removed on disable', () => {
    const autostart = createLinuxAutostart({ env: { XDG_CONFIG_HOME: path.join(home, 'cfg') }, homedir: home, command: ['/opt/bridge/codex-cursor-bridge'] });
    expect(autostart.file).toBe(path.join(home, 'cfg', 'autostart', 'codex-cursor-bridge.desktop'));
    expect(autostart.isEnabled()).toBe(false);
    expect(autostart.setEnabled(true)).toBe(true);
    const text = readFileSync(autostart.file, 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(text).toContain('\nExec=/opt/bridge/codex-cursor-bridge\n');
    expect(text).toContain('\nName=Codex Cursor Bridge\n');
    expect(statSync(autostart.file).mode & 0o077).toBe(0);
    expect(readdirSync(path.dirname(autostart.file))).toEqual(['codex-cursor-bridge.desktop']);
    // Enabling twice rewrites the same entry; disabling twice is fine.
    expect(autostart.setEnabled(true)).toBe(true);
    expect(autostart.setEnabled(false)).toBe(false);
    expect(autostart.setEnabled(false)).toBe(false);
    expect(readdirSync(path.dirname(autostart.file))).toEqual([]);
  });

  it('quotes paths with spaces and special characters so the desktop reads them back unchanged', () => {
    const command = ['/opt/Codex Cursor Bridge/codex-cursor-bridge', '/home/a$b/"quoted"\\dir', '100%'];
    expect(parseExec(desktopEntry(command))).toEqual(command);
    expect(desktopEntry(['/opt/Codex Cursor Bridge/bin'])).toContain('Exec="/opt/Codex Cursor Bridge/bin"\n');
    expect(() => desktopEntry(['/tmp/evil\nHidden=true'])).toThrow(/line break/);
  });

  it('starts the AppImage file itself, the executable when packaged, Electron with the app folder otherwise', () => {
    const base = { execPath: '/opt/bridge/codex-cursor-bridge', isPackaged: true, appPath: '/opt/bridge/resources/app.asar' };
    expect(launchCommand({ ...base, env: { APPIMAGE: '/home/ada/Apps/Bridge.AppImage' } })).toEqual(['/home/ada/Apps/Bridge.AppImage']);
    expect(launchCommand({ ...base, env: {} })).toEqual(['/opt/bridge/codex-cursor-bridge']);
    expect(launchCommand({ env: {}, execPath: '/repo/node_modules/electron/dist/electron', isPackaged: false, appPath: '/repo' })).toEqual([
      '/repo/node_modules/electron/dist/electron',
      '/repo',
    ]);
  });
});

describe('desktop host', () => {
  it('uses the autostart entry on Linux and login items elsewhere; copies through the clipboard', async () => {
    const app = new FakeApp(home);
    const clipboard = new FakeClipboard();
    const linuxAutostart = createLinuxAutostart({ env: {}, homedir: home, command: ['/opt/bridge/run'] });

    const linux = createDesktopHost({ platform: 'linux', loginItems: app, clipboard, linuxAutostart });
    expect(linux.loginItem.setEnabled(true)).toBe(true);
    expect(linux.loginItem.isEnabled()).toBe(true);
    expect(linuxAutostart.isEnabled()).toBe(true);
    expect(app.loginItem.openAtLogin).toBe(false);
    await linux.clipboard.copyText('sk-bridge-123');
    expect(clipboard.texts).toEqual(['sk-bridge-123']);

    const mac = createDesktopHost({ platform: 'darwin', loginItems: app, clipboard, linuxAutostart });
    expect(mac.loginItem.isEnabled()).toBe(false);
    expect(mac.loginItem.setEnabled(true)).toBe(true);
    expect(app.loginItem.openAtLogin).toBe(true);
    expect(mac.loginItem.setEnabled(false)).toBe(false);
    expect(linuxAutostart.isEnabled()).toBe(true);
  });
});
