import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the window's page comes from: the built renderer, or Vite's dev server while developing. */
export type RendererLocation = { kind: 'file'; file: string } | { kind: 'url'; url: string };

export function rendererLocation(appPath: string, devServerUrl?: string): RendererLocation {
  if (devServerUrl) return { kind: 'url', url: devServerUrl };
  return { kind: 'file', file: path.join(appPath, 'out', 'renderer', 'index.html') };
}

/**
 * Whether a frame's URL is our own page: exactly the built index.html (any hash or query), or the dev server's
 * origin. Everything else (another file, a remote page a compromised renderer navigated to) is foreign.
 */
export function isRendererUrl(location: RendererLocation, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.kind === 'url') return parsed.origin === new URL(location.url).origin;
  return parsed.protocol === 'file:' && parsed.host === '' && parsed.pathname === pathToFileURL(location.file).pathname;
}
