import path from 'node:path';
import type { BridgeApi, BridgeSnapshot } from '../../shared/bridge-api.js';
import { tunnelLine } from '../app/index.js';
import type { TrayLike, TrayMenuItem } from './electron-types.js';

export const PRODUCT_NAME = 'Codex Cursor Bridge';
// Windows cuts tray tooltips at 127 characters.
const TOOLTIP_LIMIT = 127;
const MENU_TEXT_LIMIT = 80;

export interface TrayActions {
  openWindow(): void;
  setTunnel(enabled: boolean): void;
  copyToken(): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

/** macOS recolours a black "Template" image for light and dark menu bars (it loads the @2x file beside it itself). */
export function trayIconFile(platform: NodeJS.Platform, resourcesDir: string): string {
  return path.join(resourcesDir, platform === 'darwin' ? 'trayTemplate.png' : 'tray.png');
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export function trayTooltip(snapshot: BridgeSnapshot): string {
  const tunnel = snapshot.tunnel.state === 'off' ? '' : ` · tunnel ${snapshot.tunnel.state}`;
  return clip(`${PRODUCT_NAME} · ${snapshot.localUrl}${tunnel}`, TOOLTIP_LIMIT);
}

/** The whole menu for one snapshot. Always a context menu: tray clicks are unreliable on Linux (Signal). */
export function trayMenuTemplate(snapshot: BridgeSnapshot, actions: TrayActions): TrayMenuItem[] {
  const status = (label: string): TrayMenuItem => ({ label: clip(label, MENU_TEXT_LIMIT), enabled: false });
  return [
    status(`Serving ${snapshot.localUrl}`),
    status(tunnelLine(snapshot.tunnel)),
    ...(snapshot.login.state === 'ok' ? [] : [status(`Codex login: ${snapshot.login.state} (run codex login)`)]),
    { type: 'separator' },
    { label: `Open ${PRODUCT_NAME}`, click: () => actions.openWindow() },
    { label: 'Public tunnel', type: 'checkbox', checked: snapshot.tunnel.state !== 'off', click: (item) => actions.setTunnel(item.checked) },
    { label: 'Copy bridge token', click: () => actions.copyToken() },
    { label: 'Start at login', type: 'checkbox', checked: snapshot.startAtLogin, click: (item) => actions.setStartAtLogin(item.checked) },
    { type: 'separator' },
    { label: 'Quit', click: () => actions.quit() },
  ];
}

export interface TrayMenuOptions<Menu> {
  tray: TrayLike<Menu>;
  buildMenu(template: TrayMenuItem[]): Menu;
  service: Pick<BridgeApi, 'getSnapshot' | 'onSnapshot' | 'setTunnel' | 'getToken' | 'copyText' | 'setStartAtLogin'>;
  openWindow(): void;
  quit(): void;
  onError(error: unknown): void;
}

export interface TrayMenu {
  /** Rebuilds the menu from a fresh snapshot. */
  refresh(): Promise<void>;
  dispose(): void;
}

/** Keeps the tray's menu and tooltip in step with the core (Podman Desktop: rebuild on every state change). */
export function startTrayMenu<Menu>(options: TrayMenuOptions<Menu>): TrayMenu {
  const { tray, service } = options;
  // Snapshots arrive from two sources (pushes and refreshes); an older one must not overwrite a newer one.
  let issued = 0;
  let shown = 0;

  const show = (snapshot: BridgeSnapshot, ticket: number): void => {
    if (ticket < shown) return;
    shown = ticket;
    tray.setToolTip(trayTooltip(snapshot));
    tray.setContextMenu(options.buildMenu(trayMenuTemplate(snapshot, actions)));
  };

  const refresh = async (): Promise<void> => {
    const ticket = ++issued;
    show(await service.getSnapshot(), ticket);
  };

  // A failed action leaves the checkbox Electron already flipped: refresh shows the truth again.
  const run = (action: () => Promise<unknown>): void => {
    action()
      .catch((error: unknown) => options.onError(error))
      .finally(() => refresh().catch((error: unknown) => options.onError(error)));
  };

  const actions: TrayActions = {
    openWindow: options.openWindow,
    quit: options.quit,
    setTunnel: (enabled) => run(() => service.setTunnel(enabled)),
    copyToken: () => run(async () => service.copyText(await service.getToken())),
    setStartAtLogin: (enabled) => run(() => service.setStartAtLogin(enabled)),
  };

  const unsubscribe = service.onSnapshot((snapshot) => show(snapshot, ++issued));
  tray.on('click', options.openWindow);
  return {
    refresh,
    dispose() {
      unsubscribe();
      tray.destroy();
    },
  };
}
