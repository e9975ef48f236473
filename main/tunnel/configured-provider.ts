import type { TunnelSettings } from '../settings/settings-schema.js';
import { createCloudflaredProvider } from './cloudflared-provider.js';
import { createNgrokProvider } from './ngrok-provider.js';
import type { TunnelProvider } from './tunnel-provider.js';

/** The provider the user chose in settings: ngrok (the default) or a Cloudflare quick tunnel. */
export function tunnelProviderFor(settings: TunnelSettings | undefined, env: NodeJS.ProcessEnv): TunnelProvider {
  if (settings?.provider === 'cloudflared') return createCloudflaredProvider({ env });
  return createNgrokProvider({ authtoken: settings?.authtoken, domain: settings?.domain, env });
}
