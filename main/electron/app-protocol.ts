import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ProtocolLike } from './electron-types.js';
import { parseUrl } from './parse-url.js';

/**
 * The window's own origin, app://bridge. A privileged standard scheme instead of file:// gives the page a real origin
 * (so CSP 'self' and the IPC sender check mean "our files", not "anything on disk") and lets the
 * GrantFileProtocolExtraPrivileges fuse stay off.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bridge';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The page's policy, sent as a header on every answer; renderer/index.html carries the same one in its <meta>. */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** What a Vite build of the renderer contains; any other file is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Before app ready (Electron refuses later): a standard, secure scheme that fetch and module scripts may load from.
 * Not corsEnabled: the page loads its own (same-origin) files, and no other origin may read ours (electron#51152).
 */
export function registerAppScheme(protocol: Pick<ProtocolLike, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** After app ready: app://bridge/… answers from `rendererDir` (the built out/renderer) and from nowhere else. */
export function serveAppProtocol(protocol: Pick<ProtocolLike, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir));
}

/** Where a request maps to inside `root`, or undefined when it is not one of our files' URLs. */
function fileFor(root: string, request: Pick<Request, 'url' | 'method'>): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const url = parseUrl(request.url);
  if (url?.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  // Backslashes and NULs have no place in our file names; they only serve to confuse path handling.
  if (pathname.includes('\\') || pathname.includes('\0')) return undefined;
  const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  return isInside(root, file) ? file : undefined;
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The app:// handler as a plain Request → Response function (what Electron's protocol.handle takes), so it also
 * runs under Node. Only GET/HEAD of a regular file inside `rendererDir` (symlinks resolved) with a known type is
 * served; everything else is a 404 that says nothing about the disk.
 */
export function createAppRequestHandler(rendererDir: string): (request: Pick<Request, 'url' | 'method'>) => Promise<Response> {
  const root = path.resolve(rendererDir);
  const realRoot = realpath(root).catch(() => root);
  return async (request) => {
    const file = fileFor(root, request);
    const type = file && CONTENT_TYPES[path.extname(file).toLowerCase()];
    if (!file || !type) return notFound();
    try {
      const real = await realpath(file);
      if (!isInside(await realRoot, real)) return notFound();
      const body = await readFile(real);
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          'content-type': type,
          'content-security-policy': APP_CSP,
          'x-content-type-options': 'nosniff',
          'cache-control': 'no-store',
        },
      });
    } catch {
      return notFound();
    }
  };
}

function notFound(): Response {
  return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
}
