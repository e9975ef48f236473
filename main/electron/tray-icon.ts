import path from 'node:path';

/** What the tray icon shows, most urgent first: an error, something the user should do, the public tunnel, ready. */
export type TrayIconState = 'error' | 'attention' | 'tunnel-online' | 'ready';

export interface TrayStatus {
  /** The bridge's status in one word: ok (Ready), attention (Needs sign-in, Usage limit reached), error (Error, Tunnel down). */
  level: 'ok' | 'attention' | 'error';
  tunnelOnline: boolean;
}

/** A problem outranks the tunnel badge: the icon shows what needs the user first. */
export function trayIconState(status: TrayStatus): TrayIconState {
  if (status.level !== 'ok') return status.level;
  return status.tunnelOnline ? 'tunnel-online' : 'ready';
}

export interface TrayIconTarget {
  platform: NodeJS.Platform;
  /** Whether the menu bar / taskbar is dark (Electron's nativeTheme.shouldUseDarkColors); macOS ignores it. */
  darkBar: boolean;
  /** Where the icons are (the packaged app's extraResources, or the repository's resources/). */
  resourcesDir: string;
}

/** The badge drawn for each state by build/make-icons.mjs; ready is the plain glyph. */
const BADGES: Record<Exclude<TrayIconState, 'ready'>, string> = { error: 'error', attention: 'attention', 'tunnel-online': 'tunnel' };

/**
 * The icon file for a state. macOS gets a black "Template" image it recolours for light and dark menu bars (it loads
 * the @2x file beside it itself); Windows and Linux get the colour icon drawn for the bar's shade.
 */
export function trayStateIconFile(state: TrayIconState, target: TrayIconTarget): string {
  const mac = target.platform === 'darwin';
  if (state === 'ready') return path.join(target.resourcesDir, mac ? 'trayTemplate.png' : 'tray.png');
  const badge = BADGES[state];
  return path.join(target.resourcesDir, mac ? `tray-${badge}Template.png` : `tray-${badge}-${target.darkBar ? 'dark' : 'light'}.png`);
}
