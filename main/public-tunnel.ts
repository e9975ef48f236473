import { clearPublicUrl, followTunnelUrl } from './cursor/follow-tunnel-url.js';
import type { ProcessProbe } from './cursor/cursor-process.js';
import type { Bridge } from './bridge.js';
import { ALIAS_NAMES } from './models/aliases.js';
import { exposeBridge, tunnelProviderFor } from './tunnel/expose-bridge.js';
import type { TunnelManager, TunnelStatus } from './tunnel/tunnel-manager.js';
import type { TunnelProvider } from './tunnel/tunnel-provider.js';

export interface PublicTunnelOptions {
  env: NodeJS.ProcessEnv;
  /** Replaces the provider the settings name (tests). */
  provider?: TunnelProvider;
  cursorProbe?: ProcessProbe;
  onStatus?(status: TunnelStatus): void;
  /** Things worth telling the user (Cursor re-pointed, or why it could not be). */
  onNote?(line: string): void;
}

export interface PublicTunnel {
  readonly manager: TunnelManager;
  /** Resolves with the first outcome: online, or failed with the reason. */
  start(): Promise<TunnelStatus>;
  stop(): Promise<void>;
}

/**
 * The bridge on a public URL for Cursor, as both the CLI and the desktop app run it: the tunnel the settings name,
 * the URL recorded for `configure-cursor`, and Cursor re-pointed whenever the URL rotates.
 */
export function openPublicTunnel(bridge: Bridge, options: PublicTunnelOptions): PublicTunnel {
  const provider = options.provider ?? tunnelProviderFor(bridge.settings.read().tunnel, options.env);
  const manager = exposeBridge(bridge, provider, {
    ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    onUrlChange: (url) => {
      void followTunnelUrl({ home: bridge.config.home, env: options.env, publicUrl: url, aliases: ALIAS_NAMES, probe: options.cursorProbe }).then(
        (line) => {
          if (line) options.onNote?.(line);
        },
      );
    },
  });
  return {
    manager,
    start: () => manager.start(),
    async stop() {
      await manager.stop();
      clearPublicUrl(bridge.config.home);
    },
  };
}
