import fs from 'node:fs';
import path from 'node:path';
import Conf, { type Options } from 'conf';
import { ensurePrivateDir } from '../fs/atomic-file.js';
import { isRecord } from '../json.js';
import type { AliasOverride } from '../models/aliases.js';
import type { SecretStore } from './secret-store.js';
import { parseSettings, SettingsError, type BridgeSettings, type KnownSettings } from './settings-schema.js';

export { SettingsError, type BridgeSettings, type TunnelSettings } from './settings-schema.js';

/**
 * A change to apply: each given key replaces the stored one, `undefined` removes it, and an object value
 * (`tunnel`, `modelOverrides`) is merged one level deep — so `{ tunnel: { enabled: true } }` keeps the stored
 * domain, and `{ modelOverrides: { 'bridge-fast': undefined } }` removes just that pin.
 */
export type SettingsPatch = {
  [K in keyof KnownSettings]?: K extends 'modelOverrides' ? Record<string, AliasOverride | undefined> : KnownSettings[K];
} & { [key: string]: unknown };

export interface SettingsStore {
  /** The validated settings ({} when there is no file yet). Throws SettingsError naming the file and field. */
  read(): BridgeSettings;
  /** Applies `patch`, validates the result and writes it atomically (0600); the file is untouched on any error. */
  update(patch: SettingsPatch): BridgeSettings;
  readonly path: string;
}

/** What electron-store (the app) and conf (the CLI) both are: a JSON file read and replaced as a whole. */
export interface SettingsFile {
  readonly path: string;
  store: Record<string, unknown>;
}

/** What electron-store and conf are opened with (electron-store's options are conf's). */
export type SettingsFileOptions = Options<Record<string, unknown>>;

export const SETTINGS_FILE = 'settings.json';
/** The version of the file's layout that conf's migrations count to (not the bridge's version). */
export const SETTINGS_LAYOUT_VERSION = '1.0.0';
/** conf keeps its migration record under this key of the file. */
const CONF_INTERNAL_KEY = '__internal__';
const CHECK_INTERVAL_MS = 1_000;

/**
 * The options both electron-store and conf open settings.json with: where it is, 0600, written atomically (conf
 * writes through `atomically`), indented as before, no dotted keys (origins and aliases contain dots), and the
 * migrations from the layouts earlier bridges wrote.
 */
export function settingsFileOptions(home: string, secrets: SecretStore): SettingsFileOptions {
  return {
    cwd: home,
    configName: 'settings',
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
    serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
    // conf would read a JSON array or string as {}: such a file is reported, never silently replaced.
    deserialize: (text) => {
      const value: unknown = JSON.parse(text);
      if (!isRecord(value)) parseSettings(value, `Settings file ${path.join(home, SETTINGS_FILE)}`);
      return value as Record<string, unknown>;
    },
    projectVersion: SETTINGS_LAYOUT_VERSION,
    migrations: {
      // Bridges before this layout kept the ngrok authtoken in settings.json: it moves to the secret store.
      '1.0.0': (file) => {
        const tunnel = file.store.tunnel;
        if (!isRecord(tunnel) || typeof tunnel.authtoken !== 'string') return;
        const { authtoken, ...rest } = tunnel;
        if (authtoken.trim() !== '') secrets.write('ngrok-authtoken', authtoken.trim());
        file.set('tunnel', rest);
      },
    },
  };
}

/** The CLI's settings file: conf, the library electron-store is built on. */
export function openConfSettingsFile(options: SettingsFileOptions): SettingsFile {
  return new Conf(options);
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

function merge(current: BridgeSettings, patch: SettingsPatch): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const stored = next[key];
    next[key] = isRecord(stored) && isRecord(value) ? withoutUndefined({ ...stored, ...value }) : value;
  }
  return withoutUndefined(next);
}

/**
 * The settings in `home` (CODEX_BRIDGE_HOME) through the file `open` gives (electron-store or conf). Opening runs
 * the migrations, so a file that cannot be opened yet (bad JSON) is reported by `read` and opened again next time.
 */
export function createSettingsStore(home: string, open: () => SettingsFile): SettingsStore {
  const file = path.join(home, SETTINGS_FILE);
  const where = `Settings file ${file}`;
  let opened: SettingsFile | undefined;

  function contents(): Record<string, unknown> {
    try {
      ensurePrivateDir(home); // conf would create the folder with the umask's mode
      opened ??= open();
      const { [CONF_INTERNAL_KEY]: _internal, ...settings } = opened.store;
      return settings;
    } catch (error) {
      if (error instanceof SettingsError) throw error;
      if (error instanceof SyntaxError) throw new SettingsError(`${where} is not valid JSON: ${error.message}`);
      throw new SettingsError(`${where} cannot be read: ${(error as Error).message}`);
    }
  }

  // read() runs several times per request (guard, overrides, options): the parsed file is kept until it changes on
  // disk, and the disk is looked at no more than once a second. update() refreshes the cache itself.
  let cached: { stamp: string; settings: BridgeSettings; checkedAt: number } | undefined;

  function read(): BridgeSettings {
    const now = Date.now();
    if (cached && now - cached.checkedAt < CHECK_INTERVAL_MS) return cached.settings;
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(file, { throwIfNoEntry: false });
    } catch (error) {
      throw new SettingsError(`${where} cannot be read: ${(error as Error).message}`);
    }
    const stamp = stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'missing';
    if (cached?.stamp === stamp) {
      cached.checkedAt = now;
      return cached.settings;
    }
    // No file yet: nothing to migrate, and a read creates nothing (a dry run writes nothing).
    const settings = stat ? parseSettings(contents(), where) : {};
    cached = { stamp, settings, checkedAt: now };
    return settings;
  }

  return {
    path: file,
    read,
    update(patch) {
      cached = undefined; // merge with what is on disk now, not with a second-old copy
      const next = parseSettings(merge(read(), patch), 'Settings update');
      contents();
      opened!.store = { ...next }; // conf adds its migration record to the object it is given
      cached = undefined;
      return next;
    },
  };
}
