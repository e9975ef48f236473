import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic-file.js';
import { isRecord } from '../json.js';
import type { AliasOverride } from '../models/aliases.js';
import { SettingsError, validateSettings, type BridgeSettings, type KnownSettings } from './settings-schema.js';

export { SettingsError, type BridgeSettings, type TunnelSettings } from './settings-schema.js';

/**
 * A change to apply: each given key replaces the stored one, `undefined` removes it, and an object value
 * (`tunnel`, `modelOverrides`) is merged one level deep — so `{ tunnel: { enabled: true } }` keeps the stored
 * authtoken, and `{ modelOverrides: { 'bridge-fast': undefined } }` removes just that pin.
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

export const SETTINGS_FILE = 'settings.json';
const CHECK_INTERVAL_MS = 1_000;


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

/** The settings file in `home` (CODEX_BRIDGE_HOME). */
export function createSettingsStore(home: string): SettingsStore {
  const file = path.join(home, SETTINGS_FILE);
  const where = `Settings file ${file}`;

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
    const settings = stat ? parse(readText()) : {};
    cached = { stamp, settings, checkedAt: now };
    return settings;
  }

  function readText(): string {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new SettingsError(`${where} cannot be read: ${(error as Error).message}`);
    }
  }

  function parse(text: string): BridgeSettings {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new SettingsError(`${where} is not valid JSON: ${(error as Error).message}`);
    }
    return validateSettings(parsed, where);
  }

  return {
    path: file,
    read,
    update(patch) {
      cached = undefined; // merge with what is on disk now, not with a second-old copy
      const next = validateSettings(merge(read(), patch), 'Settings update');
      writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
      cached = undefined;
      return next;
    },
  };
}
