import type { LoginItem } from '../app/index.js';
import type { ClipboardLike, LoginItemsLike } from './electron-types.js';
import type { LinuxAutostart } from './linux-autostart.js';
import type { Clipboard } from './window-api.js';

export interface DesktopHostOptions {
  platform: NodeJS.Platform;
  loginItems: LoginItemsLike;
  clipboard: ClipboardLike;
  linuxAutostart: LinuxAutostart;
}

/** What only the desktop can do: Electron's clipboard, and login items (an XDG autostart entry on Linux). */
export function createDesktopHost(options: DesktopHostOptions): { clipboard: Clipboard; loginItem: LoginItem } {
  const { loginItems, linuxAutostart } = options;
  const linux = options.platform === 'linux';
  return {
    clipboard: { copyText: (text) => options.clipboard.writeText(text) },
    loginItem: {
      isEnabled: () => (linux ? linuxAutostart.isEnabled() : loginItems.getLoginItemSettings().openAtLogin),
      setEnabled(enabled) {
        if (linux) return linuxAutostart.setEnabled(enabled);
        loginItems.setLoginItemSettings({ openAtLogin: enabled });
        return loginItems.getLoginItemSettings().openAtLogin;
      },
    },
  };
}
