import type { ActionOutcome, BridgeApi, BridgeSnapshot } from '../../shared/bridge-api.js';
import { usageLeftLines } from '../app/index.js';
import type { NotifierLike, TrayLike, TrayMenuItem } from './electron-types.js';
import { trayIconState, trayStateIconFile, type TrayIconTarget } from './tray-icon.js';

export const PRODUCT_NAME = 'Codex Cursor Bridge';
// Windows cuts tray tooltips at 127 characters.
const TOOLTIP_LIMIT = 127;
const MENU_TEXT_LIMIT = 80;

export interface TrayActions {
  openWindow(section?: string): void;
  signIn(): void;
  setTunnel(enabled: boolean): void;
  copy(what: string, text: string): void;
  copyToken(): void;
  configureCursor(): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export function trayTooltip(snapshot: BridgeSnapshot): string {
  return clip(`${PRODUCT_NAME} · ${snapshot.status.title}`, TOOLTIP_LIMIT);
}

/** The icon for a snapshot: the status's level, with the tunnel badge when all is well and the tunnel is online. */
export function trayIconFor(snapshot: BridgeSnapshot, target: TrayIconTarget): string {
  return trayStateIconFile(trayIconState({ level: snapshot.status.level, tunnelOnline: snapshot.tunnel.state === 'online' }), target);
}

/** The whole menu for one snapshot. Always a context menu: tray clicks are unreliable on Linux (Signal). */
export function trayMenuTemplate(snapshot: BridgeSnapshot, actions: TrayActions): TrayMenuItem[] {
  const line = (label: string): TrayMenuItem => ({ label: clip(label, MENU_TEXT_LIMIT), enabled: false });
  const signedIn = snapshot.login.state === 'ok';
  const signingIn = snapshot.signIn?.state === 'starting' || snapshot.signIn?.state === 'waiting-browser' || snapshot.signIn?.state === 'device-code';
  const online = snapshot.tunnel.state === 'online' ? snapshot.tunnel.url : undefined;
  const usage = usageLeftLines(snapshot.limits);
  return [
    line(snapshot.status.title),
    ...(signedIn ? [] : [{ label: signingIn ? 'Signing in… (see the window)' : 'Sign in…', enabled: !signingIn, click: () => actions.signIn() }]),
    { type: 'separator' },
    { label: 'Copy local URL', click: () => actions.copy('local URL', snapshot.localUrl) },
    { label: 'Copy public URL', enabled: online !== undefined, click: () => online && actions.copy('public URL', online) },
    { label: 'Copy token', click: () => actions.copyToken() },
    { label: 'Public tunnel', type: 'checkbox', checked: snapshot.tunnel.state !== 'off', click: (item) => actions.setTunnel(item.checked) },
    { label: 'Configure Cursor', enabled: online !== undefined && signedIn, click: () => actions.configureCursor() },
    ...(usage.length > 0 ? [{ type: 'separator' } as const, ...usage.map((text) => line(`Usage ${text}`))] : []),
    // Where each window is heading at the recent pace (from the usage history), under the figures.
    ...(snapshot.forecasts ?? []).map((forecast) => line(`${forecast.text.charAt(0).toUpperCase()}${forecast.text.slice(1)}`)),
    { type: 'separator' },
    { label: `Open ${PRODUCT_NAME}`, click: () => actions.openWindow() },
    { label: 'Settings…', click: () => actions.openWindow('settings') },
    { label: 'Start at login', type: 'checkbox', checked: snapshot.startAtLogin, click: (item) => actions.setStartAtLogin(item.checked) },
    { type: 'separator' },
    { label: 'Quit', click: () => actions.quit() },
  ];
}

export interface TrayMenuOptions<Menu> {
  tray: TrayLike<Menu>;
  icon: Omit<TrayIconTarget, 'darkBar'> & { darkBar(): boolean };
  buildMenu(template: TrayMenuItem[]): Menu;
  service: Pick<BridgeApi, 'getSnapshot' | 'onSnapshot' | 'setTunnel' | 'getToken' | 'copyText' | 'setStartAtLogin' | 'configureCursor' | 'signIn'>;
  openWindow(section?: string): void;
  quit(): void;
  /** OS notifications: how a tray action that failed says why. */
  notifier: NotifierLike;
  onError(error: unknown): void;
}

export interface TrayMenu {
  /** Rebuilds the menu from a fresh snapshot. */
  refresh(): Promise<void>;
  dispose(): void;
}

/** Keeps the tray's icon, menu and tooltip in step with the core (Podman Desktop: rebuild on every state change). */
export function startTrayMenu<Menu>(options: TrayMenuOptions<Menu>): TrayMenu {
  const { tray, service } = options;
  // Snapshots arrive from two sources (pushes and refreshes); an older one must not overwrite a newer one.
  let issued = 0;
  let shown = 0;
  let iconFile: string | undefined;

  const show = (snapshot: BridgeSnapshot, ticket: number): void => {
    if (ticket < shown) return;
    shown = ticket;
    const icon = trayIconFor(snapshot, { ...options.icon, darkBar: options.icon.darkBar() });
    if (icon !== iconFile) tray.setImage(icon);
    iconFile = icon;
    tray.setToolTip(trayTooltip(snapshot));
    tray.setContextMenu(options.buildMenu(trayMenuTemplate(snapshot, actions)));
  };

  const refresh = async (): Promise<void> => {
    const ticket = ++issued;
    show(await service.getSnapshot(), ticket);
  };

  const failed = (what: string, why: string): void => options.notifier.show({ title: `${PRODUCT_NAME}: ${what} failed`, body: why });

  // A failed action says why in a notification (not only in the process log), and a refresh puts back the truth
  // (a checkbox Electron already flipped).
  const run = (what: string, action: () => Promise<ActionOutcome | unknown>): void => {
    action()
      .then((outcome) => {
        const answer = outcome as Partial<ActionOutcome> | undefined;
        if (answer?.ok === false && answer.message) failed(what, answer.message);
      })
      .catch((error: unknown) => {
        failed(what, error instanceof Error ? error.message : String(error));
        options.onError(error);
      })
      .finally(() => refresh().catch((error: unknown) => options.onError(error)));
  };

  const actions: TrayActions = {
    openWindow: options.openWindow,
    quit: options.quit,
    signIn: () => {
      // The window shows the progress (the browser's URL, Cancel); the sign-in runs in the core meanwhile.
      options.openWindow();
      run('Sign-in', () => service.signIn('browser'));
    },
    // A tunnel that fails is told by the app's "Public tunnel down" notice (subscribers.ts), not a second time here.
    setTunnel: (enabled) => run('The public tunnel', () => service.setTunnel(enabled)),
    copy: (what, text) => run(`Copying the ${what}`, () => service.copyText(text)),
    copyToken: () => run('Copying the token', async () => service.copyText(await service.getToken())),
    configureCursor: () => run('Configuring Cursor', () => service.configureCursor(false)),
    setStartAtLogin: (enabled) => run('Start at login', () => service.setStartAtLogin(enabled)),
  };

  const unsubscribe = service.onSnapshot((snapshot) => show(snapshot, ++issued));
  tray.on('click', () => options.openWindow());
  return {
    refresh,
    dispose() {
      unsubscribe();
      tray.destroy();
    },
  };
}
