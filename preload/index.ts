/**
 * The window's preload: runs sandboxed, so Vite bundles it (with shared/) into one CommonJS file whose only
 * require is 'electron' (vite.preload.config.ts).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { exposeBridge } from './bridge-client.js';

exposeBridge(contextBridge, ipcRenderer);
