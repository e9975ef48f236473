import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trayStateIconFile, trayIconState, type TrayIconState } from './tray-icon.js';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');
const STATES: TrayIconState[] = ['ready', 'attention', 'error', 'tunnel-online'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function png(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the tray icon state', () => {
  it('shows a problem before the tunnel, and the tunnel before plain ready', () => {
    expect(trayIconState({ level: 'ok', tunnelOnline: false })).toBe('ready');
    expect(trayIconState({ level: 'ok', tunnelOnline: true })).toBe('tunnel-online');
    expect(trayIconState({ level: 'attention', tunnelOnline: true })).toBe('attention');
    expect(trayIconState({ level: 'attention', tunnelOnline: false })).toBe('attention');
    expect(trayIconState({ level: 'error', tunnelOnline: true })).toBe('error');
    expect(trayIconState({ level: 'error', tunnelOnline: false })).toBe('error');
  });
});

describe('the tray icon file', () => {
  const file = (state: TrayIconState, platform: NodeJS.Platform, darkBar = false) => path.basename(trayStateIconFile(state, { platform, darkBar, resourcesDir: RESOURCES }));

  it('is a Template image on macOS whatever the bar, a colour one for the bar shade elsewhere', () => {
    expect(STATES.map((state) => file(state, 'darwin'))).toEqual(['trayTemplate.png', 'tray-attentionTemplate.png', 'tray-errorTemplate.png', 'tray-tunnelTemplate.png']);
    expect(STATES.map((state) => file(state, 'darwin', true))).toEqual(STATES.map((state) => file(state, 'darwin')));
    expect(STATES.map((state) => file(state, 'linux'))).toEqual(['tray.png', 'tray-attention-light.png', 'tray-error-light.png', 'tray-tunnel-light.png']);
    expect(STATES.map((state) => file(state, 'win32', true))).toEqual(['tray.png', 'tray-attention-dark.png', 'tray-error-dark.png', 'tray-tunnel-dark.png']);
  });

  it('exists for every state, platform and bar, as a PNG of the tray size, each state its own drawing', () => {
    const drawings = new Map<string, string>();
    for (const state of STATES) {
      for (const darkBar of [false, true]) {
        const colour = trayStateIconFile(state, { platform: 'linux', darkBar, resourcesDir: RESOURCES });
        expect(png(colour)).toEqual({ width: 32, height: 32 });
        drawings.set(`${state}-${darkBar}`, readFileSync(colour).toString('base64'));
      }
      const template = trayStateIconFile(state, { platform: 'darwin', darkBar: false, resourcesDir: RESOURCES });
      expect(png(template)).toEqual({ width: 16, height: 16 });
      expect(png(template.replace(/\.png$/, '@2x.png'))).toEqual({ width: 32, height: 32 });
      drawings.set(`${state}-template`, readFileSync(template).toString('base64'));
    }
    // Distinct files per state (ready is one drawing on light and dark bars).
    expect(new Set(drawings.values()).size).toBe(drawings.size - 1);
  });

  it('leaves no icon in resources/ that no state uses', () => {
    const used = new Set<string>();
    for (const state of STATES) {
      for (const target of [{ platform: 'linux' as const, darkBar: false }, { platform: 'linux' as const, darkBar: true }, { platform: 'darwin' as const, darkBar: false }]) {
        const name = file(state, target.platform, target.darkBar);
        used.add(name);
        if (target.platform === 'darwin') used.add(name.replace(/\.png$/, '@2x.png'));
      }
    }
    expect(readdirSync(RESOURCES).filter((name) => name.startsWith('tray')).sort()).toEqual([...used].sort());
  });
});
