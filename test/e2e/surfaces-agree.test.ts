/**
 * Every use case the CLI and the window both offer gives the same outcome, word for word, through the application
 * layer itself, through the CLI command, and through the window's API (what IPC and the tray call).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tunnelLine, type CursorOutcome } from '../../main/app/index.js';
import type { CliContext } from '../../main/cli/cli-context.js';
import { runCli } from '../../main/cli/index.js';
import { createWindowApi } from '../../main/electron/window-api.js';
import type { BridgeApi } from '../../shared/bridge-api.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { FakeTunnelProvider } from '../support/fake-tunnel.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const cursorClosed = { isCursorRunning: async () => false };

/** The app harness with a Cursor database, the window's API on it, and a CLI environment naming the same files. */
async function surfaces(tunnelProvider = new FakeTunnelProvider()) {
  h = await startAppHarness({ cursor: {}, app: { tunnelProvider, cursorProbe: cursorClosed } });
  const dbPath = h.cursorDb;
  const window: BridgeApi = createWindowApi(h.app, { copyText: () => undefined });
  const env: NodeJS.ProcessEnv = {
    PATH: '',
    CODEX_BRIDGE_UPSTREAM: h.fake.baseUrl,
    CODEX_REFRESH_TOKEN_URL_OVERRIDE: h.fake.tokenUrl,
    CODEX_AUTH_PATH: h.authPath,
    CODEX_BRIDGE_HOME: h.config.home,
    CODEX_BRIDGE_CURSOR_DB: dbPath,
  };
  return { app: h.app, window, env, dbPath, tunnelProvider };
}

async function cli(env: NodeJS.ProcessEnv, argv: string[], extra: Partial<CliContext> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { env, stdout: (t) => out.push(t), stderr: (t) => err.push(t), stopSignal: new Promise(() => {}), cursorProbe: cursorClosed, ...extra });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const firstLine = (text: string): string => text.split('\n')[0]!;

describe('the CLI and the window give the same outcome as the application layer', () => {
  it('Cursor: preview, configure, undo, and configure without a public URL', async () => {
    const { app, window, env, dbPath } = await surfaces();
    await window.setTunnel(true);
    // A running bridge records its public URL for `configure-cursor` in another process.
    await vi.waitFor(() => expect(existsSync(path.join(env.CODEX_BRIDGE_HOME!, 'public-url'))).toBe(true));

    const preview: CursorOutcome = await app.previewCursor();
    expect(preview.message).toBe(`Dry run, nothing was written. Configuring Cursor would change ${dbPath}:`);
    const cliPreview = await cli(env, ['configure-cursor', '--dry-run']);
    expect(cliPreview.out.split('\n')).toEqual([preview.message, ...preview.diff.map((line) => `  ${line}`)]);
    expect(await window.configureCursor(true)).toMatchObject({ message: preview.message, diff: preview.diff });

    const viaApp = [(await app.configureCursor()).message, (await app.undoCursor()).message];
    const viaCli = [firstLine((await cli(env, ['configure-cursor'])).out), firstLine((await cli(env, ['configure-cursor', '--undo'])).out)];
    const viaWindow = [(await window.configureCursor(false)).message, (await window.undoCursor()).message];
    expect(viaApp[0]).toContain('Cursor now uses the bridge at https://');
    expect(viaCli).toEqual(viaApp);
    expect(viaWindow).toEqual(viaApp);

    await window.setTunnel(false);
    const none = await app.configureCursor();
    expect(none.reason).toBe('no-public-url');
    expect((await cli(env, ['configure-cursor'])).err).toContain(none.message);
    expect((await window.configureCursor(false)).message).toBe(none.message);
  });

  it('checks: the same rows, the same words', async () => {
    const { app, window, env } = await surfaces();
    const rows = (await app.checks()).checks;
    const stable = rows.filter((row) => ['node', 'codex-cli', 'auth-file', 'plan', 'upstream'].includes(row.id));
    expect(stable).toHaveLength(5);
    const windowRows = await window.runChecks();
    for (const row of stable) expect(windowRows.find((other) => other.id === row.id)).toEqual(row);
    const doctor = await cli(env, ['doctor', '--port', '0']);
    for (const row of stable) expect(doctor.out).toContain(`${row.ok ? 'ok  ' : 'FAIL'}  ${row.title}: ${row.detail}`);
  });

  it('tunnel: the line the CLI prints is the outcome the app gives and the line the tray shows', async () => {
    const refuse = (provider: FakeTunnelProvider): FakeTunnelProvider => {
      provider.failNextStarts(1, 'no ngrok authtoken: set NGROK_AUTHTOKEN', { retryable: false });
      return provider;
    };
    const { app, window, env, tunnelProvider } = await surfaces(refuse(new FakeTunnelProvider()));
    const outcome = await app.setTunnel(true);
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('Public tunnel (fake) failed: no ngrok authtoken: set NGROK_AUTHTOKEN') });
    await app.setTunnel(false);
    refuse(tunnelProvider);
    expect(tunnelLine(await window.setTunnel(true))).toBe(outcome.message);

    let stop!: (signal: string) => void;
    const serve = cli(env, ['--tunnel', '-p', '0', '--no-setup'], { tunnelProvider: refuse(new FakeTunnelProvider()), stopSignal: new Promise((resolve) => (stop = resolve)) });
    setTimeout(() => stop('SIGINT'), 500);
    const served = await serve;
    expect(served.code).toBe(0);
    expect(served.out.split('\n')).toContain(outcome.message);
  });

  it('token: what the window rotates is what the CLI prints', async () => {
    const { window, env } = await surfaces();
    const rotated = await window.rotateToken();
    expect((await cli(env, ['token'])).out).toBe(rotated);
  });
});
