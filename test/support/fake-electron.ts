/**
 * Hand-written fakes of the Electron objects the app uses (the binary cannot run here, and importing `electron`
 * under Node would try to download it). Each fake implements the interface of main/electron/electron-types.ts or
 * preload/bridge-client.ts it stands in for, and records what the app did with it.
 */
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';
import type {
  AppLike,
  ClipboardLike,
  CustomSchemeLike,
  DialogLike,
  FrameLike,
  InvokeEventLike,
  InvokeHandler,
  IpcMainLike,
  NotifierLike,
  MessageBoxOptionsLike,
  PermissionRequestHandler,
  ProtocolLike,
  SafeStorageLike,
  SessionLike,
  ShellLike,
  TrayLike,
  TrayMenuItem,
  WebContentsLike,
  WindowLike,
} from '../../main/electron/electron-types.js';
import type { ContextBridgeLike, IpcRendererLike, RendererListener } from '../../preload/bridge-client.js';

export class FakeEvent {
  defaultPrevented = false;
  /** Set on the details-style events (will-frame-navigate) that carry their URL. */
  constructor(readonly url?: string) {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeFrame implements FrameLike {
  constructor(
    public url: string,
    readonly parent: FakeFrame | null = null,
  ) {}
}

export class FakeSession implements SessionLike {
  requestHandler: PermissionRequestHandler | undefined;
  checkHandler: (() => boolean) | undefined;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: () => boolean): void {
    this.checkHandler = handler;
  }
  /** Asks the request handler as Chromium would; resolves with its decision. */
  requestPermission(permission: string): Promise<boolean> {
    const handler = this.requestHandler;
    if (!handler) return Promise.reject(new Error('no permission request handler installed'));
    return new Promise((resolve) => handler({}, permission, resolve));
  }
}

export class FakeWebContents extends EventEmitter implements WebContentsLike {
  readonly session = new FakeSession();
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  /** send() calls made after destroy(): recorded before the throw, so a caller that swallows the throw is still caught. */
  sendAttemptsAfterDestroy = 0;
  readonly mainFrame: FakeFrame;
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  /** A renderer to deliver sent messages to, as Electron would (test/support/electron-window.ts sets one). */
  deliverTo: ((channel: string, ...args: unknown[]) => void) | undefined;
  private destroyed = false;

  constructor(url = 'about:blank') {
    super();
    this.mainFrame = new FakeFrame(url);
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) {
      this.sendAttemptsAfterDestroy += 1;
      // What Electron throws here.
      throw new Error('Object has been destroyed');
    }
    this.sent.push({ channel, args });
    // Electron serialises what it sends (structured clone): the renderer never shares an object with main.
    this.deliverTo?.(channel, ...structuredClone(args));
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  /** What the page's window.open(url) would get. */
  openWindow(url: string): { action: string } {
    if (!this.windowOpenHandler) return { action: 'allow' };
    return this.windowOpenHandler({ url });
  }
  /** What Electron raises when the page tries to leave or extend itself; returns whether a listener prevented it. */
  attempt(what: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview', url = ''): boolean {
    const event = new FakeEvent(url);
    if (what === 'will-frame-navigate' || what === 'will-attach-webview') this.emit(what, event);
    else this.emit(what, event, url);
    return event.defaultPrevented;
  }
  /** Events sent on one channel, payloads only. */
  sentOn(channel: string): unknown[] {
    return this.sent.filter((message) => message.channel === channel).map((message) => message.args[0]);
  }
}

export class FakeBrowserWindow extends EventEmitter implements WindowLike {
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  loaded: { url: string } | undefined;
  private destroyed = false;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
  }

  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  /** The user (or the app) closes the window; returns whether it really closed. */
  close(): boolean {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroy();
    this.emit('closed');
    return true;
  }
  blur(): void {
    this.focused = false;
    this.emit('blur');
  }
}

/** Records every window the app creates; with `app`, announces each one's web contents as Electron does. */
export function fakeWindowFactory(app?: FakeApp): { windows: FakeBrowserWindow[]; createWindow(options: BrowserWindowConstructorOptions): FakeBrowserWindow } {
  const windows: FakeBrowserWindow[] = [];
  return {
    windows,
    createWindow(options) {
      const window = new FakeBrowserWindow(options);
      app?.emit('web-contents-created', new FakeEvent(), window.webContents);
      windows.push(window);
      return window;
    },
  };
}

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke does on the main side: no handler, no answer. */
  async invoke(event: InvokeEventLike, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

/** The invoke event Electron builds for a message from `frame` (default: the window's main frame). */
export function invokeEventFrom(window: FakeBrowserWindow, frame: FakeFrame = window.webContents.mainFrame): InvokeEventLike {
  return { sender: window.webContents, senderFrame: frame };
}

/** A built menu: the template it was built from. */
export class FakeMenu {
  constructor(readonly template: TrayMenuItem[]) {}
  item(label: string): TrayMenuItem {
    const found = this.template.find((item) => item.label === label);
    if (!found) throw new Error(`no menu item "${label}" in ${JSON.stringify(this.labels())}`);
    return found;
  }
  labels(): string[] {
    return this.template.map((item) => (item.type === 'separator' ? '---' : (item.label ?? '')));
  }
  /** Clicks an item as Electron does: a checkbox is flipped first. */
  click(label: string): void {
    const item = this.item(label);
    item.click?.({ checked: item.type === 'checkbox' ? !item.checked : item.checked === true });
  }
}

export const buildFakeMenu = (template: TrayMenuItem[]): FakeMenu => new FakeMenu(template);

export class FakeTray extends EventEmitter implements TrayLike<FakeMenu> {
  menu: FakeMenu | null = null;
  menusBuilt = 0;
  tooltip = '';
  destroyed = false;
  imagesSet = 0;
  constructor(public iconFile: string) {
    super();
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu;
    this.menusBuilt += 1;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setImage(iconFile: string): void {
    this.iconFile = iconFile;
    this.imagesSet += 1;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeApp extends EventEmitter implements AppLike {
  isPackaged = false;
  hasLock = true;
  dockHidden = false;
  readonly dock = { hide: (): void => void (this.dockHidden = true) };
  loginItem = { openAtLogin: false };
  quitRequests = 0;
  /** Set once a quit went through (no before-quit listener prevented it). */
  quitted = false;
  ready = false;

  constructor(private readonly appPath: string) {
    super();
  }

  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  whenReady(): Promise<void> {
    this.ready = true;
    return Promise.resolve();
  }
  getAppPath(): string {
    return this.appPath;
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { ...this.loginItem };
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    this.loginItem = { openAtLogin: settings.openAtLogin };
  }
  quit(): void {
    this.quitRequests += 1;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  }
}

/** Electron's protocol module: schemes are privileged only before ready, handlers only after. */
export class FakeProtocol implements ProtocolLike {
  readonly privileged: CustomSchemeLike[] = [];
  readonly handlers = new Map<string, (request: Request) => Promise<Response>>();
  constructor(private readonly app: FakeApp) {}

  registerSchemesAsPrivileged(schemes: CustomSchemeLike[]): void {
    if (this.app.ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    if (!this.app.ready) throw new Error('protocol.handle can only be used after the app is ready');
    if (this.handlers.has(scheme)) throw new Error(`The scheme "${scheme}" is already handled`);
    this.handlers.set(scheme, handler);
  }
  /** A request the page makes; fails as Chromium does when no handler answers the scheme. */
  fetch(url: string, method = 'GET'): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.slice(0, -1));
    if (!handler) return Promise.reject(new Error(`net::ERR_UNKNOWN_URL_SCHEME ${url}`));
    return handler(new Request(url, { method }));
  }
}

export class FakeClipboard implements ClipboardLike {
  readonly texts: string[] = [];
  writeText(text: string): void {
    this.texts.push(text);
  }
}

export class FakeShell implements ShellLike {
  readonly opened: string[] = [];
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  }
}

/** Answers message boxes with the scripted button indexes, in order. */
export class FakeDialog implements DialogLike {
  readonly shown: MessageBoxOptionsLike[] = [];
  constructor(private readonly responses: number[] = []) {}
  showMessageBox(options: MessageBoxOptionsLike): Promise<{ response: number }> {
    this.shown.push(options);
    const response = this.responses.shift();
    if (response === undefined) return Promise.reject(new Error(`unexpected dialog: ${options.detail ?? options.message}`));
    return Promise.resolve({ response });
  }
}

/** The renderer side of IPC: invoke answers come from `answer` (e.g. a FakeIpcMain), events from `emit`. */
export class FakeIpcRenderer implements IpcRendererLike {
  readonly invoked: Array<{ channel: string; args: unknown[] }> = [];
  private readonly events = new EventEmitter();

  constructor(private readonly answer: (channel: string, args: unknown[]) => Promise<unknown>) {}

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args });
    return this.answer(channel, args);
  }
  on(channel: string, listener: RendererListener): this {
    this.events.on(channel, listener);
    return this;
  }
  removeListener(channel: string, listener: RendererListener): this {
    this.events.removeListener(channel, listener);
    return this;
  }
  /** The main process sends an event; listeners get Electron's (event, ...args). */
  emit(channel: string, ...args: unknown[]): void {
    this.events.emit(channel, { sender: 'ipc-renderer-event' }, ...args);
  }
  listenerCount(channel: string): number {
    return this.events.listenerCount(channel);
  }
}

/** Runs a built preload (out/preload/preload.cjs) as Electron's sandbox does: CommonJS whose only module is `electron`. */
export function runBuiltPreload(code: string, electron: { contextBridge: ContextBridgeLike; ipcRenderer: IpcRendererLike }): void {
  const requireElectronOnly = (id: string): unknown => {
    if (id !== 'electron') throw new Error(`module not found: ${id}`);
    return electron;
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', code)(requireElectronOnly, module, module.exports);
}

export class FakeContextBridge implements ContextBridgeLike {
  readonly exposed = new Map<string, unknown>();
  exposeInMainWorld(key: string, api: unknown): void {
    if (this.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
    this.exposed.set(key, api);
  }
}

/** Electron's safeStorage: `available` says whether the OS offers a keychain; sealing is reversible, never plain text. */
export class FakeSafeStorage implements SafeStorageLike {
  constructor(public available = true) {}
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  encryptString(text: string): Buffer {
    return Buffer.from(`sealed:${Buffer.from(text, 'utf8').toString('hex')}`, 'utf8');
  }
  decryptString(sealed: Buffer): string {
    const text = sealed.toString('utf8');
    if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(text.slice('sealed:'.length), 'hex').toString('utf8');
  }
}

/** Electron's Notification: records what the app showed. */
export class FakeNotifier implements NotifierLike {
  readonly shown: { title: string; body: string }[] = [];
  isSupported(): boolean {
    return true;
  }
  show(notice: { title: string; body: string }): void {
    this.shown.push({ title: notice.title, body: notice.body });
  }
}
