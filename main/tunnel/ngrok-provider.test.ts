import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Config as NgrokConfig } from '@ngrok/ngrok';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNgrokProvider, ngrokForwardConfig, type NgrokForward } from './ngrok-provider.js';
import { TunnelError, type TunnelStartOptions } from './tunnel-provider.js';

let emptyHome: string;
beforeAll(async () => {
  emptyHome = await mkdtemp(path.join(os.tmpdir(), 'ngrok-empty-home-'));
});
afterAll(async () => {
  await rm(emptyHome, { recursive: true, force: true });
});

/** An Error as `@ngrok/ngrok` 1.7 throws it: napi `code`, and `errorCode` parsed from a trailing `error_code:`. */
function libraryError(message: string): Error {
  const err = Object.assign(new Error(message), { code: 'GenericFailure' });
  const code = /error_code: (ERR_NGROK_\d+)$/.exec(message)?.[1];
  return code ? Object.assign(err, { errorCode: code }) : err;
}

interface FakeForward {
  forward: NgrokForward;
  configs: NgrokConfig[];
  close: ReturnType<typeof vi.fn>;
}

function fakeForward(outcome: { url?: string | null; error?: Error } = {}): FakeForward {
  const configs: NgrokConfig[] = [];
  const close = vi.fn(async () => undefined);
  const forward: NgrokForward = async (config) => {
    configs.push(config);
    if (outcome.error) throw outcome.error;
    const url = outcome.url === undefined ? 'https://abcd-1-2-3-4.ngrok-free.app' : outcome.url;
    return { url: () => url, close };
  };
  return { forward, configs, close };
}

function startOptions(onDisconnect: (reason: string) => void = () => undefined): TunnelStartOptions {
  return { localHost: '127.0.0.1', localPort: 7711, onDisconnect };
}

async function startError(provider: ReturnType<typeof createNgrokProvider>): Promise<TunnelError> {
  const err = await provider.start(startOptions()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TunnelError);
  return err as TunnelError;
}

describe('ngrokForwardConfig', () => {
  it('forwards HTTP to the bridge over loopback with its own session, authtoken and optional domain', () => {
    const onStatusChange = (): void => undefined;
    expect(ngrokForwardConfig({ localHost: '127.0.0.1', localPort: 7711, authtoken: 't', onStatusChange })).toEqual({
      addr: '127.0.0.1:7711',
      proto: 'http',
      authtoken: 't',
      force_new_session: true,
      onStatusChange,
    });
    const wildcard = ngrokForwardConfig({
      localHost: '0.0.0.0',
      localPort: 8000,
      authtoken: 't',
      domain: 'https://my-bridge.ngrok.app/',
      onStatusChange,
    });
    expect(wildcard).toMatchObject({ addr: '127.0.0.1:8000', domain: 'my-bridge.ngrok.app' });
    expect(ngrokForwardConfig({ localHost: '::1', localPort: 1, authtoken: 't', onStatusChange }).addr).toBe('[::1]:1');
    expect(ngrokForwardConfig({ localHost: '::', localPort: 1, authtoken: 't', domain: ' ', onStatusChange })).not.toHaveProperty(
      'domain',
    );
  });
});

describe('createNgrokProvider', () => {
  it('opens a tunnel with the discovered authtoken and returns its public URL', async () => {
    const fake = fakeForward({ url: 'https://abcd.ngrok-free.app/' });
    const provider = createNgrokProvider({ forward: fake.forward, env: { NGROK_AUTHTOKEN: 'env-token' }, homeDir: emptyHome });
    const handle = await provider.start(startOptions());

    expect(provider.name).toBe('ngrok');
    expect(handle.publicUrl).toBe('https://abcd.ngrok-free.app');
    expect(fake.configs).toHaveLength(1);
    expect(fake.configs[0]).toMatchObject({ addr: '127.0.0.1:7711', authtoken: 'env-token', proto: 'http' });

    await handle.stop();
    await handle.stop();
    expect(fake.close).toHaveBeenCalledTimes(1);
  });

  it('passes the explicit authtoken and reserved domain over the environment', async () => {
    const fake = fakeForward();
    const provider = createNgrokProvider({
      forward: fake.forward,
      authtoken: 'setting-token',
      domain: 'my-bridge.ngrok.app',
      env: { NGROK_AUTHTOKEN: 'env-token' },
      homeDir: emptyHome,
    });
    await provider.start(startOptions());
    expect(fake.configs[0]).toMatchObject({ authtoken: 'setting-token', domain: 'my-bridge.ngrok.app' });
  });

  it('reports a lost session once, and only after the tunnel was online and not stopped', async () => {
    const fake = fakeForward();
    const provider = createNgrokProvider({ forward: fake.forward, authtoken: 't', homeDir: emptyHome });
    const onDisconnect = vi.fn();
    const handle = await provider.start(startOptions(onDisconnect));
    const onStatusChange = fake.configs[0]?.onStatusChange;
    expect(onStatusChange).toBeTypeOf('function');

    onStatusChange?.('connected');
    expect(onDisconnect).not.toHaveBeenCalled();
    onStatusChange?.('closed');
    onStatusChange?.('closed');
    expect(onDisconnect).toHaveBeenCalledTimes(1);
    expect(onDisconnect.mock.calls[0]?.[0]).toMatch(/ngrok session lost its connection/);

    const second = await provider.start(startOptions(onDisconnect));
    await second.stop();
    fake.configs[1]?.onStatusChange?.('closed');
    expect(onDisconnect).toHaveBeenCalledTimes(1);
    await handle.stop();
  });

  it('ignores the "closed" status the library emits while a first connect fails', async () => {
    const onDisconnect = vi.fn();
    const forward: NgrokForward = async (config) => {
      config.onStatusChange?.('closed');
      throw libraryError('failed to connect session: failed to establish tcp connection');
    };
    const provider = createNgrokProvider({ forward, authtoken: 't', homeDir: emptyHome });
    await expect(provider.start(startOptions(onDisconnect))).rejects.toBeInstanceOf(TunnelError);
    expect(onDisconnect).not.toHaveBeenCalled();
  });

  it('fails without calling ngrok when no authtoken is found, telling how to add one', async () => {
    const fake = fakeForward();
    const provider = createNgrokProvider({ forward: fake.forward, env: {}, homeDir: emptyHome, platform: 'linux' });
    const err = await startError(provider);

    expect(fake.configs).toHaveLength(0);
    expect(err.code).toBe('ngrok_authtoken_missing');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/authtoken/);
    expect(err.hint).toContain('Set NGROK_AUTHTOKEN or run `ngrok config add-authtoken');
    expect(err.hint).toContain('dashboard.ngrok.com');
  });
});

describe('ngrok error mapping', () => {
  async function mapped(error: Error, options: { domain?: string } = {}): Promise<TunnelError> {
    const fake = fakeForward({ error });
    return startError(createNgrokProvider({ forward: fake.forward, authtoken: 'tok_SECRET_123', homeDir: emptyHome, ...options }));
  }

  it('maps a session that cannot connect to a transient "could not reach ngrok"', async () => {
    const err = await mapped(libraryError('failed to connect session: failed to establish tcp connection'));
    expect(err.code).toBe('ngrok_unreachable');
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(
      'could not reach ngrok: failed to connect session: failed to establish tcp connection; the bridge keeps serving on localhost',
    );
    expect(err.hint).toMatch(/internet connection/);
  });

  it('maps rejected authtokens (ERR_NGROK_105/107/4018) to a permanent "authtoken rejected" without echoing it', async () => {
    const err = await mapped(
      libraryError(
        'failed to connect session: authentication failed: The authtoken you specified does not look like a proper ngrok authtoken.\n' +
          'Your authtoken: tok_SECRET_123\nInstructions to install your authtoken are on your ngrok dashboard:\n' +
          'https://dashboard.ngrok.com/get-started/your-authtoken\n\nerror_code: ERR_NGROK_105',
      ),
    );
    expect(err.code).toBe('ngrok_authtoken_rejected');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^ngrok rejected the authtoken \(ERR_NGROK_105\): failed to connect session: authentication failed/);
    expect(err.message).not.toContain('tok_SECRET_123');
    expect(err.hint).toContain('ngrok config add-authtoken');

    for (const code of ['ERR_NGROK_107', 'ERR_NGROK_4018']) {
      expect((await mapped(libraryError(`failed to connect session: authentication failed: nope\n\nerror_code: ${code}`))).code).toBe(
        'ngrok_authtoken_rejected',
      );
    }
  });

  it('maps a domain the account may not bind to a permanent error naming the domain', async () => {
    const err = await mapped(
      libraryError(
        'failed to start listener: You must reserve a custom hostname for your account before it can be bound.\n' +
          'Failed to bind the domain "my-bridge.ngrok.app" for the account "Me".\n\nerror_code: ERR_NGROK_319',
      ),
      { domain: 'my-bridge.ngrok.app' },
    );
    expect(err.code).toBe('ngrok_domain_unavailable');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^ngrok refused my-bridge\.ngrok\.app \(ERR_NGROK_319\): failed to start listener: You must reserve/);
    expect(err.hint).toContain('Reserve my-bridge.ngrok.app');
  });

  it('maps a session limit to a transient error even though ngrok words it as an authentication failure', async () => {
    const err = await mapped(
      libraryError(
        'failed to connect session: authentication failed: ' +
          'Your account is limited to 1 simultaneous ngrok agent sessions.\n\nerror_code: ERR_NGROK_108',
      ),
    );
    expect(err.code).toBe('ngrok_in_use');
    expect(err.retryable).toBe(true);
    expect(err.hint).toMatch(/Another ngrok agent/);
  });

  it('maps other ngrok codes to a permanent error pointing at the error page', async () => {
    const err = await mapped(libraryError('failed to start listener: account suspended\n\nerror_code: ERR_NGROK_103'));
    expect(err.code).toBe('ngrok_rejected');
    expect(err.retryable).toBe(false);
    expect(err.hint).toContain('https://ngrok.com/docs/errors/err_ngrok_103/');
  });
});

describe('the real @ngrok/ngrok library', () => {
  it('fails offline with a mapped, actionable message (never a raw library error)', async () => {
    const provider = createNgrokProvider({ authtoken: 'offline-test-token', homeDir: emptyHome });
    const err = await startError(provider);
    // Offline (this machine) the session cannot connect; with internet ngrok rejects the made-up token.
    expect(['ngrok_unreachable', 'ngrok_authtoken_rejected']).toContain(err.code);
    expect(err.message).toMatch(/^(could not reach ngrok: failed to connect session|ngrok rejected the authtoken)/);
    expect(err.message).not.toContain('offline-test-token');
    expect(err.hint).not.toBe('');
  });

  it('is not loaded by importing the provider (the core starts without the native binding)', async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const script = [
      "import { createRequire } from 'node:module';",
      "await import('./main/tunnel/ngrok-provider.ts');",
      "await import('./main/tunnel/tunnel-manager.ts');",
      'const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes("@ngrok"));',
      'console.log(JSON.stringify(loaded));',
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
    });
    expect(JSON.parse(stdout.trim())).toEqual([]);
  });
});
