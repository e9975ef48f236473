/**
 * The slices of Electron's API this folder uses, as plain interfaces. Modules receive these (Podman Desktop's
 * injected style) so tests pass the fakes of test/support/fake-electron.ts; main.ts passes the real objects, and
 * the compiler checks there that Electron's classes fit.
 */

/** Electron's `Event`: a handler may cancel the default action. */
export interface PreventableEvent {
  preventDefault(): void;
}

export interface FrameLike {
  readonly url: string;
  /** null for a page's main frame. */
  readonly parent: FrameLike | null;
}

export interface InvokeEventLike {
  readonly sender: unknown;
  /** null once the frame navigated away or was destroyed. */
  readonly senderFrame: FrameLike | null;
}

export type InvokeHandler = (event: InvokeEventLike, ...args: unknown[]) => unknown;

export interface IpcMainLike {
  handle(channel: string, listener: InvokeHandler): void;
  removeHandler(channel: string): void;
}

export type PermissionRequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void;

export interface SessionLike {
  setPermissionRequestHandler(handler: PermissionRequestHandler): void;
  setPermissionCheckHandler(handler: () => boolean): void;
}

export interface WebContentsLike {
  readonly session: SessionLike;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  /** A main-frame navigation the user or the page starts (not loadURL). */
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  /** Any frame's navigation, main frame included. */
  on(event: 'will-frame-navigate', listener: (event: PreventableEvent) => void): unknown;
  /** A server-side redirect during any navigation. */
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
}

export interface WindowLike {
  readonly webContents: WebContentsLike;
  show(): void;
  hide(): void;
  focus(): void;
  isDestroyed(): boolean;
  loadURL(url: string): Promise<void>;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
}

/** What the tray menu is built from; a subset of Electron's `MenuItemConstructorOptions`. */
export interface TrayMenuItem {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox';
  checked?: boolean;
  enabled?: boolean;
  /** Electron flips a checkbox's `checked` before calling this. */
  click?: (item: { checked: boolean }) => void;
}

export interface TrayLike<Menu> {
  setContextMenu(menu: Menu | null): void;
  setToolTip(text: string): void;
  /** A PNG file (macOS: a Template image, which it recolours for the bar). */
  setImage(iconFile: string): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/** Electron's safeStorage: strings sealed with the OS keychain (Keychain, DPAPI, libsecret/kwallet). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(text: string): Buffer;
  decryptString(sealed: Buffer): string;
}

/** An OS notification (Electron's `Notification`, shown at once). */
export interface NotifierLike {
  isSupported(): boolean;
  show(notice: { title: string; body: string }): void;
}

export interface LoginItemsLike {
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export interface AppLike extends LoginItemsLike {
  readonly isPackaged: boolean;
  /** Hidden for a tray app; only macOS has one. */
  readonly dock?: { hide(): void } | undefined;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<unknown>;
  getAppPath(): string;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  /** Every web contents the app ever makes (windows, devtools, webviews): where the guards go. */
  on(event: 'web-contents-created', listener: (event: PreventableEvent, contents: WebContentsLike) => void): unknown;
}

export interface CustomSchemeLike {
  scheme: string;
  privileges: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean };
}

export interface ProtocolLike {
  /** Only before the app is ready. */
  registerSchemesAsPrivileged(schemes: CustomSchemeLike[]): void;
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

/** Electron's nativeTheme: whether the system (and so the menu bar or taskbar) is dark. */
export interface NativeThemeLike {
  readonly shouldUseDarkColors: boolean;
}

export interface ClipboardLike {
  writeText(text: string): void;
}

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

export interface MessageBoxOptionsLike {
  type: 'error' | 'info' | 'warning';
  title: string;
  message: string;
  detail?: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
}

export interface DialogLike {
  showMessageBox(options: MessageBoxOptionsLike): Promise<{ response: number }>;
}
