import path from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { BridgeApi } from '../../shared/bridge-api.js';
import { createBridgeApp, type BridgeApp, type BridgeAppDeps, type Notice, type SecretCipher, type SettingsFile, type SettingsFileOptions } from '../app/index.js';
import { resolveConfig, type BridgeConfig } from '../config/bridge-config.js';
import type { ProcessProbe } from '../cursor/cursor-process.js';
import type { TunnelProvider } from '../tunnel/tunnel-provider.js';
import { registerAppScheme, serveAppProtocol } from './app-protocol.js';
import { createDesktopHost } from './desktop-host.js';
import type {
  AppLike,
  ClipboardLike,
  DialogLike,
  IpcMainLike,
  NativeThemeLike,
  NotifierLike,
  ProtocolLike,
  SafeStorageLike,
  ShellLike,
  TrayLike,
  TrayMenuItem,
  WindowLike,
} from './electron-types.js';
import { externalLinkPolicy } from './external-links.js';
import { forwardEvents, registerIpcHandlers } from './ipc.js';
import { createLinuxAutostart, launchCommand } from './linux-autostart.js';
import { builtRendererDir, isRendererUrl, rendererLocation } from './renderer-location.js';
import { trayStateIconFile } from './tray-icon.js';
import { PRODUCT_NAME, startTrayMenu, type TrayMenu } from './tray.js';
import { guardEveryWebContents } from './web-contents-guards.js';
import { createWindowApi } from './window-api.js';
import { createWindowController, type WindowController } from './window.js';

/** The app has no flags: its address comes from the environment. */
const APP_REMEDIES = { otherPort: 'start the app with CODEX_BRIDGE_PORT set to another port', loopbackHost: 'unset CODEX_BRIDGE_HOST to use 127.0.0.1' };

/** The Electron objects the app uses; main.ts passes the real ones, tests the fakes. */
export interface ElectronParts<Menu> {
  app: AppLike;
  ipcMain: IpcMainLike;
  clipboard: ClipboardLike;
  shell: ShellLike;
  dialog: DialogLike;
  protocol: ProtocolLike;
  createWindow(options: BrowserWindowConstructorOptions): WindowLike;
  createTray(iconFile: string): TrayLike<Menu>;
  buildMenu(template: TrayMenuItem[]): Menu;
  nativeTheme: NativeThemeLike;
  safeStorage: SafeStorageLike;
  /** OS notifications (Electron's `Notification`). */
  notifier: NotifierLike;
  /** settings.json through electron-store (tests: conf, which electron-store extends). */
  openSettingsFile(options: SettingsFileOptions): SettingsFile;
}

export interface DesktopAppOptions {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homedir: string;
  /** The running executable, for the Linux autostart entry. */
  execPath: string;
  /** Where the tray icons are (the packaged app's extraResources, or the repository's resources/). */
  resourcesDir: string;
  /** Tests: a tunnel that needs no network, a Cursor probe that reads no process table. */
  tunnelProvider?: TunnelProvider;
  cursorProbe?: ProcessProbe;
  log?(line: string): void;
}

export interface DesktopApp {
  readonly app: BridgeApp;
  /** The window's API on the application layer (what IPC and the tray call). */
  readonly service: BridgeApi;
  readonly window: WindowController;
  readonly trayMenu: TrayMenu;
  /** Closes the service and the bridge (the app quits after it); the same promise on every call. */
  shutdown(): Promise<void>;
}

/**
 * The tray app: one instance, the core started from the environment (or a dialog saying why not), IPC for the
 * window, the tray menu, and an orderly quit. Resolves undefined when this instance does not run (second instance,
 * or the user chose to quit after a failed start).
 */
export async function runDesktopApp<Menu>(electron: ElectronParts<Menu>, options: DesktopAppOptions): Promise<DesktopApp | undefined> {
  const { app } = electron;
  const log = options.log ?? ((line: string) => console.error(line));
  const report = (error: unknown): void => log(`${PRODUCT_NAME}: ${error instanceof Error ? error.message : String(error)}`);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return undefined;
  }
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => {});
  registerAppScheme(electron.protocol);
  const isAllowedExternal = externalLinkPolicy(options.env);
  guardEveryWebContents(app, { isAllowedExternal, openExternal: (url) => electron.shell.openExternal(url), onError: report });
  // The sign-in opens the system browser only on the issuer (the allowlist); anything else is shown, not opened.
  const openBrowser = async (url: string): Promise<boolean> => {
    if (!isAllowedExternal(url)) return false;
    await electron.shell.openExternal(url);
    return true;
  };
  await app.whenReady();
  if (options.platform === 'darwin') app.dock?.hide();

  const appPath = app.getAppPath();
  serveAppProtocol(electron.protocol, builtRendererDir(appPath));
  const host = createDesktopHost({
    platform: options.platform,
    loginItems: app,
    clipboard: electron.clipboard,
    linuxAutostart: createLinuxAutostart({
      env: options.env,
      homedir: options.homedir,
      command: launchCommand({ env: options.env, execPath: options.execPath, isPackaged: app.isPackaged, appPath }),
    }),
  });
  const core = await startOrAsk(electron, options, { loginItem: host.loginItem, openBrowser }, report);
  if (!core) {
    app.quit();
    return undefined;
  }
  const service = createWindowApi(core, host.clipboard);

  const renderer = rendererLocation({ isPackaged: app.isPackaged, devServerUrl: options.env.ELECTRON_RENDERER_URL });
  const window = createWindowController({
    createWindow: electron.createWindow,
    renderer,
    preloadPath: path.join(appPath, 'out', 'preload', 'preload.cjs'),
    onCreated: (created) => forwardEvents(service, created.webContents),
    onError: report,
  });
  app.on('second-instance', () => window.show());
  const removeHandlers = registerIpcHandlers({
    ipcMain: electron.ipcMain,
    service,
    window: () => window.current()?.webContents,
    isAppUrl: (url) => isRendererUrl(renderer, url),
    onRefused: (channel, why) => log(`${PRODUCT_NAME}: refused ${channel}: ${why}`),
  });
  const icon = { platform: options.platform, resourcesDir: options.resourcesDir, darkBar: () => electron.nativeTheme.shouldUseDarkColors };
  const trayMenu = startTrayMenu({
    tray: electron.createTray(trayStateIconFile('ready', { ...icon, darkBar: icon.darkBar() })),
    icon,
    buildMenu: electron.buildMenu,
    service,
    notifier: electron.notifier,
    openWindow: (section) => window.show(section),
    quit: () => app.quit(),
    onError: report,
  });
  await trayMenu.refresh().catch(report);
  // The tunnel may take seconds to come up; the tray shows its progress meanwhile.
  core.restore().catch(report);

  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (closing ??= (async () => {
      window.allowClose();
      trayMenu.dispose();
      removeHandlers();
      await core.stop();
    })());
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    shutdown()
      .catch(report)
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  return { app: core, service, window, trayMenu, shutdown };
}

/** Starts the core; a start failure (port in use…) asks Retry or Quit, since the user can often fix it at once. */
async function startOrAsk(
  electron: Pick<ElectronParts<unknown>, 'dialog' | 'safeStorage' | 'notifier' | 'openSettingsFile'>,
  options: DesktopAppOptions,
  desktop: Pick<BridgeAppDeps, 'loginItem' | 'openBrowser'>,
  report: (error: unknown) => void,
): Promise<BridgeApp | undefined> {
  const ask = async (detail: string, buttons: string[]): Promise<number> =>
    (
      await electron.dialog.showMessageBox({
        type: 'error',
        title: PRODUCT_NAME,
        message: `${PRODUCT_NAME} could not start`,
        detail,
        buttons,
        defaultId: 0,
        cancelId: buttons.length - 1,
      })
    ).response;

  let config: BridgeConfig;
  try {
    config = resolveConfig(options.env);
  } catch (error) {
    await ask((error as Error).message, ['Quit']);
    return undefined;
  }
  const core = createBridgeApp({
    config,
    env: options.env,
    listenRemedies: APP_REMEDIES,
    ...desktop,
    openSettingsFile: electron.openSettingsFile,
    ...(secretCipherOf(electron.safeStorage) ? { secretCipher: secretCipherOf(electron.safeStorage) } : {}),
    ...(electron.notifier.isSupported() ? { notify: (notice: Notice) => electron.notifier.show(notice) } : {}),
    ...(options.tunnelProvider ? { tunnelProvider: options.tunnelProvider } : {}),
    ...(options.cursorProbe ? { cursorProbe: options.cursorProbe } : {}),
    server: { onInternalError: report },
  });
  for (;;) {
    const started = await core.start();
    if (started.ok) return core;
    if ((await ask(started.message, ['Retry', 'Quit'])) !== 0) return undefined;
  }
}

/** The OS keychain where Electron has one (on Linux: only with a secret service running); else secrets stay 0600 files. */
function secretCipherOf(safeStorage: SafeStorageLike): SecretCipher | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  return { encrypt: (text) => safeStorage.encryptString(text), decrypt: (sealed) => safeStorage.decryptString(sealed) };
}
