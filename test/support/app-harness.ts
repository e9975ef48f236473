import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { createBridgeApp, openConfSettingsFile, type BridgeApp, type BridgeAppDeps } from '../../main/app/index.js';
import type { BridgeConfig } from '../../main/config/bridge-config.js';
import type { FakeBackend } from './fake-backend/server.js';
import { prepareHarness, type HarnessOptions } from './bridge-harness.js';
import { createCursorFixture, type FixtureOptions } from './cursor-fixture.js';

export interface AppHarness {
  fake: FakeBackend;
  /** Started: the bridge listens on an ephemeral loopback port in front of the fake backend. */
  app: BridgeApp;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** The official openai SDK pointed at the bridge with its token. */
  client: OpenAI;
  dir: string;
  authPath: string;
  /** Cursor's database, when asked for (`cursor`); CODEX_BRIDGE_CURSOR_DB names it. */
  cursorDb: string;
  /** What the app was started with (port 0: a second app gets a port of its own). */
  config: BridgeConfig;
  close(): Promise<void>;
}

export interface AppHarnessOptions extends Omit<HarnessOptions, 'bridge'> {
  app?: Partial<Omit<BridgeAppDeps, 'config'>>;
  /** A realistic Cursor database in the harness's directory (`createCursorFixture`'s options). */
  cursor?: FixtureOptions;
}

const TEST_REMEDIES = { otherPort: 'pick another port', loopbackHost: 'use 127.0.0.1' };

/** The application layer as every surface runs it, started against the fake backend. */
export async function startAppHarness(options: AppHarnessOptions = {}): Promise<AppHarness> {
  const { fake, dir, authPath, config } = await prepareHarness(options);
  const cursorDir = path.join(dir, 'cursor');
  mkdirSync(cursorDir);
  const cursorDb = options.cursor ? createCursorFixture(cursorDir, options.cursor) : path.join(cursorDir, 'state.vscdb');
  const app = createBridgeApp({
    config,
    listenRemedies: TEST_REMEDIES,
    openSettingsFile: openConfSettingsFile,
    ...options.app,
    env: { PATH: '', CODEX_BRIDGE_CURSOR_DB: cursorDb, ...options.app?.env },
  });
  const started = await app.start();
  if (!started.ok) throw new Error(started.message);
  const baseUrl = app.state.get().server.baseUrl!;
  return {
    fake,
    app,
    baseUrl,
    client: new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: app.token(), maxRetries: 0 }),
    dir,
    authPath,
    cursorDb,
    config,
    async close() {
      await app.stop();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
