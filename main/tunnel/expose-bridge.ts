import type { AddressInfo } from 'node:net';
import type { TunnelSettings } from '../settings/settings-schema.js';
import { createCloudflaredProvider } from './cloudflared-provider.js';
import { createNgrokProvider } from './ngrok-provider.js';
import type { TunnelProvider } from './tunnel-provider.js';
import { createTunnelManager, type BackoffOptions, type TunnelManager, type TunnelStatus } from './tunnel-manager.js';

/** The part of the running bridge a tunnel needs: where it listens and how to open its guard to the public host. */
export interface ExposableBridge {
  readonly address: AddressInfo;
  readonly config: { host: string };
  setExtraHosts(hosts: string[]): void;
  setTokenForced(forced: boolean): void;
}

export interface ExposeOptions {
  backoff?: BackoffOptions;
  onStatus?(status: TunnelStatus): void;
  /** The public URL changed (free ngrok URLs and quick tunnels rotate): re-apply Cursor's settings. */
  onUrlChange?(url: string, previous: string | undefined): void;
}

/**
 * Puts the bridge behind a public tunnel. From the first moment the token is required on /v1/* (anything arriving
 * through the tunnel looks local), and the public host joins the Host names the guard accepts once it is known.
 */
export function exposeBridge(bridge: ExposableBridge, provider: TunnelProvider, options: ExposeOptions = {}): TunnelManager {
  bridge.setTokenForced(true);
  const manager = createTunnelManager({
    provider,
    localPort: bridge.address.port,
    localHost: bridge.config.host,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    onStatus(status) {
      if (status.state === 'online' && status.url) bridge.setExtraHosts([new URL(status.url).hostname]);
      options.onStatus?.(status);
    },
    ...(options.onUrlChange ? { onUrlChange: options.onUrlChange } : {}),
  });
  return {
    ...manager,
    async stop() {
      await manager.stop();
      bridge.setExtraHosts([]);
      bridge.setTokenForced(false);
    },
  };
}

/** The provider the user chose in settings: ngrok (the default) or a Cloudflare quick tunnel. */
export function tunnelProviderFor(settings: TunnelSettings | undefined, env: NodeJS.ProcessEnv): TunnelProvider {
  if (settings?.provider === 'cloudflared') return createCloudflaredProvider({ env });
  return createNgrokProvider({ authtoken: settings?.authtoken, domain: settings?.domain, env });
}
