import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAppHarness, type AppHarness } from '../../test/support/app-harness.js';
import { buildFakeMenu, FakeClipboard, FakeMenu, FakeTray } from '../../test/support/fake-electron.js';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';
import { createWindowApi } from './window-api.js';
import type { BridgeApi } from '../../shared/bridge-api.js';
import { tunnelLine } from '../app/index.js';
import { startTrayMenu, trayIconFile, type TrayMenu } from './tray.js';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');

let h: AppHarness;
let service: BridgeApi;
let tunnel: FakeTunnelProvider;
let clipboard: FakeClipboard;
let loginItem: boolean;
let tray: FakeTray;
let trayMenu: TrayMenu;
let opened: number;
let quits: number;
let errors: unknown[];

beforeEach(async () => {
  tunnel = new FakeTunnelProvider();
  clipboard = new FakeClipboard();
  loginItem = false;
  h = await startAppHarness({
    app: {
      tunnelProvider: tunnel,
      cursorProbe: { isCursorRunning: async () => false },
      loginItem: { isEnabled: () => loginItem, setEnabled: (enabled) => (loginItem = enabled) },
    },
  });
  service = createWindowApi(h.app, { copyText: (text) => clipboard.writeText(text) });
  tray = new FakeTray(trayIconFile('linux', RESOURCES));
  opened = 0;
  quits = 0;
  errors = [];
  trayMenu = startTrayMenu({
    tray,
    buildMenu: buildFakeMenu,
    service,
    openWindow: () => (opened += 1),
    quit: () => (quits += 1),
    onError: (error) => errors.push(error),
  });
  await trayMenu.refresh();
});

afterEach(async () => {
  trayMenu.dispose();
  await h.close();
});

function menu(): FakeMenu {
  if (!tray.menu) throw new Error('the tray has no menu');
  return tray.menu;
}

describe('the tray menu on the real core', () => {
  it('shows where the bridge serves, the tunnel state and every action', () => {
    expect(menu().labels()).toEqual([
      `Serving ${h.baseUrl}/v1`,
      'Public tunnel (ngrok): off',
      '---',
      'Open Codex Cursor Bridge',
      'Public tunnel',
      'Copy bridge token',
      'Start at login',
      '---',
      'Quit',
    ]);
    expect(menu().item('Public tunnel')).toMatchObject({ type: 'checkbox', checked: false });
    expect(menu().item(`Serving ${h.baseUrl}/v1`).enabled).toBe(false);
    expect(tray.tooltip).toBe(`Codex Cursor Bridge · ${h.baseUrl}/v1`);
  });

  it('turns the tunnel on from the checkbox and rebuilds as its state changes', async () => {
    const built = tray.menusBuilt;
    menu().click('Public tunnel');
    await vi.waitFor(() => expect(menu().labels()).toContain('Public tunnel (fake): https://fake-1.ngrok-free.app/v1'));
    expect(tray.menusBuilt).toBeGreaterThan(built + 1);
    expect(menu().item('Public tunnel').checked).toBe(true);
    expect(tray.tooltip).toContain('tunnel online');

    await tunnel.drop('lost the session');
    await vi.waitFor(() => expect(menu().labels().some((label) => /^Public tunnel \(fake\)(: reconnecting…| failed)/.test(label))).toBe(true));

    menu().click('Public tunnel');
    await vi.waitFor(() => expect(menu().labels()).toContain('Public tunnel (fake): off'));
    expect(menu().item('Public tunnel').checked).toBe(false);
    expect(errors).toEqual([]);
  });

  it('copies the bridge token and toggles start at login', async () => {
    menu().click('Copy bridge token');
    await vi.waitFor(() => expect(clipboard.texts).toEqual([h.app.token()]));
    menu().click('Start at login');
    await vi.waitFor(() => expect(menu().item('Start at login').checked).toBe(true));
    expect(loginItem).toBe(true);
  });

  it('puts the truth back when an action fails', async () => {
    vi.spyOn(service, 'setStartAtLogin').mockRejectedValueOnce(new Error('login items unavailable'));
    const built = tray.menusBuilt;
    menu().click('Start at login');
    await vi.waitFor(() => expect(tray.menusBuilt).toBeGreaterThan(built));
    expect(menu().item('Start at login').checked).toBe(false);
    expect(errors).toEqual([new Error('login items unavailable')]);
  });

  it('opens the window from the menu and from a tray click, and quits from the menu', () => {
    menu().click('Open Codex Cursor Bridge');
    tray.emit('click');
    menu().click('Quit');
    expect(opened).toBe(2);
    expect(quits).toBe(1);
  });

  it('stops following the core and removes the icon when disposed', async () => {
    trayMenu.dispose();
    expect(tray.destroyed).toBe(true);
    const built = tray.menusBuilt;
    // A listener still subscribed: once it has the push, the disposed tray would have had it too.
    const pushed: boolean[] = [];
    service.onSnapshot((snapshot) => pushed.push(snapshot.startAtLogin));
    await service.setStartAtLogin(true);
    await vi.waitFor(() => expect(pushed).toContain(true));
    expect(tray.menusBuilt).toBe(built);
  });
});

describe('tray pieces', () => {
  it('words every tunnel state', () => {
    expect(tunnelLine({ state: 'connecting', provider: 'ngrok' })).toBe('Public tunnel (ngrok): connecting…');
    expect(tunnelLine({ state: 'failed', provider: 'ngrok', error: 'authtoken missing' })).toBe('Public tunnel (ngrok) failed: authtoken missing');
  });

  it('has a Template icon for macOS and a colour icon elsewhere, as real PNGs', () => {
    const sizes = [
      [trayIconFile('darwin', RESOURCES), 16],
      [path.join(RESOURCES, 'trayTemplate@2x.png'), 32],
      [trayIconFile('linux', RESOURCES), 32],
      [trayIconFile('win32', RESOURCES), 32],
    ] as const;
    expect(path.basename(trayIconFile('darwin', RESOURCES))).toBe('trayTemplate.png');
    for (const [file, size] of sizes) {
      const png = readFileSync(file);
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    }
  });
});
