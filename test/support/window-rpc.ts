/**
 * Test support for the desktop window: serves the BUILT renderer on loopback (its files through the app:// handler)
 * and backs its `window.bridge` with a real `BridgeApi` (the core's BridgeService) over a small RPC, so a real browser
 * drives the real window against the real core. Electron's preload + IPC are replaced by (electron-window.ts keeps
 * them):
 *   POST /rpc/<method>   body: JSON array of arguments → {ok:true, result} | {ok:false, error:{message}}
 *   GET  /events         SSE: `event: log` / `event: snapshot` / `event: inFlight`, data = the JSON row / snapshot / rows
 *   GET  /bridge-shim.js defines `window.bridge` (exactly the BridgeApi methods) on top of the two above
 * Method names are those of REQUEST_CHANNELS and arguments are checked with `validateArgs`, as in the main process.
 */
import { readFile, rm } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'vite';
import { APP_HOST, APP_SCHEME, createAppRequestHandler } from '../../main/electron/app-protocol.js';
import { InvalidIpcArguments, REQUEST_CHANNELS, validateArgs, type BridgeApi, type RequestName } from '../../shared/bridge-api.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAX_BODY_BYTES = 256 * 1024;

const HTML = 'text/html; charset=utf-8';

/** Builds the renderer exactly as `npm run build` does (vite.renderer.config.ts), into `outDir`. */
export async function buildRenderer(outDir: string): Promise<void> {
  await build({
    configFile: path.join(REPO_ROOT, 'vite.renderer.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
}

/** Builds the preload exactly as `npm run build` does (vite.preload.config.ts): `outDir`/preload.cjs. */
export async function buildPreload(outDir: string): Promise<void> {
  await build({
    configFile: path.join(REPO_ROOT, 'vite.preload.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
}

export interface WindowRpc {
  /** Open this in the browser: the window, with `window.bridge` backed by the service. */
  url: string;
  /** Open event streams (one per loaded page that subscribed to something). */
  eventStreams(): number;
  close(): Promise<void>;
}

export interface WindowRpcOptions {
  service: BridgeApi;
  /** A `buildRenderer` output folder. */
  rendererDir: string;
}

const STRICT_CONNECT = "connect-src 'none'";

/**
 * The built page forbids every connection (`connect-src 'none'`): in Electron it talks through IPC only. Here the
 * bridge shim needs fetch and EventSource to this server, so the page is served with exactly that one directive
 * relaxed to 'self' (this server's origin); the file on disk, which Electron loads, stays strict. The shim is a
 * same-origin script, so `script-src 'self'` admits it unchanged.
 */
export function pageForTests(builtHtml: string): string {
  if (!builtHtml.includes(STRICT_CONNECT)) throw new Error(`the built index.html no longer has "${STRICT_CONNECT}" in its CSP`);
  const relaxed = builtHtml.replace(STRICT_CONNECT, "connect-src 'self'");
  // A classic script in <head> runs before the (deferred) module script of the app.
  return relaxed.replace('<head>', '<head>\n    <script src="./bridge-shim.js"></script>');
}

/**
 * Runs in the page (serialised with Function#toString, so it must not use anything from this module's scope).
 * `requestNames` come from REQUEST_CHANNELS; the two subscriptions complete the BridgeApi.
 */
function installBridgeShim(requestNames: readonly string[]): void {
  type Listener = (payload: unknown) => void;
  interface PageEventSource {
    addEventListener(type: string, listener: (event: { data: string }) => void): void;
  }
  const page = globalThis as unknown as {
    EventSource: new (url: string) => PageEventSource;
    bridge?: unknown;
  };
  type Kind = 'log' | 'snapshot' | 'inFlight';
  const listeners: Record<Kind, Set<Listener>> = { log: new Set(), snapshot: new Set(), inFlight: new Set() };
  let source: PageEventSource | undefined;

  async function call(name: string, args: unknown[]): Promise<unknown> {
    const response = await fetch(`./rpc/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    const answer = (await response.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
    if (!answer.ok) throw new Error(answer.error?.message ?? `${name} failed`);
    return answer.result;
  }

  function subscribe(kind: Kind, listener: Listener): () => void {
    if (!source) {
      source = new page.EventSource('./events');
      for (const name of ['log', 'snapshot', 'inFlight'] as const) {
        source.addEventListener(name, (event) => {
          const payload: unknown = JSON.parse(event.data);
          for (const each of listeners[name]) each(payload);
        });
      }
    }
    listeners[kind].add(listener);
    return () => {
      listeners[kind].delete(listener);
    };
  }

  const api: Record<string, unknown> = {};
  for (const name of requestNames) api[name] = (...args: unknown[]) => call(name, args);
  api.onLog = (listener: Listener) => subscribe('log', listener);
  api.onSnapshot = (listener: Listener) => subscribe('snapshot', listener);
  api.onInFlight = (listener: Listener) => subscribe('inFlight', listener);
  // Like contextBridge.exposeInMainWorld: a frozen, non-writable global.
  Object.defineProperty(page, 'bridge', { value: Object.freeze(api), writable: false, configurable: false });
}

const SHIM_SOURCE = `"use strict";\n(${installBridgeShim.toString()})(${JSON.stringify(Object.keys(REQUEST_CHANNELS))});\n`;

interface RpcAnswer {
  status: number;
  body: { ok: true; result: unknown } | { ok: false; error: { message: string } };
}

async function answerRpc(service: BridgeApi, name: string, rawBody: string): Promise<RpcAnswer> {
  if (!isRequestName(name)) return { status: 404, body: { ok: false, error: { message: `unknown method: ${name}` } } };
  try {
    const parsed: unknown = JSON.parse(rawBody || 'null');
    if (!Array.isArray(parsed)) throw new InvalidIpcArguments(`${REQUEST_CHANNELS[name]}: expected a JSON array of arguments`);
    const args = validateArgs(name, parsed);
    const method = service[name] as (...values: unknown[]) => Promise<unknown>;
    const result = await method.apply(service, args);
    return { status: 200, body: { ok: true, result: result ?? null } };
  } catch (error) {
    const status = error instanceof InvalidIpcArguments || error instanceof SyntaxError ? 400 : 500;
    return { status, body: { ok: false, error: { message: (error as Error).message } } };
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

export async function startWindowRpc({ service, rendererDir }: WindowRpcOptions): Promise<WindowRpc> {
  const root = path.resolve(rendererDir);
  const page = pageForTests(await readFile(path.join(root, 'index.html'), 'utf8'));
  const streams = new Set<http.ServerResponse>();
  let origin = '';
  let ownHost = '';

  function openEvents(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    // A stream this server already ended (on close) hears no more, like a destroyed window in Electron.
    const push = (event: string) => (payload: unknown) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    };
    const unsubscribe = [service.onLog(push('log')), service.onSnapshot(push('snapshot')), service.onInFlight(push('inFlight'))];
    streams.add(res);
    req.on('close', () => {
      streams.delete(res);
      for (const stop of unsubscribe) stop();
    });
  }

  // The assets come from the app's own app:// handler, as in Electron.
  const appFiles = createAppRequestHandler(root);
  async function serveFile(res: http.ServerResponse, urlPath: string): Promise<void> {
    const answer = await appFiles(new Request(`${APP_SCHEME}://${APP_HOST}${urlPath}`));
    send(res, answer.status, answer.headers.get('content-type') ?? 'text/plain', Buffer.from(await answer.arrayBuffer()));
  }

  const server = http.createServer((req, res) => {
    // Only this origin may drive the core (a page on another site, or a rebinding DNS name, may not).
    if (req.headers.host !== ownHost) return send(res, 403, 'text/plain', 'wrong host');
    const { pathname } = new URL(req.url ?? '/', origin);
    if (req.method === 'POST' && pathname.startsWith('/rpc/')) {
      if (req.headers.origin !== undefined && req.headers.origin !== origin) return send(res, 403, 'text/plain', 'wrong origin');
      void readBody(req)
        .then((body) => answerRpc(service, pathname.slice('/rpc/'.length), body))
        .then(
          (answer) => send(res, answer.status, 'application/json', JSON.stringify(answer.body)),
          (error: Error) => send(res, 413, 'application/json', JSON.stringify({ ok: false, error: { message: error.message } })),
        );
      return;
    }
    if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');
    if (pathname === '/' || pathname === '/index.html') return send(res, 200, HTML, page);
    if (pathname === '/bridge-shim.js') return send(res, 200, 'text/javascript; charset=utf-8', SHIM_SOURCE);
    if (pathname === '/events') return openEvents(req, res);
    void serveFile(res, pathname);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  ownHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin = `http://${ownHost}`;

  return {
    url: `${origin}/`,
    eventStreams: () => streams.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function isRequestName(value: string): value is RequestName {
  return Object.prototype.hasOwnProperty.call(REQUEST_CHANNELS, value);
}

/**
 * The context's first page on the window, collecting what the page itself reports as wrong (uncaught errors, and
 * console errors, which is where Chromium reports CSP violations); resolves once the status line is shown.
 */
export async function openWindowPage(context: BrowserContext, url: string, problems: string[]): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  await page.getByTestId('status-title').waitFor();
  return page;
}

/** Tears down what a window test started, browser first (its event stream keeps the RPC server busy). */
export async function closeWindowTest(parts: { context?: BrowserContext; rpc?: WindowRpc; harness?: { close(): Promise<void> }; dir?: string }): Promise<void> {
  await parts.context?.close();
  await parts.rpc?.close();
  await parts.harness?.close();
  if (parts.dir) await rm(parts.dir, { recursive: true, force: true });
}
