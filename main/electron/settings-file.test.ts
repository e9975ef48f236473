import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSecretStore } from '../settings/secret-store.js';
import { createSettingsStore, settingsFileOptions } from '../settings/settings-store.js';
import { openElectronSettingsFile } from './settings-file.js';

// electron-store reads Electron's app and ipcMain only to find a default folder; outside Electron there are none.
vi.mock('electron', () => ({ default: {} }));

let home: string | undefined;
afterEach(() => {
  if (home) rmSync(path.dirname(home), { recursive: true, force: true });
});

describe('settings.json through electron-store', () => {
  it('is the same file the CLI reads: settings.json in CODEX_BRIDGE_HOME, 0600, migrated', () => {
    home = path.join(mkdtempSync(path.join(os.tmpdir(), 'electron-store-')), 'home');
    const secrets = createSecretStore(home);
    const store = createSettingsStore(home, () => openElectronSettingsFile(settingsFileOptions(home!, secrets)));
    store.update({ requireToken: true });
    const file = path.join(home, 'settings.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ requireToken: true });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    writeFileSync(file, JSON.stringify({ tunnel: { authtoken: 'old-secret' } }));
    const reopened = createSettingsStore(home, () => openElectronSettingsFile(settingsFileOptions(home!, secrets)));
    expect(reopened.read()).toEqual({ tunnel: {} });
    expect(secrets.read('ngrok-authtoken')).toBe('old-secret');
  });
});
