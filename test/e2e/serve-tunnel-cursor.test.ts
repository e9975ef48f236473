import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/index.js';
import type { CliContext } from '../../main/cli/cli-context.js';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend/server.js';
import { FakeTunnelProvider } from '../support/fake-tunnel.js';
import { createCursorFixture, readApplicationUser } from '../support/cursor-fixture.js';

let fake: FakeBackend;
let dir: string;
let env: NodeJS.ProcessEnv;
const cursorClosed = { isCursorRunning: async () => false };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-serve-tunnel-'));
  fake = await startFakeBackend();
  await fake.tokens.writeAuthFile(path.join(dir, 'auth.json'));
  env = {
    PATH: process.env.PATH,
    CODEX_BRIDGE_UPSTREAM: fake.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
    CODEX_AUTH_PATH: path.join(dir, 'auth.json'),
    CODEX_BRIDGE_HOME: path.join(dir, 'home'),
    CODEX_BRIDGE_CURSOR_DB: createCursorFixture(dir),
  };
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(argv: string[], extra: Partial<CliContext> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = { env, stdout: (t) => out.push(t), stderr: (t) => err.push(t), stopSignal: new Promise(() => {}), cursorProbe: cursorClosed, ...extra };
  return { out, err, done: runCli(argv, ctx) };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

function cursorBaseUrl(): unknown {
  return (readApplicationUser(env.CODEX_BRIDGE_CURSOR_DB!) as Record<string, unknown>).openAIBaseUrl;
}

describe('serve --tunnel, then configure-cursor, then a rotated URL', () => {
  it('shows the public URL, token and Cursor steps; configure-cursor uses that URL; a new URL is re-applied to Cursor', async () => {
    const provider = new FakeTunnelProvider();
    let stop!: (s: string) => void;
    const serve = cli(['--tunnel', '-p', '0'], { tunnelProvider: provider, stopSignal: new Promise((r) => (stop = r)) });
    await until(() => serve.out.some((line) => line.includes('Requests:')));
    const card = serve.out.join('\n');
    const publicV1 = `${provider.publicUrl}/v1`;
    expect(card).toContain(`Override OpenAI Base URL: ${publicV1}`);
    const token = (await runCliText(['token'])).trim();
    expect(card).toContain(token);

    const configure = cli(['configure-cursor']);
    expect(await configure.done).toBe(0);
    expect(cursorBaseUrl()).toBe(publicV1);
    expect(configure.out.join('\n')).toContain(token);

    await provider.drop();
    await until(() => serve.out.some((line) => line.includes('Cursor re-pointed')));
    expect(cursorBaseUrl()).toBe(`${provider.publicUrl}/v1`);
    expect(cursorBaseUrl()).not.toBe(publicV1);

    stop('SIGINT');
    expect(await serve.done).toBe(0);
    const afterStop = cli(['configure-cursor', '--dry-run']);
    expect(await afterStop.done).toBe(2);
    expect(afterStop.err.join('\n')).toContain('no public URL');
  });
});

async function runCliText(argv: string[]): Promise<string> {
  const run = cli(argv);
  expect(await run.done).toBe(0);
  return run.out.join('\n');
}
