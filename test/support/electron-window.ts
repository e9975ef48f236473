/**
 * Test support: the window as Electron runs it, in Chromium, without the Electron binary. Unlike window-rpc.ts (an
 * HTTP shim in place of preload + IPC), everything between the page and the core is the app's own code:
 *   - the page and its assets come from the app:// handler the app registered (FakeProtocol), reached through a
 *     loopback adapter that maps http://127.0.0.1:<port>/… to app://bridge/…, so the page gets that handler's
 *     headers, its real CSP included;
 *   - the built preload (out/preload/preload.cjs) runs in Node with a fake `electron`: its ipcRenderer.invoke
 *     reaches the handlers the app registered on FakeIpcMain (sender checks and argument validation included), as
 *     the window's main frame at the page's app:// URL; what main sends the window reaches its ipcRenderer;
 *   - contextBridge.exposeInMainWorld is emulated with Playwright bindings: the page gets a frozen global whose
 *     functions call the exposed ones in Node. Function arguments (listeners) and function results (unsubscribe)
 *     cross as handles, as Electron's context bridge proxies them. Generic: nothing here names a channel or method.
 * Limits: the preload runs once per harness (a reload keeps its subscriptions; events for a gone page are dropped),
 * and navigation guards are not applied to Chromium (web-contents-guards.test.ts covers them).
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { APP_HOST, APP_SCHEME } from '../../main/electron/app-protocol.js';
import { FakeIpcRenderer, invokeEventFrom, runBuiltPreload, type FakeBrowserWindow, type FakeIpcMain, type FakeProtocol } from './fake-electron.js';

const CALL_BINDING = '__electronContextBridgeCall';
/** Page-side table of listeners handed to Node; non-enumerable, so the app does not see it by accident. */
const CALLBACKS_GLOBAL = '__electronContextBridgeCallbacks';

/** How a value crosses the bridge: data as is, a function as a handle to the side that owns it. */
type Wire = { fn: string; async?: boolean } | { callback: string } | { data: unknown };

export interface ElectronWindowOptions {
  page: Page;
  /** The protocol module the app registered app:// on. */
  protocol: FakeProtocol;
  /** The app's window: where it loaded (an app:// URL), and its web contents (sender of IPC, receiver of sends). */
  window: FakeBrowserWindow;
  /** The IPC handlers the app registered. */
  ipcMain: FakeIpcMain;
  /** out/preload/preload.cjs as built. */
  preloadFile: string;
}

export interface ElectronWindow {
  /** The loopback address the page was opened at. */
  url: string;
  /** The page's app:// URL for a loopback one (what Electron would report as the frame URL). */
  appUrlOf(loopbackUrl: string): string;
  /** What the preload exposed: global name → its function names (for surface checks). */
  exposed(): Record<string, string[]>;
  /** The preload's IPC traffic, for checks that calls really went through IPC. */
  ipcRenderer: FakeIpcRenderer;
  close(): Promise<void>;
}

/** Serves app:// through loopback HTTP: each request goes to the app's own handler. */
async function startProtocolAdapter(protocol: FakeProtocol): Promise<{ origin: string; server: http.Server }> {
  let ownHost = '';
  const server = http.createServer((req, res) => {
    void (async () => {
      // A page on another origin (or a rebinding DNS name) gets nothing.
      if (req.headers.host !== ownHost) {
        res.writeHead(403).end();
        return;
      }
      const answer = await protocol.fetch(`${APP_SCHEME}://${APP_HOST}${req.url ?? '/'}`, req.method);
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  ownHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin: `http://${ownHost}`, server };
}

/**
 * Runs in the page before its scripts (serialised with Function#toString: nothing from this module's scope).
 * Defines each exposed global from its shape, with every function calling Node through the binding.
 */
function installContextBridge({ shapes, binding, callbacksName }: { shapes: Record<string, Record<string, Wire>>; binding: string; callbacksName: string }): void {
  type PageWire = { fn: string; async?: boolean } | { callback: string } | { data: unknown };
  const page = globalThis as unknown as Record<string, unknown>;
  const call = page[binding] as (id: string, args: PageWire[]) => Promise<PageWire>;
  delete page[binding];
  const callbacks = new Map<string, (...args: unknown[]) => unknown>();
  Object.defineProperty(page, callbacksName, { value: callbacks, enumerable: false });
  let nextCallback = 0;

  const toWire = (value: unknown): PageWire => {
    if (typeof value !== 'function') return { data: value };
    const id = `cb${(nextCallback += 1)}`;
    callbacks.set(id, value as (...args: unknown[]) => unknown);
    return { callback: id };
  };
  const fromWire = (wire: PageWire): unknown => ('fn' in wire ? (wire.async ? asyncProxy(wire.fn) : proxy(wire.fn)) : 'data' in wire ? wire.data : undefined);
  const asyncProxy =
    (id: string) =>
    async (...args: unknown[]): Promise<unknown> =>
      fromWire(await call(id, args.map(toWire)));
  /**
   * Electron's bridge calls a plain function synchronously; a binding cannot. So such a call returns at once
   * something both callable (for a returned function, e.g. unsubscribe) and thenable (for a returned promise).
   */
  const proxy =
    (id: string) =>
    (...args: unknown[]): unknown => {
      const value = call(id, args.map(toWire)).then(fromWire);
      const handle = (...rest: unknown[]): unknown => value.then((fn) => (typeof fn === 'function' ? (fn as (...a: unknown[]) => unknown)(...rest) : undefined));
      return Object.assign(handle, {
        then: (onValue?: (v: unknown) => unknown, onError?: (e: unknown) => unknown) => value.then(onValue, onError),
        catch: (onError: (e: unknown) => unknown) => value.catch(onError),
        finally: (onFinally: () => void) => value.finally(onFinally),
      });
    };

  for (const [key, shape] of Object.entries(shapes)) {
    const api: Record<string, unknown> = {};
    for (const [name, wire] of Object.entries(shape)) api[name] = fromWire(wire);
    Object.defineProperty(page, key, { value: Object.freeze(api), writable: false, configurable: false, enumerable: true });
  }
}

export async function openElectronWindow(options: ElectronWindowOptions): Promise<ElectronWindow> {
  const { page, window, ipcMain } = options;
  const loaded = window.loaded?.url;
  if (!loaded?.startsWith(`${APP_SCHEME}://${APP_HOST}/`)) throw new Error(`the window did not load an app:// page: ${String(loaded)}`);
  const adapter = await startProtocolAdapter(options.protocol);
  const appUrlOf = (loopbackUrl: string): string => {
    const url = new URL(loopbackUrl);
    return url.origin === adapter.origin ? `${APP_SCHEME}://${APP_HOST}${url.pathname}${url.search}${url.hash}` : loopbackUrl;
  };

  // The preload, run in Node with a fake `electron` wired to the app's main process.
  const ipcRenderer = new FakeIpcRenderer((channel, args) => ipcMain.invoke(invokeEventFrom(window), channel, ...structuredClone(args)));
  window.webContents.deliverTo = (channel, ...args) => ipcRenderer.emit(channel, ...args);
  const exposed = new Map<string, Record<string, unknown>>();
  runBuiltPreload(await readFile(options.preloadFile, 'utf8'), {
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld(key, api) {
        if (exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
        exposed.set(key, api as Record<string, unknown>);
      },
    },
  });

  // Node-side handles: the exposed functions, and functions they return.
  const functions = new Map<string, (...args: unknown[]) => unknown>();
  let nextHandle = 0;
  const handleFor = (fn: (...args: unknown[]) => unknown, id = `fn${(nextHandle += 1)}`): Wire => {
    functions.set(id, fn);
    return { fn: id, async: fn.constructor.name === 'AsyncFunction' };
  };
  const shapes: Record<string, Record<string, Wire>> = {};
  for (const [key, api] of exposed) {
    shapes[key] = Object.fromEntries(
      Object.entries(api).map(([name, value]) => [name, typeof value === 'function' ? handleFor(value as (...args: unknown[]) => unknown, `${key}.${name}`) : { data: value }]),
    );
  }

  await page.exposeBinding(CALL_BINDING, async (_source, id: string, args: Wire[]): Promise<Wire> => {
    const fn = functions.get(id);
    if (!fn) throw new Error(`no such function on the bridge: ${id}`);
    const values = args.map((wire) =>
      'callback' in wire
        ? (...callbackArgs: unknown[]) => {
            // Listeners of a page that has gone away are simply not there any more.
            void page
              .evaluate(([name, callbackId, values]) => (globalThis as unknown as Record<string, Map<string, (...a: unknown[]) => void>>)[name]?.get(callbackId)?.(...values), [
                CALLBACKS_GLOBAL,
                wire.callback,
                structuredClone(callbackArgs),
              ] as const)
              .catch(() => {});
          }
        : 'data' in wire
          ? wire.data
          : undefined,
    );
    const result = await fn(...values);
    return typeof result === 'function' ? handleFor(result as (...args: unknown[]) => unknown) : { data: structuredClone(result) };
  });
  await page.addInitScript(installContextBridge, { shapes, binding: CALL_BINDING, callbacksName: CALLBACKS_GLOBAL });

  // Electron reports the frame's URL with each invoke: keep the fake frame on the page's app:// address.
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) window.webContents.mainFrame.url = appUrlOf(frame.url());
  });
  const url = `${adapter.origin}${new URL(loaded).pathname}`;
  await page.goto(url);

  return {
    url,
    appUrlOf,
    ipcRenderer,
    exposed: () => Object.fromEntries([...exposed].map(([key, api]) => [key, Object.keys(api).filter((name) => typeof api[name] === 'function')])),
    close: () =>
      new Promise<void>((resolve) => {
        window.webContents.deliverTo = undefined;
        adapter.server.close(() => resolve());
        adapter.server.closeAllConnections();
      }),
  };
}
