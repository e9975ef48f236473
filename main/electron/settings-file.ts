import ElectronStore from 'electron-store';
import type { SettingsFile, SettingsFileOptions } from '../app/index.js';

/**
 * settings.json through electron-store, with the options the CLI's conf uses. electron-store names its file by
 * `name` (default `config`) and overwrites conf's `configName` with it, so the name is passed as both.
 */
export function openElectronSettingsFile(options: SettingsFileOptions): SettingsFile {
  return new ElectronStore({ ...options, name: options.configName ?? 'settings' });
}
