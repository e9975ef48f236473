import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Env } from '../config/bridge-config.js';
import { tunnelProviderFor } from './configured-provider.js';
import { TunnelError, type TunnelProvider } from './tunnel-provider.js';

let emptyHome: string;
beforeAll(async () => {
  emptyHome = await mkdtemp(path.join(os.tmpdir(), 'expose-empty-home-'));
});
afterAll(async () => {
  await rm(emptyHome, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Why the provider could not start. Offline (this machine) the real ngrok library fails within milliseconds. */
async function startFailure(provider: TunnelProvider): Promise<TunnelError> {
  const outcome = await provider.start({ localHost: '127.0.0.1', localPort: 7711, onDisconnect: () => undefined }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(TunnelError);
  return outcome as TunnelError;
}

describe('tunnelProviderFor', () => {
  // No ngrok.yml may lend a token: the user's home and XDG config point at an empty directory.
  const noConfig = (): Env => {
    vi.stubEnv('HOME', emptyHome);
    return { XDG_CONFIG_HOME: emptyHome };
  };

  it('picks a Cloudflare quick tunnel when the settings say so, ngrok otherwise', () => {
    expect(tunnelProviderFor({ provider: 'cloudflared' }, {}).name).toBe('cloudflared');
    expect(tunnelProviderFor({ provider: 'ngrok' }, {}).name).toBe('ngrok');
    expect(tunnelProviderFor(undefined, {}).name).toBe('ngrok');
  });

  it('without any authtoken, ngrok stops at "authtoken missing" before calling the library', async () => {
    expect((await startFailure(tunnelProviderFor(undefined, noConfig()))).code).toBe('ngrok_authtoken_missing');
  });

  it.each([
    ['the authtoken setting', { authtoken: 'setting-token-123', domain: 'x.ngrok.app' }, {}],
    ['NGROK_AUTHTOKEN', undefined, { NGROK_AUTHTOKEN: 'env-token-456' }],
  ] as const)('hands ngrok the token from %s (the real library then fails offline, not for lack of a token)', async (_, settings, env) => {
    const error = await startFailure(tunnelProviderFor(settings, { ...noConfig(), ...env }));
    expect(['ngrok_unreachable', 'ngrok_authtoken_rejected']).toContain(error.code);
    expect(error.message).not.toMatch(/setting-token-123|env-token-456/);
  });
});
