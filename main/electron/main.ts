/**
 * The Electron entry point: the only file that imports Electron at run time. It hands the real objects to
 * runDesktopApp, where everything else happens (and is tested with fakes).
 */
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, nativeTheme, Notification, protocol, safeStorage, shell, Tray } from 'electron';
import { runDesktopApp } from './desktop-app.js';
import { openElectronSettingsFile } from './settings-file.js';

const resourcesDir = app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(app.getAppPath(), 'resources');

runDesktopApp(
  {
    app,
    ipcMain,
    clipboard,
    shell,
    dialog,
    protocol,
    createWindow: (options) => new BrowserWindow(options),
    createTray: (iconFile) => new Tray(iconFile),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    nativeTheme,
    safeStorage,
    notifier: { isSupported: () => Notification.isSupported(), show: (notice) => new Notification(notice).show() },
    openSettingsFile: openElectronSettingsFile,
  },
  { env: process.env, platform: process.platform, homedir: os.homedir(), execPath: process.execPath, resourcesDir },
).catch((error: unknown) => {
  console.error(error);
  app.exit(1);
});
