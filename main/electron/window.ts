import type { BrowserWindowConstructorOptions } from 'electron';
import type { WebContentsLike, WindowLike } from './electron-types.js';
import type { RendererLocation } from './renderer-location.js';

export interface WindowControllerOptions {
  createWindow(options: BrowserWindowConstructorOptions): WindowLike;
  openExternal(url: string): Promise<void>;
  renderer: RendererLocation;
  preloadPath: string;
  /** Runs for each new window (e.g. to forward events to it); the function it returns runs once it is destroyed. */
  onCreated?(window: WindowLike): () => void;
  onError?(error: unknown): void;
}

export interface WindowController {
  /** Creates the window on first use, then shows and focuses it. */
  show(): void;
  /** The window while it exists. */
  current(): WindowLike | undefined;
  /** Quitting: closing the window closes it instead of hiding it. */
  allowClose(): void;
}

/** Electron's security checklist, applied: a sandboxed, isolated renderer that reaches the core only via the preload. */
function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 960,
    height: 720,
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

/** Links the page opens go to the user's browser, and only https ones; the app itself never opens another window. */
function hardenWebContents(webContents: WebContentsLike, openExternal: (url: string) => Promise<void>, onError?: (error: unknown) => void): void {
  webContents.setWindowOpenHandler(({ url }) => {
    if (isHttpsUrl(url)) openExternal(url).catch((error: unknown) => onError?.(error));
    return { action: 'deny' };
  });
  // The renderer is a single page: any navigation is either a mistake or an attack.
  webContents.on('will-navigate', (event) => event.preventDefault());
  webContents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  webContents.session.setPermissionCheckHandler(() => false);
}

function isHttpsUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The one window of a tray app: made on demand, hidden (not closed) on close and when it loses focus. */
export function createWindowController(options: WindowControllerOptions): WindowController {
  let window: WindowLike | undefined;
  let closeAllowed = false;

  function create(): WindowLike {
    const created = options.createWindow(windowOptions(options.preloadPath));
    hardenWebContents(created.webContents, options.openExternal, options.onError);
    const stopEvents = options.onCreated?.(created);
    created.on('close', (event) => {
      if (closeAllowed) return;
      event.preventDefault();
      created.hide();
    });
    created.on('blur', () => created.hide());
    created.on('closed', () => {
      stopEvents?.();
      if (window === created) window = undefined;
    });
    const load = options.renderer.kind === 'file' ? created.loadFile(options.renderer.file) : created.loadURL(options.renderer.url);
    load.catch((error: unknown) => options.onError?.(error));
    return created;
  }

  return {
    show() {
      if (!window || window.isDestroyed()) window = create();
      window.show();
      window.focus();
    },
    current: () => (window && !window.isDestroyed() ? window : undefined),
    allowClose() {
      closeAllowed = true;
    },
  };
}
