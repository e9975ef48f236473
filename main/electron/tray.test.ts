import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAppHarness, type AppHarness } from '../../test/support/app-harness.js';
import { buildFakeMenu, FakeClipboard, FakeMenu, FakeNotifier, FakeTray } from '../../test/support/fake-electron.js';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';
import { createWindowApi } from './window-api.js';
import type { BridgeApi } from '../../shared/bridge-api.js';
import { tunnelLine, type AppState } from '../app/index.js';
import { startTrayMenu, type TrayMenu } from './tray.js';

const RESOURCES = path.resolve(import.meta.dirname, '..', '..', 'resources');
const icon = (file: string) => path.join(RESOURCES, file);

let h: AppHarness;
let service: BridgeApi;
let tunnel: FakeTunnelProvider;
let clipboard: FakeClipboard;
let notifier: FakeNotifier;
let loginItem: boolean;
let darkBar: boolean;
let tray: FakeTray;
let trayMenu: TrayMenu;
let opened: (string | undefined)[];
let quits: number;
let errors: unknown[];

beforeEach(async () => {
  tunnel = new FakeTunnelProvider();
  clipboard = new FakeClipboard();
  notifier = new FakeNotifier();
  loginItem = false;
  darkBar = false;
  h = await startAppHarness({
    app: {
      tunnelProvider: tunnel,
      cursorProbe: { isCursorRunning: async () => false },
      loginItem: { isEnabled: () => loginItem, setEnabled: (enabled) => (loginItem = enabled) },
    },
  });
  service = createWindowApi(h.app, { copyText: (text) => clipboard.writeText(text) });
  tray = new FakeTray(icon('tray.png'));
  opened = [];
  quits = 0;
  errors = [];
  trayMenu = startTrayMenu({
    tray,
    icon: { platform: 'linux', resourcesDir: RESOURCES, darkBar: () => darkBar },
    buildMenu: buildFakeMenu,
    service,
    notifier,
    openWindow: (section) => opened.push(section),
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

/** Puts the app's state into one condition, as the core would. */
function setState(change: (state: AppState) => AppState): void {
  h.app.state.update((state) => change(state as AppState));
}

describe('the tray icon and menu follow the state store, in every state', () => {
  it('shows where each limit window is heading, under the usage left', async () => {
    setState((state) => ({ ...state, forecasts: [{ label: '5h', text: 'at this pace the 5h window runs out at 14:20 (in 1 h)' }] }));
    await vi.waitFor(() => expect(menu().labels()).toContain('At this pace the 5h window runs out at 14:20 (in 1 h)'));
    const labels = menu().labels();
    expect(labels.indexOf('At this pace the 5h window runs out at 14:20 (in 1 h)')).toBe(labels.findLastIndex((label) => label.startsWith('Usage ')) + 1);
    setState((state) => ({ ...state, forecasts: [] }));
    await vi.waitFor(() => expect(menu().labels().some((label) => label.startsWith('At this pace'))).toBe(false));
  });

  it('ready: the status line, every action, usage left with the reset time, the plain icon', () => {
    const labels = menu().labels();
    expect(labels.slice(0, 8)).toEqual(['Ready', '---', 'Copy local URL', 'Copy public URL', 'Copy token', 'Public tunnel', 'Configure Cursor', '---']);
    expect(labels.slice(8, 10)).toEqual([expect.stringMatching(/^Usage 5h: 90 % left, resets \d\d:\d\d$/), expect.stringMatching(/^Usage weekly: 95 % left, resets /)]);
    expect(labels.slice(10)).toEqual(['---', 'Open Codex Cursor Bridge', 'Settings…', 'Start at login', '---', 'Quit']);
    expect(menu().item('Ready').enabled).toBe(false);
    expect(menu().item('Copy public URL').enabled).toBe(false);
    expect(menu().item('Configure Cursor').enabled).toBe(false);
    expect(tray.iconFile).toBe(icon('tray.png'));
    expect(tray.tooltip).toBe('Codex Cursor Bridge · Ready');
  });

  it('needs sign-in: "Sign in…" right under the status, the attention icon (dark bar: the dark icon)', async () => {
    darkBar = true;
    setState((state) => ({ ...state, login: { state: 'missing', authPath: h.authPath } }));
    expect(menu().labels().slice(0, 3)).toEqual(['Needs sign-in', 'Sign in…', '---']);
    expect(tray.iconFile).toBe(icon('tray-attention-dark.png'));
    setState((state) => ({ ...state, signIn: { state: 'waiting-browser', url: 'https://auth.example/authorize', opened: true } }));
    expect(menu().item('Signing in… (see the window)').enabled).toBe(false);
  });

  it('limit reached: the reset time in the status line, the attention icon', () => {
    const resetsAt = new Date(Date.now() + 2 * 3600_000);
    setState((state) => ({ ...state, limits: { windows: [{ label: '5h', usedPercent: 100, resetsAt: resetsAt.toISOString() }], limitReached: true, observedAt: new Date().toISOString() } }));
    const clock = `${String(resetsAt.getHours()).padStart(2, '0')}:${String(resetsAt.getMinutes()).padStart(2, '0')}`;
    expect(menu().labels()[0]).toMatch(new RegExp(`^Usage limit reached until ${clock}`));
    expect(menu().labels()).toContainEqual(expect.stringMatching(/^Usage 5h: 0 % left, resets /));
    expect(tray.iconFile).toBe(icon('tray-attention-light.png'));
  });

  it('tunnel online: the tunnel icon, the public URL and Configure Cursor enabled; tunnel down: the error icon', async () => {
    menu().click('Public tunnel');
    await vi.waitFor(() => expect(tray.iconFile).toBe(icon('tray-tunnel-light.png')));
    expect(menu().item('Copy public URL').enabled).toBe(true);
    expect(menu().item('Configure Cursor').enabled).toBe(true);
    menu().click('Copy public URL');
    await vi.waitFor(() => expect(clipboard.texts).toEqual([`${tunnel.publicUrl}/v1`]));
    setState((state) => ({ ...state, tunnel: { state: 'failed', provider: 'fake', error: 'authtoken rejected' } }));
    expect(menu().labels()[0]).toBe('Tunnel down');
    expect(tray.iconFile).toBe(icon('tray-error-light.png'));
    expect(tray.tooltip).toBe('Codex Cursor Bridge · Tunnel down');
  });

  it('error: the bridge not serving shows the error icon', () => {
    setState((state) => ({ ...state, server: { running: false, tokenRequired: false } }));
    expect(menu().labels()[0]).toBe('Error');
    expect(tray.iconFile).toBe(icon('tray-error-light.png'));
  });

  it('sets the image only when the icon changes', () => {
    const set = tray.imagesSet;
    setState((state) => ({ ...state, requests: { ...state.requests, finished: 5 } }));
    setState((state) => ({ ...state, settings: { ...state.settings, startAtLogin: true } }));
    expect(tray.imagesSet).toBe(set);
  });

  it('copies the local URL and the token; Settings… opens the window on its Settings section', async () => {
    menu().click('Copy local URL');
    menu().click('Copy token');
    await vi.waitFor(() => expect(clipboard.texts).toEqual([`${h.baseUrl}/v1`, h.app.token()]));
    menu().click('Settings…');
    expect(opened).toEqual(['settings']);
  });

  it('turns the tunnel on from the checkbox and rebuilds as its state changes', async () => {
    const built = tray.menusBuilt;
    menu().click('Public tunnel');
    await vi.waitFor(() => expect(menu().item('Public tunnel').checked).toBe(true));
    await vi.waitFor(() => expect(tray.iconFile).toBe(icon('tray-tunnel-light.png')));
    expect(tray.menusBuilt).toBeGreaterThan(built + 1);

    await tunnel.drop('lost the session');
    await vi.waitFor(() => expect(menu().labels()[0]).toBe('Tunnel down'));

    menu().click('Public tunnel');
    await vi.waitFor(() => expect(menu().item('Public tunnel').checked).toBe(false));
    expect(menu().labels()[0]).toBe('Ready');
    expect(errors).toEqual([]);
  });

  it('toggles start at login', async () => {
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
    expect(notifier.shown).toEqual([{ title: 'Codex Cursor Bridge: Start at login failed', body: 'login items unavailable' }]);
  });

  it('opens the window from the menu and from a tray click, and quits from the menu', () => {
    menu().click('Open Codex Cursor Bridge');
    tray.emit('click');
    menu().click('Quit');
    expect(opened).toEqual([undefined, undefined]);
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
});
