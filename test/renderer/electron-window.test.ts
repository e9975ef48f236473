/**
 * The window as the desktop app runs it, minus only the Electron binary: runDesktopApp on fakes of Electron's
 * objects starts the real core (in front of the fake backend), registers app:// and the IPC handlers; the window it
 * opens is loaded in Debian's Chromium from that app:// handler (its real CSP), with the BUILT preload running in
 * Node on a fake `electron` wired to those handlers (test/support/electron-window.ts). window.test.ts drives the
 * page's features over the HTTP shim; this file proves the Electron path between page and core.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_CSP, APP_INDEX_URL } from '../../main/electron/app-protocol.js';
import { runDesktopApp, type DesktopApp } from '../../main/electron/desktop-app.js';
import { REQUEST_CHANNELS } from '../../shared/bridge-api.js';
import { desktopAppEnv } from '../support/bridge-harness.js';
import { openConfSettingsFile } from '../../main/app/index.js';
import { openElectronWindow, type ElectronWindow } from '../support/electron-window.js';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend/server.js';
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
  fakeWindowFactory,
} from '../support/fake-electron.js';
import { FakeTunnelProvider } from '../support/fake-tunnel.js';
import { buildPreload, buildRenderer } from '../support/window-rpc.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir: string;
let fake: FakeBackend;
let desktop: DesktopApp;
let browser: Browser;
let page: Page;
let electronWindow: ElectronWindow;
let documentCsp: string | undefined;
const clipboard = new FakeClipboard();
const ipcMain = new FakeIpcMain();
const pageProblems: string[] = [];

/** What the tests use of the page's globals (its bridge, and what they keep there). */
interface PageGlobals {
  bridge: {
    getToken(): Promise<string>;
    copyText(text: string): Promise<void>;
    setTunnel(enabled: unknown): Promise<unknown>;
    onLog(listener: (row: { path: string }) => void): () => void;
  };
  seen: { first: string[]; second: string[] };
  stopFirst(): void;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The window tests drive Debian's Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\`.`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'electron-window-'));
  const appPath = path.join(dir, 'app');
  await mkdir(appPath);
  [fake, browser] = await Promise.all([
    startFakeBackend(),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
    buildRenderer(path.join(appPath, 'out', 'renderer')),
    buildPreload(path.join(appPath, 'out', 'preload')),
  ]);

  const app = new FakeApp(appPath);
  const protocol = new FakeProtocol(app);
  const windows = fakeWindowFactory(app);
  const started = await runDesktopApp(
    {
      app,
      ipcMain,
      clipboard,
      shell: new FakeShell(),
      dialog: new FakeDialog(),
      protocol,
      createWindow: windows.createWindow,
      createTray: (iconFile) => new FakeTray(iconFile),
      buildMenu: buildFakeMenu,
      nativeTheme: { shouldUseDarkColors: false },
      notifier: new FakeNotifier(),
      safeStorage: new FakeSafeStorage(false),
      openSettingsFile: openConfSettingsFile,
    },
    {
      env: await desktopAppEnv(dir, fake),
      platform: 'linux',
      homedir: dir,
      execPath: '/opt/bridge/codex-cursor-bridge',
      resourcesDir: path.join(dir, 'resources'),
      tunnelProvider: new FakeTunnelProvider(),
      cursorProbe: { isCursorRunning: async () => false },
      log: (line) => pageProblems.push(`main: ${line}`),
    },
  );
  if (!started) throw new Error('the app did not start');
  desktop = started;
  desktop.window.show();
  const window = windows.windows[0];
  if (!window) throw new Error('the app opened no window');
  expect(window.loaded).toEqual({ url: APP_INDEX_URL });

  page = await browser.newPage();
  page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  // CSP violations are reported on the console as errors.
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.request().resourceType() === 'document') documentCsp = response.headers()['content-security-policy'];
  });
  electronWindow = await openElectronWindow({ page, protocol, window, ipcMain, preloadFile: path.join(appPath, 'out', 'preload', 'preload.cjs') });
});

afterAll(async () => {
  await browser?.close();
  await electronWindow?.close();
  await desktop?.shutdown();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the built window on app:// with the real preload and IPC', () => {
  it('is served by the app:// handler with its strict CSP, and renders the core state without errors', async () => {
    expect(documentCsp).toBe(APP_CSP);
    const built = await readFile(path.join(dir, 'app', 'out', 'renderer', 'index.html'), 'utf8');
    expect(built).toContain(`content="${APP_CSP}"`);
    // The local address only the core knows reaches the page through preload and IPC.
    await expect.poll(() => page.locator('body').textContent(), { timeout: 5000 }).toContain(desktop.app.state.get().server.baseUrl);
    // connect-src 'none': the page cannot reach anything, not even its own origin.
    expect(await page.evaluate(() => fetch('./index.html').then(() => 'reached', () => 'blocked'))).toBe('blocked');
    pageProblems.splice(0); // the blocked fetch above is a reported violation
    await page.reload();
    await expect.poll(() => page.locator('body').textContent(), { timeout: 5000 }).toContain(desktop.app.state.get().server.baseUrl);
    expect(pageProblems).toEqual([]);
  });

  it('exposes exactly what the built preload exposed: the contract methods, no Electron or Node objects', async () => {
    const exposed = electronWindow.exposed();
    expect(Object.keys(exposed)).toEqual(['bridge']);
    expect(exposed.bridge).toEqual(expect.arrayContaining(Object.keys(REQUEST_CHANNELS)));
    const inPage = await page.evaluate(() => {
      const page = globalThis as unknown as Record<string, unknown>;
      return { keys: Object.keys(page.bridge as object).sort(), frozen: Object.isFrozen(page.bridge), node: [typeof page.require, typeof page.process, typeof page.ipcRenderer] };
    });
    expect(inPage).toEqual({ keys: [...exposed.bridge!].sort(), frozen: true, node: ['undefined', 'undefined', 'undefined'] });
  });

  it('answers the page through the preload and the app IPC handlers, on the real core', async () => {
    const before = electronWindow.ipcRenderer.invoked.length;
    const token = await page.evaluate(() => (globalThis as unknown as PageGlobals).bridge.getToken());
    expect(token).toBe(desktop.app.token());
    // The window itself may read its snapshot meanwhile; the page's call is the one get-token.
    const calls = electronWindow.ipcRenderer.invoked.slice(before).filter((call) => call.channel !== REQUEST_CHANNELS.getSnapshot);
    expect(calls).toEqual([{ channel: REQUEST_CHANNELS.getToken, args: [] }]);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).bridge.copyText('from the page'));
    expect(clipboard.texts).toContain('from the page');
  });

  it('rejects bad arguments with main-side validation, as an Error in the page', async () => {
    const answer = await page.evaluate(() =>
      Promise.resolve((globalThis as unknown as PageGlobals).bridge.setTunnel('yes')).then(
        () => 'accepted',
        (error: Error) => `${error instanceof Error} ${error.message}`,
      ),
    );
    expect(answer).toBe('true bridge:set-tunnel: expected a boolean');
  });

  it('delivers core events to listeners in the page, until they unsubscribe', async () => {
    await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      page.seen = { first: [], second: [] };
      page.stopFirst = page.bridge.onLog((row) => page.seen.first.push(row.path));
    });
    const seen = () => page.evaluate(() => (globalThis as unknown as PageGlobals).seen);
    await fetch(`${desktop.app.state.get().server.baseUrl}/v1/models`);
    await expect.poll(seen).toEqual({ first: ['/v1/models'], second: [] });

    await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      page.stopFirst();
      page.bridge.onLog((row) => page.seen.second.push(row.path));
    });
    // Once the second listener has the next row, the first would have had it too.
    await expect.poll(async () => {
      await fetch(`${desktop.app.state.get().server.baseUrl}/healthz`).catch(() => undefined);
      await fetch(`${desktop.app.state.get().server.baseUrl}/v1/models`);
      return (await seen()).second.length;
    }).toBeGreaterThan(0);
    expect((await seen()).first).toEqual(['/v1/models']);
  });

  it('is refused by main once the window shows a page that is not ours', async () => {
    const evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const answer = await page.evaluate(() =>
        Promise.resolve((globalThis as unknown as PageGlobals).bridge.getToken()).then(
          (token) => `answered ${String(token)}`,
          (error: Error) => error.message,
        ),
      );
      expect(answer).toBe(`${REQUEST_CHANNELS.getToken}: refused (not our page)`);
    } finally {
      await page.goto(electronWindow.url);
      evil.close();
    }
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).bridge.getToken())).toBe(desktop.app.token());
  });
});
