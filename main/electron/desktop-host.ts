import type { DesktopHost } from '../desktop/bridge-service.js';
import type { ClipboardLike, LoginItemsLike } from './electron-types.js';
import type { LinuxAutostart } from './linux-autostart.js';

export interface DesktopHostOptions {
  platform: NodeJS.Platform;
  loginItems: LoginItemsLike;
  clipboard: ClipboardLike;
  linuxAutostart: LinuxAutostart;
}

/** The core's view of the desktop: Electron's clipboard, and login items (an XDG autostart entry on Linux). */
export function createDesktopHost(options: DesktopHostOptions): DesktopHost {
  const { loginItems, linuxAutostart } = options;
  const linux = options.platform === 'linux';
  return {
    copyText: (text) => options.clipboard.writeText(text),
    startAtLogin: () => (linux ? linuxAutostart.isEnabled() : loginItems.getLoginItemSettings().openAtLogin),
    setStartAtLogin(enabled) {
      if (linux) return linuxAutostart.setEnabled(enabled);
      loginItems.setLoginItemSettings({ openAtLogin: enabled });
      return loginItems.getLoginItemSettings().openAtLogin;
    },
  };
}
