import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBridgeClient } from '../../preload/bridge-client.js';
import { EVENT_CHANNELS, REQUEST_CHANNELS, type BridgeApi, type LogRow, type TunnelView } from '../../shared/bridge-api.js';
import { startAppHarness, type AppHarness } from '../../test/support/app-harness.js';
import {
  FakeBrowserWindow,
  FakeClipboard,
  FakeFrame,
  FakeIpcMain,
  FakeIpcRenderer,
  invokeEventFrom,
} from '../../test/support/fake-electron.js';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';
import { createWindowApi } from './window-api.js';
import type { IpcAnswer } from '../../shared/bridge-api.js';
import { forwardEvents, registerIpcHandlers } from './ipc.js';
import { isRendererUrl, rendererLocation } from './renderer-location.js';

const renderer = rendererLocation({ isPackaged: true });

let h: AppHarness;
let service: BridgeApi;
let clipboard: FakeClipboard;
let tunnel: FakeTunnelProvider;
let ipcMain: FakeIpcMain;
let window: FakeBrowserWindow;
let refused: string[];
let removeHandlers: () => void;

beforeEach(async () => {
  clipboard = new FakeClipboard();
  tunnel = new FakeTunnelProvider();
  h = await startAppHarness({ app: { tunnelProvider: tunnel, cursorProbe: { isCursorRunning: async () => false } } });
  service = createWindowApi(h.app, { copyText: (text) => clipboard.writeText(text) });
  ipcMain = new FakeIpcMain();
  window = new FakeBrowserWindow({});
  await window.loadURL(renderer.url);
  refused = [];
  removeHandlers = registerIpcHandlers({
    ipcMain,
    service,
    window: () => (window.isDestroyed() ? undefined : window.webContents),
    isAppUrl: (url) => isRendererUrl(renderer, url),
    onRefused: (channel, why) => refused.push(`${channel}: ${why}`),
  });
});

afterEach(async () => {
  await h.close();
});

/** A request as our own page makes it. */
const ask = (channel: string, ...args: unknown[]) => ipcMain.invoke(invokeEventFrom(window), channel, ...args) as Promise<IpcAnswer<unknown>>;

/** The page's `window.bridge`: the real preload client over the fake IPC into the handlers. */
function pageBridge(): BridgeApi {
  return createBridgeClient(new FakeIpcRenderer((channel, args) => ipcMain.invoke(invokeEventFrom(window), channel, ...args)));
}

describe('IPC handlers on the real core', () => {
  it('registers a handler for exactly the contract channels, and removes them all', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(REQUEST_CHANNELS).sort());
    removeHandlers();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('answers getSnapshot and listAliases from the running bridge', async () => {
    const snapshot = await ask(REQUEST_CHANNELS.getSnapshot);
    expect(snapshot).toMatchObject({ ok: true, result: { localUrl: `${h.baseUrl}/v1`, login: { state: 'ok' }, tunnel: { state: 'off' } } });
    const aliases = await pageBridge().listAliases();
    expect(aliases.map((row) => row.alias)).toEqual(h.app.state.get().aliases.map((row) => row.alias));
    expect(aliases.map((row) => row.alias)).toContain('bridge-fast');
  });

  it('copyText reaches the clipboard', async () => {
    await pageBridge().copyText(h.app.token());
    expect(clipboard.texts).toEqual([h.app.token()]);
  });

  it('rotateToken replaces the token the bridge requires', async () => {
    const before = h.app.token();
    const rotated = await pageBridge().rotateToken();
    expect(rotated).not.toBe(before);
    expect(h.app.token()).toBe(rotated);
    expect(await pageBridge().getToken()).toBe(rotated);
  });

  it('turns the public tunnel on and off through the FakeTunnelProvider', async () => {
    const bridge = pageBridge();
    const online: TunnelView = await bridge.setTunnel(true);
    expect(online).toEqual({ state: 'online', provider: 'fake', url: 'https://fake-1.ngrok-free.app/v1' });
    expect(h.app.state.get().server.tokenRequired).toBe(true);
    // A request through the tunnel really reaches the bridge (and needs the token).
    const viaTunnel = await fetch(`${tunnel.localUrl}/v1/models`, { headers: { authorization: `Bearer ${h.app.token()}` } });
    expect(viaTunnel.status).toBe(200);
    expect((await bridge.getSnapshot()).tunnel.state).toBe('online');
    expect(await bridge.setTunnel(false)).toMatchObject({ state: 'off' });
    expect(tunnel.publicUrl).toBeUndefined();
  });

  it('refuses bad arguments without reaching the core', async () => {
    const copy = vi.spyOn(service, 'copyText');
    expect(await ask(REQUEST_CHANNELS.copyText, 42)).toEqual({ ok: false, error: { message: expect.stringContaining('expected a string') } });
    expect(await ask(REQUEST_CHANNELS.copyText)).toMatchObject({ ok: false, error: { message: expect.stringContaining('expected 1 argument') } });
    expect(await ask(REQUEST_CHANNELS.setTunnel, 'yes')).toMatchObject({ ok: false, error: { message: expect.stringContaining('expected a boolean') } });
    expect(await ask(REQUEST_CHANNELS.getToken, 'extra')).toMatchObject({ ok: false });
    expect(copy).not.toHaveBeenCalled();
    expect(tunnel.starts).toBe(0);
  });

  it('has no handler for a channel outside the contract', async () => {
    await expect(ask('bridge:read-auth-file')).rejects.toThrow("No handler registered for 'bridge:read-auth-file'");
    await expect(ask('bridge:event-log')).rejects.toThrow('No handler registered');
  });

  it('refuses foreign senders: another window, a sub-frame, another page, a gone frame', async () => {
    const getToken = vi.spyOn(service, 'getToken');
    const other = new FakeBrowserWindow({});
    await other.loadURL(renderer.url);
    const subFrame = new FakeFrame(window.webContents.mainFrame.url, window.webContents.mainFrame);
    const cases = [
      invokeEventFrom(other),
      invokeEventFrom(window, subFrame),
      invokeEventFrom(window, new FakeFrame('https://evil.example/index.html')),
      invokeEventFrom(window, new FakeFrame('file:///tmp/index.html')),
      invokeEventFrom(window, new FakeFrame('app://evil/index.html')),
      { sender: window.webContents, senderFrame: null },
    ];
    for (const event of cases) {
      const answer = (await ipcMain.invoke(event, REQUEST_CHANNELS.getToken)) as IpcAnswer<string>;
      expect(answer.ok).toBe(false);
      expect(JSON.stringify(answer)).not.toContain(h.app.token());
    }
    expect(refused).toEqual([
      'bridge:get-token: not our window',
      'bridge:get-token: not the main frame',
      'bridge:get-token: not our page',
      'bridge:get-token: not our page',
      'bridge:get-token: not our page',
      'bridge:get-token: the frame is gone',
    ]);
    expect(getToken).not.toHaveBeenCalled();
    // Our page, with a hash route, is still ours.
    window.webContents.mainFrame.url += '#/log';
    expect(await ask(REQUEST_CHANNELS.getToken)).toEqual({ ok: true, result: h.app.token() });
  });

  it('refuses everything once the window is gone', async () => {
    window.close();
    expect(await ask(REQUEST_CHANNELS.getSnapshot)).toMatchObject({ ok: false, error: { message: expect.stringContaining('not our window') } });
  });

  it('carries a core failure to the page as an Error with its message', async () => {
    vi.spyOn(service, 'runChecks').mockRejectedValueOnce(new Error('doctor exploded'));
    await expect(pageBridge().runChecks()).rejects.toThrow(new Error('doctor exploded'));
  });
});

describe('events to the window', () => {
  /** A listener of its own on the core's pushes: proof a push happened, for tests that check someone else missed it. */
  function controlListener(): { logPaths: string[]; tunnelStates: string[] } {
    const control = { logPaths: [] as string[], tunnelStates: [] as string[] };
    service.onLog((row) => control.logPaths.push(row.path));
    service.onSnapshot((snapshot) => control.tunnelStates.push(snapshot.tunnel.state));
    return control;
  }

  it('a request through the bridge reaches the window as a log event; tunnel changes as snapshots', async () => {
    const stop = forwardEvents(service, window.webContents);
    await h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] });
    await vi.waitFor(() => expect(window.webContents.sentOn(EVENT_CHANNELS.log)).toHaveLength(1));
    const [row] = window.webContents.sentOn(EVENT_CHANNELS.log) as LogRow[];
    expect(row).toMatchObject({ method: 'POST', path: '/v1/chat/completions', status: 200, model: 'bridge-fast' });

    await service.setTunnel(true);
    await vi.waitFor(() =>
      expect(window.webContents.sentOn(EVENT_CHANNELS.snapshot)).toContainEqual(expect.objectContaining({ tunnel: expect.objectContaining({ state: 'online' }) })),
    );

    stop();
    const sent = window.webContents.sent.length;
    // Still subscribed: once it has both pushes, the window would have had them too.
    const control = controlListener();
    await service.setTunnel(false);
    await h.client.models.list();
    await vi.waitFor(() => {
      expect(control.logPaths).toContain('/v1/models');
      expect(control.tunnelStates).toContain('off');
    });
    expect(window.webContents.sent.length).toBe(sent);
  });

  it('sends nothing to a destroyed window', async () => {
    // Subscribed first, so it has the row by the time the window's forwarder was offered it.
    const control = controlListener();
    forwardEvents(service, window.webContents);
    window.webContents.destroy();
    await h.client.models.list();
    await vi.waitFor(() => expect(control.logPaths).toContain('/v1/models'));
    expect(window.webContents.sendAttemptsAfterDestroy).toBe(0);
    expect(window.webContents.sent).toEqual([]);
  });
});
