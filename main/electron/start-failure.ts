import type { BridgeConfig } from '../config/bridge-config.js';

/** Why the bridge could not listen, in words for the app's dialog (the app has no --port flag: the environment sets it). */
export function startFailureMessage(error: unknown, config: Pick<BridgeConfig, 'host' | 'port'>): string {
  const where = `${config.host}:${config.port}`;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `Port ${where} is already in use, probably by another bridge (the command-line one?). Stop it and retry, or start the app with CODEX_BRIDGE_PORT set to another port.`;
    case 'EACCES':
      return `Not allowed to listen on ${where}. Set CODEX_BRIDGE_PORT to a port above 1023.`;
    case 'EADDRNOTAVAIL':
      return `${config.host} is not an address of this machine. Unset CODEX_BRIDGE_HOST to use 127.0.0.1.`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
