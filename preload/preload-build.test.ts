import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS, type BridgeApi } from '../shared/bridge-api.js';
import { FakeContextBridge, FakeIpcRenderer, runBuiltPreload } from '../test/support/fake-electron.js';
import { buildPreload } from '../test/support/window-rpc.js';

let outDir: string;
let code: string;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'preload-build-'));
  await buildPreload(outDir);
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
    runBuiltPreload(code, { contextBridge, ipcRenderer });
    const bridge = contextBridge.exposed.get('bridge') as BridgeApi;
    expect(Object.keys(bridge).sort()).toEqual([...Object.keys(REQUEST_CHANNELS), 'onInFlight', 'onLog', 'onSnapshot'].sort());
    await expect(bridge.setTunnel(true)).resolves.toEqual({ channel: REQUEST_CHANNELS.setTunnel, args: [true] });
  });
});
