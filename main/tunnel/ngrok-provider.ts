import type { Config as NgrokConfig, Listener } from '@ngrok/ngrok';
import type { Env } from '../config/bridge-config.js';
import { findNgrokAuthtoken } from './ngrok-authtoken.js';
import { libraryUnavailableError, mapNgrokError, missingAuthtokenError } from './ngrok-errors.js';
import {
  forwardAddress,
  TunnelError,
  type TunnelHandle,
  type TunnelProvider,
  type TunnelStartOptions,
} from './tunnel-provider.js';

/** The slice of `@ngrok/ngrok`'s `forward()` the provider uses; tests inject a fake of the same shape. */
export type NgrokForward = (config: NgrokConfig) => Promise<Pick<Listener, 'url' | 'close'>>;

export interface NgrokProviderOptions {
  /** The bridge setting; NGROK_AUTHTOKEN and the ngrok agent's ngrok.yml are consulted when absent. */
  authtoken?: string | undefined;
  /** A domain reserved on the ngrok account (e.g. my-bridge.ngrok.app); else the account's default URL. */
  domain?: string | undefined;
  env?: Env;
  homeDir?: string;
  platform?: NodeJS.Platform;
  /** Defaults to the real library, loaded on first use so the core never touches the native binding otherwise. */
  forward?: NgrokForward;
}

export interface NgrokForwardInput {
  localHost: string;
  localPort: number;
  authtoken: string;
  domain?: string | undefined;
  onStatusChange(status: string): void;
}

/** The `forward()` config for one bridge tunnel. */
export function ngrokForwardConfig(input: NgrokForwardInput): NgrokConfig {
  const domain = normalizeDomain(input.domain);
  return {
    addr: forwardAddress(input.localHost, input.localPort),
    proto: 'http',
    authtoken: input.authtoken,
    // Each start owns its session: after a drop, forward() must not reuse the library's cached, dead session.
    force_new_session: true,
    ...(domain ? { domain } : {}),
    onStatusChange: input.onStatusChange,
  };
}

/** `https://x.ngrok.app/` and `x.ngrok.app` mean the same reserved domain to the user. */
export function normalizeDomain(domain: string | undefined): string | undefined {
  const trimmed = domain?.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  return trimmed || undefined;
}

export function createNgrokProvider(options: NgrokProviderOptions = {}): TunnelProvider {
  return {
    name: 'ngrok',
    async start(opts: TunnelStartOptions): Promise<TunnelHandle> {
      const found = await findNgrokAuthtoken({
        explicit: options.authtoken,
        ...(options.env ? { env: options.env } : {}),
        ...(options.homeDir ? { homeDir: options.homeDir } : {}),
        ...(options.platform ? { platform: options.platform } : {}),
      });
      if (!found) throw missingAuthtokenError();
      const forward = options.forward ?? (await loadRealForward());

      // The library reports 'closed' also while a first connect fails; only a loss after going online counts.
      let online = false;
      let stopped = false;
      const onStatusChange = (status: string): void => {
        if (status !== 'closed' || !online || stopped) return;
        online = false;
        opts.onDisconnect('the ngrok session lost its connection');
      };
      const config = ngrokForwardConfig({
        localHost: opts.localHost,
        localPort: opts.localPort,
        authtoken: found.authtoken,
        domain: options.domain,
        onStatusChange,
      });
      let listener: Pick<Listener, 'url' | 'close'>;
      try {
        listener = await forward(config);
      } catch (err) {
        throw mapNgrokError(err, { authtoken: found.authtoken, domain: normalizeDomain(options.domain) });
      }
      const publicUrl = listener.url();
      if (!publicUrl) {
        await listener.close().catch(() => undefined);
        throw new TunnelError('ngrok opened a tunnel without a public URL', {
          code: 'ngrok_no_url',
          hint: 'The bridge keeps serving on localhost and retries the tunnel automatically.',
          retryable: true,
        });
      }
      online = true;
      return {
        publicUrl: publicUrl.replace(/\/+$/, ''),
        async stop() {
          if (stopped) return;
          stopped = true;
          // Closing a listener whose session already died can reject; the tunnel is gone either way.
          await listener.close().catch(() => undefined);
        },
      };
    },
  };
}

async function loadRealForward(): Promise<NgrokForward> {
  try {
    const ngrok = await import('@ngrok/ngrok');
    return ngrok.forward;
  } catch (err) {
    throw libraryUnavailableError(err);
  }
}
