import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS, type BridgeApi } from '../shared/bridge-api.js';
import { FakeContextBridge, FakeIpcRenderer } from '../test/support/fake-electron.js';

const root = path.resolve(import.meta.dirname, '..');
let outDir: string;
let code: string;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'preload-build-'));
  await build({ configFile: path.join(root, 'vite.preload.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  code = readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
});

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('the built preload', () => {
  it('is one CommonJS file whose only require is electron (a sandboxed preload can load nothing else)', () => {
    expect(readdirSync(outDir)).toEqual(['preload.cjs']);
    expect([...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1])).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/\bimport\(/);
  });

  it('run as Electron runs a preload, exposes window.bridge wired to the contract channels', async () => {
    const contextBridge = new FakeContextBridge();
    const ipcRenderer = new FakeIpcRenderer(async (channel, args) => ({ ok: true, result: { channel, args } }));
    const requireElectronOnly = (id: string): unknown => {
      if (id !== 'electron') throw new Error(`module not found: ${id}`);
      return { contextBridge, ipcRenderer };
    };
    const module = { exports: {} };
    new Function('require', 'module', 'exports', code)(requireElectronOnly, module, module.exports);
    const bridge = contextBridge.exposed.get('bridge') as BridgeApi;
    expect(Object.keys(bridge).sort()).toEqual([...Object.keys(REQUEST_CHANNELS), 'onLog', 'onSnapshot'].sort());
    await expect(bridge.setTunnel(true)).resolves.toEqual({ channel: REQUEST_CHANNELS.setTunnel, args: [true] });
  });
});
