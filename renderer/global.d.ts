import type { BridgeApi } from '../shared/bridge-api.js';

declare global {
  interface Window {
    /** Exposed by the preload script (contextBridge): the window's only way to reach the core. */
    readonly bridge: BridgeApi;
  }
}
