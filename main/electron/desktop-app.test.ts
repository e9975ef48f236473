import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNELS, REQUEST_CHANNELS } from '../../shared/bridge-api.js';
import {
  buildFakeMenu,
  FakeApp,
  FakeClipboard,
  FakeDialog,
  FakeIpcMain,
  FakeNotifier,
  FakeProtocol,
  FakeSafeStorage,
  FakeShell,
  FakeTray,
  FakeWebContents,
  fakeWindowFactory,
  invokeEventFrom,
} from '../../test/support/fake-electron.js';
import { desktopAppEnv } from '../../test/support/bridge-harness.js';
import { openConfSettingsFile } from '../app/index.js';
import { startFakeBackend, type FakeBackend } from '../../test/support/fake-backend/server.js';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';
import { APP_CSP, APP_INDEX_URL } from './app-protocol.js';
import type { DialogLike } from './electron-types.js';
import { runDesktopApp, type DesktopApp } from './desktop-app.js';

let fake: FakeBackend;
let dir: string;
let env: Record<string, string>;
let app: FakeApp;
let ipcMain: FakeIpcMain;
let windows: ReturnType<typeof fakeWindowFactory>;
let trays: FakeTray[];
let clipboard: FakeClipboard;
let protocol: FakeProtocol;
let shell: FakeShell;
let tunnel: FakeTunnelProvider;
let logs: string[];
let safeStorage: FakeSafeStorage;
let notifier: FakeNotifier;
let running: DesktopApp | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'desktop-app-'));
  fake = await startFakeBackend();
  env = await desktopAppEnv(dir, fake);
  app = new FakeApp(path.join(dir, 'app'));
  ipcMain = new FakeIpcMain();
  windows = fakeWindowFactory(app);
  protocol = new FakeProtocol(app);
  shell = new FakeShell();
  trays = [];
  clipboard = new FakeClipboard();
  tunnel = new FakeTunnelProvider();
  logs = [];
  safeStorage = new FakeSafeStorage();
  notifier = new FakeNotifier();
  running = undefined;
});

afterEach(async () => {
  await running?.shutdown();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function launch(options: { dialog?: DialogLike; platform?: NodeJS.Platform } = {}): Promise<DesktopApp | undefined> {
  return runDesktopApp(
    {
      app,
      ipcMain,
      clipboard,
      shell,
      dialog: options.dialog ?? new FakeDialog(),
      protocol,
      createWindow: windows.createWindow,
      createTray: (iconFile) => {
        const tray = new FakeTray(iconFile);
        trays.push(tray);
        return tray;
      },
      buildMenu: buildFakeMenu,
      nativeTheme: { shouldUseDarkColors: false },
      notifier,
      safeStorage,
      openSettingsFile: openConfSettingsFile,
    },
    {
      env,
      platform: options.platform ?? 'linux',
      homedir: dir,
      execPath: '/opt/bridge/codex-cursor-bridge',
      resourcesDir: path.join(dir, 'resources'),
      tunnelProvider: tunnel,
      cursorProbe: { isCursorRunning: async () => false },
      log: (line) => logs.push(line),
    },
  );
}

async function started(options: Parameters<typeof launch>[0] = {}): Promise<DesktopApp> {
  running = await launch(options);
  if (!running) throw new Error('the app did not start');
  return running;
}

function onlyTray(): FakeTray {
  expect(trays).toHaveLength(1);
  return trays[0]!;
}

describe('the desktop app', () => {
  it('starts the bridge from the environment, with a tray and IPC, and no window until asked', async () => {
    const desktop = await started();
    expect((await fetch(`${desktop.app.state.get().server.baseUrl}/healthz`)).status).toBe(200);
    const tray = onlyTray();
    expect(tray.iconFile).toBe(path.join(dir, 'resources', 'tray.png'));
    expect(tray.menu?.labels()[0]).toBe('Ready');
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(REQUEST_CHANNELS).sort());
    expect(windows.windows).toHaveLength(0);
    expect(app.dockHidden).toBe(false);
    expect(app.listenerCount('window-all-closed')).toBe(1);
  });

  it('keeps the bridge token sealed by the OS keychain (safeStorage) and says so', async () => {
    const desktop = await started();
    const token = desktop.app.token();
    const home = env.CODEX_BRIDGE_HOME!;
    expect(desktop.app.state.get().settings.secretsStorage).toBe('os-keychain');
    expect((await desktop.service.getSettings()).secretsStorage).toBe('os-keychain');
    expect(existsSync(path.join(home, 'bridge-token'))).toBe(false);
    expect(readFileSync(path.join(home, 'bridge-token.sealed'), 'utf8')).not.toContain(token.slice('sk-bridge-'.length));
  });

  it('without an OS keychain keeps the bridge token in a 0600 file and says so', async () => {
    safeStorage.available = false;
    const desktop = await started();
    expect((await desktop.service.getSettings()).secretsStorage).toBe('file');
    const file = path.join(env.CODEX_BRIDGE_HOME!, 'bridge-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(desktop.app.token());
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('shows notices as OS notifications (a tunnel that fails)', async () => {
    const desktop = await started();
    tunnel.failNextStarts(1, 'ngrok refused the authtoken', { retryable: false });
    await desktop.service.setTunnel(true);
    expect(notifier.shown).toEqual([{ title: 'Public tunnel down', body: 'Public tunnel (fake) failed: ngrok refused the authtoken. fake hint' }]);
  });

  it('a tunnel turned on from the tray that fails is told once, by the notice', async () => {
    await started();
    tunnel.failNextStarts(1, 'ngrok refused the authtoken', { retryable: false });
    onlyTray().menu?.click('Public tunnel');
    await vi.waitFor(() => expect(onlyTray().menu?.labels()[0]).toBe('Tunnel down'));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the tray's own outcome handling runs after the state change
    expect(notifier.shown).toEqual([{ title: 'Public tunnel down', body: 'Public tunnel (fake) failed: ngrok refused the authtoken. fake hint' }]);
  });

  it('on macOS hides the dock icon and uses the Template tray icon', async () => {
    await started({ platform: 'darwin' });
    expect(app.dockHidden).toBe(true);
    expect(onlyTray().iconFile).toBe(path.join(dir, 'resources', 'trayTemplate.png'));
  });

  it('opens the window from the tray; the page there talks to the core and receives its events', async () => {
    const desktop = await started();
    onlyTray().menu?.click('Open Codex Cursor Bridge');
    const [window] = windows.windows;
    if (!window) throw new Error('no window');
    expect(window.visible).toBe(true);
    expect(window.options.webPreferences?.preload).toBe(path.join(dir, 'app', 'out', 'preload', 'preload.cjs'));
    expect(window.loaded).toEqual({ url: APP_INDEX_URL });

    const answer = await ipcMain.invoke(invokeEventFrom(window), REQUEST_CHANNELS.copyText, 'hello');
    expect(answer).toEqual({ ok: true });
    expect(clipboard.texts).toEqual(['hello']);

    await fetch(`${desktop.app.state.get().server.baseUrl}/v1/models`);
    await vi.waitFor(() => expect(window.webContents.sentOn(EVENT_CHANNELS.log)).toEqual([expect.objectContaining({ path: '/v1/models', status: 200 })]));
  });

  it('loads the dev server when unpackaged and answers IPC from it', async () => {
    env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    const desktop = await started();
    desktop.window.show();
    const window = windows.windows[0]!;
    expect(window.loaded).toEqual({ url: 'http://localhost:5173/' });
    expect(await ipcMain.invoke(invokeEventFrom(window), REQUEST_CHANNELS.getToken)).toEqual({ ok: true, result: desktop.app.token() });
    expect(logs).toEqual([]);
  });

  it('loads the dev server only when not packaged', async () => {
    env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    app.isPackaged = true;
    const desktop = await started();
    desktop.window.show();
    expect(windows.windows[0]?.loaded).toEqual({ url: APP_INDEX_URL });
  });

  it('ignores a dev server that is not on this machine', async () => {
    env.ELECTRON_RENDERER_URL = 'http://dev.example.com:5173/';
    const desktop = await started();
    desktop.window.show();
    expect(windows.windows[0]?.loaded).toEqual({ url: APP_INDEX_URL });
  });

  it('serves the built renderer on app:// (privileged before ready) with its CSP, and nothing outside it', async () => {
    const rendererDir = path.join(dir, 'app', 'out', 'renderer');
    await mkdir(rendererDir, { recursive: true });
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>window</title>');
    await writeFile(path.join(dir, 'app', 'out', 'secret.txt'), 'not for the page');
    await started();
    expect(protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const page = await protocol.fetch(APP_INDEX_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(await page.text()).toContain('<title>window</title>');
    expect((await protocol.fetch('app://bridge/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('guards every web contents the app makes: its window and any other', async () => {
    await started();
    onlyTray().menu?.click('Open Codex Cursor Bridge');
    const stray = new FakeWebContents();
    app.emit('web-contents-created', {}, stray);
    for (const contents of [windows.windows[0]!.webContents, stray]) {
      expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
      expect(contents.attempt('will-frame-navigate', 'https://evil.example/')).toBe(true);
      expect(contents.attempt('will-redirect', 'https://evil.example/')).toBe(true);
      expect(contents.attempt('will-attach-webview')).toBe(true);
      expect(contents.openWindow('https://evil.example/')).toEqual({ action: 'deny' });
      expect(contents.openWindow('https://chatgpt.com/codex/settings/usage')).toEqual({ action: 'deny' });
    }
    expect(shell.opened).toEqual(['https://chatgpt.com/codex/settings/usage', 'https://chatgpt.com/codex/settings/usage']);
  });

  it('opens the sign-in issuer of CODEX_BRIDGE_AUTH_ISSUER in the browser, not the default one', async () => {
    env.CODEX_BRIDGE_AUTH_ISSUER = 'https://login.example.test';
    await started();
    onlyTray().menu?.click('Open Codex Cursor Bridge');
    const contents = windows.windows[0]!.webContents;
    contents.openWindow('https://login.example.test/oauth/authorize?client_id=x');
    contents.openWindow('https://auth.openai.com/oauth/authorize');
    expect(shell.opened).toEqual(['https://login.example.test/oauth/authorize?client_id=x']);
  });

  it('a second launch shows the window of the first', async () => {
    await started();
    app.emit('second-instance');
    expect(windows.windows[0]?.visible).toBe(true);
  });

  it('a second instance quits at once without starting anything', async () => {
    app.hasLock = false;
    expect(await launch()).toBeUndefined();
    expect(app.quitted).toBe(true);
    expect(trays).toEqual([]);
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('brings the tunnel back when the settings say it was on', async () => {
    await mkdir(env.CODEX_BRIDGE_HOME!, { recursive: true, mode: 0o700 });
    await writeFile(path.join(env.CODEX_BRIDGE_HOME!, 'settings.json'), JSON.stringify({ tunnel: { enabled: true } }), { mode: 0o600 });
    await started();
    await vi.waitFor(() => expect(onlyTray().iconFile).toBe(path.join(dir, 'resources', 'tray-tunnel-light.png')));
    expect(onlyTray().menu?.item('Public tunnel').checked).toBe(true);
  });

  it('quit closes the tunnel, the service and the bridge, then lets the app quit', async () => {
    const desktop = await started();
    onlyTray().menu?.click('Open Codex Cursor Bridge');
    await desktop.service.setTunnel(true);
    expect(tunnel.publicUrl).toBeDefined();
    const baseUrl = desktop.app.state.get().server.baseUrl;

    onlyTray().menu?.click('Quit');
    expect(app.quitted).toBe(false); // held back until everything is closed
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    expect(app.quitRequests).toBe(2);
    expect(tunnel.publicUrl).toBeUndefined();
    await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();
    expect(onlyTray().destroyed).toBe(true);
    expect(ipcMain.handlers.size).toBe(0);
    // The window now really closes instead of hiding.
    expect(windows.windows[0]?.close()).toBe(true);
    running = undefined;
  });
});

describe('when the bridge cannot start', () => {
  let blocker: net.Server;
  let port: number;

  beforeEach(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as net.AddressInfo).port;
    env.CODEX_BRIDGE_PORT = String(port);
  });

  afterEach(async () => {
    if (blocker.listening) await new Promise((resolve) => blocker.close(resolve));
  });

  it('says the port is in use and quits cleanly when asked', async () => {
    const dialog = new FakeDialog([1]);
    expect(await launch({ dialog })).toBeUndefined();
    expect(dialog.shown).toEqual([expect.objectContaining({ type: 'error', buttons: ['Retry', 'Quit'], cancelId: 1 })]);
    expect(dialog.shown[0]?.detail).toContain(`Port 127.0.0.1:${port} is already in use`);
    expect(app.quitted).toBe(true);
    expect(trays).toEqual([]);
  });

  it('starts on Retry once the port is free', async () => {
    const shown: string[] = [];
    const dialog: DialogLike = {
      async showMessageBox(options) {
        shown.push(options.detail ?? '');
        await new Promise((resolve) => blocker.close(resolve));
        return { response: 0 };
      },
    };
    const desktop = await started({ dialog });
    expect(shown).toHaveLength(1);
    expect(Number(new URL(desktop.app.state.get().server.baseUrl!).port)).toBe(port);
    expect(onlyTray().menu).not.toBeNull();
  });

  it('names a bad environment value and quits', async () => {
    env.CODEX_BRIDGE_PORT = 'seventy';
    const dialog = new FakeDialog([0]);
    expect(await launch({ dialog })).toBeUndefined();
    expect(dialog.shown[0]).toMatchObject({ buttons: ['Quit'], detail: expect.stringContaining('CODEX_BRIDGE_PORT must be a port number') });
    expect(app.quitted).toBe(true);
  });
});
