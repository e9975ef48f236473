import type { BrowserWindowConstructorOptions } from 'electron';
import type { WindowLike } from './electron-types.js';
import type { RendererLocation } from './renderer-location.js';

export interface WindowControllerOptions {
  createWindow(options: BrowserWindowConstructorOptions): WindowLike;
  renderer: RendererLocation;
  preloadPath: string;
  /** Runs for each new window (e.g. to forward events to it); the function it returns runs once it is destroyed. */
  onCreated?(window: WindowLike): () => void;
  onError?(error: unknown): void;
}

export interface WindowController {
  /** Creates the window on first use, then shows and focuses it; `section` (`settings`) opens that section. */
  show(section?: string): void;
  /** The window while it exists. */
  current(): WindowLike | undefined;
  /** Quitting: closing the window closes it instead of hiding it. */
  allowClose(): void;
}

/**
 * Electron's security checklist, applied: a sandboxed, isolated renderer that reaches the core only via the preload
 * (navigation, links and permissions are guarded for every web contents: web-contents-guards.ts). A compact window,
 * as tray apps have, that still fits a two-column layout.
 */
function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 880,
    height: 680,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Codex Cursor Bridge',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/**
 * The one window of a tray app: made on demand, hidden (not closed) on close. It does not hide when it loses focus:
 * setting Cursor up means switching to Cursor and back while the window's steps stay in view.
 */
export function createWindowController(options: WindowControllerOptions): WindowController {
  let window: WindowLike | undefined;
  let closeAllowed = false;

  // The sections are the page's URL fragments: loading one on a loaded page only moves within it (no reload).
  const urlOf = (section: string | undefined): string => (section ? `${options.renderer.url.split('#')[0]}#${section}` : options.renderer.url);

  function create(section: string | undefined): WindowLike {
    const created = options.createWindow(windowOptions(options.preloadPath));
    const stopEvents = options.onCreated?.(created);
    created.on('close', (event) => {
      if (closeAllowed) return;
      event.preventDefault();
      created.hide();
    });
    created.on('closed', () => {
      stopEvents?.();
      if (window === created) window = undefined;
    });
    created.loadURL(urlOf(section)).catch((error: unknown) => options.onError?.(error));
    return created;
  }

  return {
    show(section) {
      if (!window || window.isDestroyed()) window = create(section);
      else if (section) window.loadURL(urlOf(section)).catch((error: unknown) => options.onError?.(error));
      window.show();
      window.focus();
    },
    current: () => (window && !window.isDestroyed() ? window : undefined),
    allowClose() {
      closeAllowed = true;
    },
  };
}
