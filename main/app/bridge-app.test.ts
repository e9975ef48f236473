/**
 * Each use case through the application layer itself, on a real bridge in front of the fake backend. The surfaces'
 * tests (main/cli, main/electron, test/renderer) and test/e2e/surfaces-agree.test.ts prove the adapters add no policy.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startAppHarness, type AppHarness } from '../../test/support/app-harness.js';
import { readApplicationUser } from '../../test/support/cursor-fixture.js';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';
import { createBridgeApp } from './bridge-app.js';
import { openConfSettingsFile, SHUTDOWN_GRACE_MS, STOPPED_WAITING } from './index.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const baseUrlIn = (dbPath: string): unknown => (readApplicationUser(dbPath) as Record<string, unknown>).openAIBaseUrl;

describe('start and stop', () => {
  it('start fills the state (server, login and plan, catalog and aliases); stop empties the server part', async () => {
    h = await startAppHarness();
    const state = h.app.state.get();
    expect(state.server).toMatchObject({ running: true, baseUrl: h.baseUrl, tokenRequired: false });
    expect(state.login).toMatchObject({ state: 'ok', email: 'dev@example.com', plan: 'Pro', planType: 'pro' });
    expect(state.catalog.state).toBe('live');
    expect(state.aliases.find((row) => row.alias === 'bridge-pro-high')?.slug).toBe('gpt-6.2-astra');
    expect(SHUTDOWN_GRACE_MS).toBe(5_000);
    expect((await h.app.stop()).message).toBe('The bridge has stopped.');
    expect(h.app.state.get().server.running).toBe(false);
    await expect(fetch(`${h.baseUrl}/healthz`)).rejects.toThrow();
  });

  it('a port in use: the outcome names it with the remedy the surface gave', async () => {
    h = await startAppHarness();
    const port = Number(new URL(h.baseUrl).port);
    const second = createBridgeApp({
      config: { ...(h.config), port },
      env: {},
      listenRemedies: { otherPort: 'choose another door', loopbackHost: 'stay home' },
      openSettingsFile: openConfSettingsFile,
    });
    expect(await second.start()).toEqual({ ok: false, message: `Port 127.0.0.1:${port} is already in use (another bridge?). Stop it, or choose another door.` });
  });
});

describe('the state drives the guard and its side effects', () => {
  it('a tunnel makes the token required and admits its host; a new URL re-points the Cursor the bridge configured', async () => {
    const provider = new FakeTunnelProvider();
    h = await startAppHarness({ cursor: {}, app: { tunnelProvider: provider, tunnelBackoff: { initialMs: 10, maxMs: 50 }, cursorProbe: { isCursorRunning: async () => false } } });
    const dbPath = h.cursorDb;
    const { app } = h;
    const on = await app.setTunnel(true);
    expect(on).toMatchObject({ ok: true, message: `Public tunnel (fake): ${provider.publicUrl}/v1` });
    expect(app.state.get().server.tokenRequired).toBe(true);
    expect((await fetch(`${provider.localUrl}/v1/models`)).status).toBe(401);
    expect((await fetch(`${provider.localUrl}/v1/models`, { headers: { authorization: `Bearer ${app.token()}` } })).status).toBe(200);
    const publicUrlFile = path.join(h.dir, 'bridge-home', 'public-url');
    await vi.waitFor(async () => expect((await readFile(publicUrlFile, 'utf8')).trim()).toBe(provider.publicUrl));

    expect((await app.configureCursor()).message).toBe(`Cursor now uses the bridge at ${provider.publicUrl}/v1.`);
    expect(app.state.get().cursor.configured).toBe(true);
    await provider.drop();
    await vi.waitFor(() => expect(app.state.get().cursor.notice?.text).toBe(`Cursor re-pointed at the new public URL ${provider.publicUrl}/v1.`));
    expect(baseUrlIn(dbPath)).toBe(`${provider.publicUrl}/v1`);

    expect((await app.setTunnel(false)).message).toBe('Public tunnel (fake): off');
    expect(app.state.get().server.tokenRequired).toBe(false);
    await expect(readFile(publicUrlFile, 'utf8')).rejects.toThrow();
  });

  it('a new login with another plan is read into the state, and the aliases are resolved again for that plan', async () => {
    h = await startAppHarness();
    expect(h.app.state.get().aliases.find((row) => row.alias === 'bridge-pro-high')?.slug).toBe('gpt-6.2-astra');
    await h.fake.tokens.writeAuthFile(h.authPath, { plan: 'free', email: 'free@example.com' });
    await h.app.refresh();
    expect(h.app.state.get().login).toMatchObject({ email: 'free@example.com', planType: 'free' });
    await vi.waitFor(() => expect(h!.app.state.get().aliases.find((row) => row.alias === 'bridge-pro-high')?.slug).toBe('gpt-6-astra'));
  });
});

describe('use cases', () => {
  it('checks: every row with a one-line verdict', async () => {
    h = await startAppHarness();
    const passing = await h.app.checks();
    // The Codex CLI is not needed (the bridge signs in itself): its absence is a note, not a failure.
    expect(passing.checks.find((check) => check.id === 'codex-cli')).toMatchObject({ ok: true });
    expect(passing.checks.find((check) => check.id === 'upstream')).toMatchObject({ ok: true });
    expect(passing).toMatchObject({ ok: true, message: 'All checks passed.' });

    await rm(h.authPath);
    const failing = await h.app.checks();
    expect(failing.checks.find((check) => check.id === 'auth-file')).toMatchObject({ ok: false });
    const failed = failing.checks.filter((check) => !check.ok).length;
    expect(failing).toMatchObject({ ok: false, message: `${failed} check${failed === 1 ? '' : 's'} failed.` });
  });

  it('rotateToken: the new token is required at once', async () => {
    h = await startAppHarness({ app: { requireToken: true } });
    const before = h.app.token();
    const rotated = h.app.rotateToken();
    expect(rotated.token).not.toBe(before);
    expect(rotated.message).toBe('The bridge token was replaced; clients must send the new one from now on.');
    expect((await fetch(`${h.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${before}` } })).status).toBe(401);
    expect((await fetch(`${h.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${rotated.token}` } })).status).toBe(200);
  });

  it('Cursor: no URL, a private URL (warned), preview, configure, undo, each with its message', async () => {
    h = await startAppHarness({ cursor: {}, app: { cursorProbe: { isCursorRunning: async () => false } } });
    const { app, cursorDb: dbPath } = h;
    expect(await app.configureCursor()).toMatchObject({ ok: false, reason: 'no-public-url' });
    expect(await app.configureCursor({ baseUrl: 'ftp://x' })).toMatchObject({ ok: false, reason: 'invalid-input' });
    const preview = await app.previewCursor({ baseUrl: 'http://192.168.1.5:7711' });
    expect(preview.message).toBe(`Dry run, nothing was written. Configuring Cursor would change ${dbPath}:`);
    expect(preview.warnings[0]).toMatch(/local or private address/);
    expect(baseUrlIn(dbPath)).toBeUndefined();
    const applied = await app.configureCursor({ baseUrl: 'https://bridge.example' });
    expect(applied).toMatchObject({ ok: true, message: 'Cursor now uses the bridge at https://bridge.example/v1.', warnings: [] });
    expect(applied.keyInstruction).toBe('Paste the bridge token into Cursor Settings → Models → OpenAI API Key');
    expect((await app.undoCursor()).message).toBe(`Restored Cursor's previous settings in ${dbPath}.`);
    expect(app.state.get().cursor.configured).toBe(false);
    expect(await app.undoCursor()).toMatchObject({ ok: false, reason: 'failed', message: expect.stringContaining('Nothing to undo') });
  });

  it('Cursor running: refused at once unless asked to wait; a wait shows in the state and ends on cancel', async () => {
    const probe = { running: true, isCursorRunning: async () => probe.running };
    h = await startAppHarness({ cursor: {}, app: { cursorProbe: probe } });
    const { app, cursorDb: dbPath } = h;
    expect(await app.configureCursor({ baseUrl: 'https://bridge.example' })).toMatchObject({ ok: false, reason: 'cursor-running' });
    const waiting = app.configureCursor({ baseUrl: 'https://bridge.example', waitForCursor: true });
    await vi.waitFor(() => expect(app.state.get().cursor.wait).toEqual({ attempt: 1, maxAttempts: 60, retryEveryMs: 2000 }));
    app.cancelCursorWait();
    expect(await waiting).toMatchObject({ ok: false, reason: 'cancelled', message: STOPPED_WAITING });
    expect(app.state.get().cursor.wait).toBeUndefined();
    expect(baseUrlIn(dbPath)).toBeUndefined();
  });

  it('settings: start at login needs a login item; restore turns it on at the first launch only, and brings the tunnel back', async () => {
    let atLogin = false;
    const loginItem = { isEnabled: () => atLogin, setEnabled: (enabled: boolean) => (atLogin = enabled) };
    h = await startAppHarness({ app: { loginItem, tunnelProvider: new FakeTunnelProvider() } });
    await h.app.restore();
    expect(atLogin).toBe(true);
    expect(h.app.updateSettings({ startAtLogin: false })).toMatchObject({ ok: true, settings: { startAtLogin: false }, message: 'The bridge does not start when you log in.' });
    await h.app.setTunnel(true);
    await h.app.stop();

    const relaunched = createBridgeApp({ config: h.config, env: {}, listenRemedies: { otherPort: '', loopbackHost: '' }, openSettingsFile: openConfSettingsFile, loginItem, tunnelProvider: new FakeTunnelProvider() });
    expect((await relaunched.start()).ok).toBe(true);
    expect((await relaunched.restore())?.tunnel.state).toBe('online');
    expect(atLogin).toBe(false);
    expect(relaunched.state.get().settings.startAtLogin).toBe(false);
    await relaunched.stop();

    const cli = createBridgeApp({ config: h.config, env: {}, listenRemedies: { otherPort: '', loopbackHost: '' }, openSettingsFile: openConfSettingsFile });
    expect(cli.updateSettings({ startAtLogin: true })).toMatchObject({ ok: false, message: 'Starting at login needs the desktop app.' });
    expect(JSON.parse(await readFile(path.join(h.dir, 'bridge-home', 'settings.json'), 'utf8')).startAtLogin).toBe(false);
  });
});
