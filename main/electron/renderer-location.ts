import path from 'node:path';
import { APP_HOST, APP_INDEX_URL, APP_SCHEME } from './app-protocol.js';
import { parseUrl } from './parse-url.js';

/** Where the window's page comes from: the built renderer on app://, or Vite's dev server while developing. */
export type RendererLocation = { kind: 'app'; url: string } | { kind: 'dev-server'; url: string };

export interface RendererLocationOptions {
  isPackaged: boolean;
  /** ELECTRON_RENDERER_URL. */
  devServerUrl?: string | undefined;
}

/** The built renderer that app:// serves. */
export function builtRendererDir(appPath: string): string {
  return path.join(appPath, 'out', 'renderer');
}

/**
 * The dev server is trusted only in an unpackaged run and only on this machine: a packaged app, or an environment
 * pointing elsewhere, never loads a page (which IPC would then answer) from the network.
 */
export function rendererLocation({ isPackaged, devServerUrl }: RendererLocationOptions): RendererLocation {
  if (!isPackaged && devServerUrl && isLoopbackHttpUrl(devServerUrl)) return { kind: 'dev-server', url: devServerUrl };
  return { kind: 'app', url: APP_INDEX_URL };
}

function isLoopbackHttpUrl(value: string): boolean {
  const url = parseUrl(value);
  return (url?.protocol === 'http:' || url?.protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/**
 * Whether a frame's URL is our own page: app://bridge/ (index.html, any hash or query), or the dev server's
 * origin. Everything else (a remote page a compromised renderer navigated to, a file: URL) is foreign.
 */
export function isRendererUrl(location: RendererLocation, url: string): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (location.kind === 'dev-server') return parsed.origin === new URL(location.url).origin;
  // app: is not a scheme Node's URL knows, so its origin reads "null": compare the parts.
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && ['/', '/index.html'].includes(parsed.pathname);
}
