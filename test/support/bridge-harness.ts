import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startBridge, type Bridge, type BridgeOptions } from '../../main/bridge.js';
import { resolveConfig, type BridgeConfig } from '../../main/config/bridge-config.js';
import { startFakeBackend, type FakeBackend, type FakeBackendOptions } from './fake-backend/server.js';

export interface Harness {
  fake: FakeBackend;
  bridge: Bridge;
  /** The official openai SDK pointed at the bridge. */
  client: OpenAI;
  dir: string;
  authPath: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  fake?: FakeBackendOptions;
  /** Seconds until the access token in auth.json expires. */
  expiresInSec?: number;
  bridge?: Partial<Omit<BridgeOptions, 'config'>>;
  env?: Record<string, string>;
  /** Written to settings.json in CODEX_BRIDGE_HOME before the bridge starts (e.g. `{ idleTimeoutMs: 300 }`). */
  settings?: Record<string, unknown>;
  /** No auth.json: the user has not signed in yet (the fake issuer signs them in). */
  signedOut?: boolean;
}

/**
 * What the desktop app starts its core from in tests (it reads only the environment): the fake backend, an auth.json
 * it accepts (written here), and private folders under `dir`, on an ephemeral port.
 */
export async function desktopAppEnv(dir: string, fake: FakeBackend): Promise<Record<string, string>> {
  const authPath = path.join(dir, 'codex', 'auth.json');
  await fake.tokens.writeAuthFile(authPath, { expiresInSec: 3600 });
  return {
    CODEX_BRIDGE_UPSTREAM: fake.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
    CODEX_AUTH_PATH: authPath,
    CODEX_BRIDGE_HOME: path.join(dir, 'bridge-home'),
    CODEX_BRIDGE_PORT: '0',
    CODEX_BRIDGE_CURSOR_DB: path.join(dir, 'cursor', 'state.vscdb'),
    XDG_CONFIG_HOME: path.join(dir, 'config'),
  };
}

export interface HarnessSetup {
  fake: FakeBackend;
  dir: string;
  authPath: string;
  /** An ephemeral loopback port, the fake backend as upstream, CODEX_BRIDGE_HOME in `dir`. */
  config: BridgeConfig;
}

/** A fake backend, an auth.json it accepts, and the configuration of a bridge pointed at it. */
export async function prepareHarness(options: Omit<HarnessOptions, 'bridge'> = {}): Promise<HarnessSetup> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-e2e-'));
  const fake = await startFakeBackend(options.fake);
  const authPath = path.join(dir, 'codex', 'auth.json');
  if (!options.signedOut) await fake.tokens.writeAuthFile(authPath, { expiresInSec: options.expiresInSec ?? 3600 });
  const home = path.join(dir, 'bridge-home');
  if (options.settings) {
    await mkdir(home, { recursive: true, mode: 0o700 });
    await writeFile(path.join(home, 'settings.json'), JSON.stringify(options.settings), { mode: 0o600 });
  }
  const config = resolveConfig(
    {
      CODEX_BRIDGE_UPSTREAM: fake.baseUrl,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
      CODEX_AUTH_PATH: authPath,
      CODEX_BRIDGE_HOME: home,
      CODEX_BRIDGE_AUTH_ISSUER: fake.origin,
      ...options.env,
    },
    { port: 0, host: '127.0.0.1' },
  );
  return { fake, dir, authPath, config };
}

/** A fake backend, an auth.json it accepts, and a bridge on an ephemeral loopback port pointed at it. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { fake, dir, authPath, config } = await prepareHarness(options);
  const bridge = await startBridge({ config, ...options.bridge });
  const client = new OpenAI({ baseURL: `${bridge.baseUrl}/v1`, apiKey: bridge.tokenRequired() ? bridge.bridgeToken : 'bridge', maxRetries: 0 });
  return {
    fake,
    bridge,
    client,
    dir,
    authPath,
    async close() {
      await bridge.close(100);
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
