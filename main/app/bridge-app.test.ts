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
import { openHistoryStore } from '../history/history-store.js';
import { openConfSettingsFile, SHUTDOWN_GRACE_MS, STOPPED_WAITING, windowSnapshot } from './index.js';

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
    expect(preview.summary).toBe('Sets the base URL to http://192.168.1.5:7711/v1, turns the OpenAI key on, adds 11 models.');
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

/** What the system browser does with the authorize URL: follow it to the issuer, which redirects to the callback. */
const followInBrowser = async (url: string): Promise<boolean> => {
  setTimeout(() => void fetch(url).then((answer) => answer.text()), 10);
  return true;
};

describe('signing in and out through the app', () => {
  it('with no login, signIn(browser) opens the browser, shows the progress, and reads the new login and catalog into the state', async () => {
    const opened: string[] = [];
    h = await startAppHarness({
      signedOut: true,
      app: { signIn: { callbackPorts: [0] }, openBrowser: (url) => (opened.push(url), followInBrowser(url)) },
    });
    const { app } = h;
    expect(app.state.get().login.state).toBe('missing');
    expect(app.state.get().catalog.state).not.toBe('live');
    const seen: string[] = [];
    app.state.subscribe((next, previous) => {
      if (next.signIn !== previous.signIn && next.signIn) seen.push(next.signIn.state);
    });
    const outcome = await app.signIn({ method: 'browser' });
    expect(outcome).toMatchObject({ ok: true, message: expect.stringContaining('Signed in with ChatGPT (dev@example.com, Pro)') });
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatch(/\/oauth\/authorize\?/);
    expect(seen).toEqual(['starting', 'waiting-browser', 'done']);
    expect(app.state.get().login).toMatchObject({ state: 'ok', email: 'dev@example.com', planType: 'pro' });
    expect(app.state.get().catalog.state).toBe('live');
    expect((await h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] })).choices).toHaveLength(1);

    const out = await app.signOut();
    expect(out.ok).toBe(true);
    expect(out.message).toMatch(/^Signed out: removed the login from .+ and revoked it at ChatGPT\.$/);
    expect(app.state.get().login.state).toBe('missing');
    expect(app.state.get().signIn).toBeUndefined();
  });

  it('a refused sign-in says so, a Cancel is marked as the user\'s choice, and the device code is shown', async () => {
    h = await startAppHarness({ signedOut: true, app: { signIn: { callbackPorts: [0] }, openBrowser: followInBrowser } });
    const { app } = h;
    h.fake.issuer.authorizeMode = 'deny';
    const refused = await app.signIn({ method: 'browser' });
    expect(refused.ok).toBe(false);
    expect(app.state.get().signIn).toEqual({ state: 'failed', message: refused.message, cancelled: false });
    expect(refused.message).toMatch(/denied|refused/i);

    const waiting = createBridgeApp({ config: h.config, env: {}, listenRemedies: { otherPort: '', loopbackHost: '' }, signIn: { callbackPorts: [0] }, openSettingsFile: openConfSettingsFile });
    const pending = waiting.signIn({ method: 'browser' });
    await vi.waitFor(() => expect(waiting.state.get().signIn).toMatchObject({ state: 'waiting-browser', opened: false }));
    waiting.cancelSignIn();
    expect(await pending).toEqual({ ok: false, message: 'Sign-in was cancelled.' });
    expect(waiting.state.get().signIn).toEqual({ state: 'failed', message: 'Sign-in was cancelled.', cancelled: true });

    const shown: unknown[] = [];
    app.state.subscribe((next) => shown.push(next.signIn));
    expect((await app.signIn({ method: 'device' })).ok).toBe(true);
    expect(shown).toContainEqual({ state: 'device-code', userCode: expect.any(String), verificationUrl: `${h.fake.origin}/codex/device` });
  });
});

describe('the usage limits and the public URL', () => {
  it('defect 6: after the checks, the meters show the same numbers as the usage check (not older ones from an answer)', async () => {
    h = await startAppHarness();
    await h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] });
    await vi.waitFor(() => expect(h!.app.state.get().limits?.windows[0]?.usedPercent).toBe(10));
    h.fake.rateLimits.primaryUsedPercent = 72;
    const { checks } = await h.app.checks();
    expect(checks.find((check) => check.id === 'usage-limits')?.detail).toMatch(/^5h window 72 % used/);
    expect(h.app.state.get().limits?.windows[0]?.usedPercent).toBe(72);
  });

  it('testPublicUrl: one real request through the tunnel with the token; without a tunnel, says to turn it on', async () => {
    const provider = new FakeTunnelProvider();
    h = await startAppHarness({ app: { tunnelProvider: provider, fetchPublic: provider.fetch } });
    expect(await h.app.testPublicUrl()).toEqual({ ok: false, message: 'Turn the public tunnel on first: the test goes through it.' });
    await h.app.setTunnel(true);
    const publicUrl = h.app.state.get().tunnel.publicUrl;
    const tested = await h.app.testPublicUrl();
    expect(tested.ok).toBe(true);
    expect(tested.message).toMatch(new RegExp(`^${publicUrl}/v1/models answered with \\d+ models: Cursor can reach the bridge\\.$`));
    h.app.rotateToken();
    expect((await h.app.testPublicUrl()).ok).toBe(true);
  });
});

describe('requests in the state', () => {
  it('a slow stream is in flight with growing chunks, then finishes into the recent ring', async () => {
    h = await startAppHarness();
    h.fake.enqueue({ kind: 'paced', deltas: 30, intervalMs: 40 });
    const stream = h.client.chat.completions.create({ model: 'bridge-fast', stream: true, messages: [{ role: 'user', content: 'slow' }] });
    const chunks: number[] = [];
    await vi.waitFor(() => {
      const [row] = h!.app.state.get().requests.inFlight;
      expect(row).toMatchObject({ path: '/v1/chat/completions', model: 'bridge-fast', stream: true, phase: 'streaming', attempts: 1 });
      chunks.push(row!.chunks ?? 0);
      expect(chunks.filter((count, i) => i > 0 && count > chunks[i - 1]!).length).toBeGreaterThan(0);
    }, { timeout: 5_000, interval: 100 });
    for await (const _chunk of await stream);
    await vi.waitFor(() => expect(h!.app.state.get().requests.inFlight).toEqual([]));
    const { recent, finished } = h.app.state.get().requests;
    expect(finished).toBe(1);
    expect(recent.at(-1)).toMatchObject({ status: 200, model: 'bridge-fast', stream: true });
    expect(recent.at(-1)!.chunks).toBeGreaterThan(Math.max(...chunks));
    expect(h.app.recentRequests()).toEqual(recent);
  });

  it('a retried request shows its attempts while still in flight', async () => {
    h = await startAppHarness();
    // The retry waits 1.5 s for its status line: the second attempt must show while it is being sent.
    h.fake.enqueue({ kind: 'http_error', status: 503, body: { detail: 'overloaded' } }, { kind: 'stall', ms: 1_500 });
    const answer = h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'retry me' }] });
    await vi.waitFor(() => expect(h!.app.state.get().requests.inFlight[0]?.attempts).toBe(2), { timeout: 5_000, interval: 50 });
    expect(h.app.state.get().requests.inFlight[0]?.phase).toBe('waiting');
    expect(h.app.state.get().requests.finished).toBe(0);
    await answer;
    await vi.waitFor(() => expect(h!.app.state.get().requests.last).toMatchObject({ status: 200, attempts: 2 }));
  });
});

describe('usage history use cases', () => {
  const HOUR = 60 * 60 * 1000;
  function seed(home: string, now: number): void {
    const store = openHistoryStore(home)!;
    store.write({
      requests: [
        { id: 'old', at: now - 3 * HOUR, frontEnd: 'messages', alias: 'bridge-pro-high', model: 'gpt-x', status: 200, totalMs: 900.4, inputTokens: 1000, cachedTokens: 600, outputTokens: 40, reasoningTokens: 10, userAgent: 'claude-cli/2', effort: 'high', tier: 'default', attempts: 1, stream: true, bridgeMs: 0.5, upstreamMs: 300, firstTokenMs: 420 },
        { id: 'new', at: now - HOUR, frontEnd: 'chat', alias: 'bridge-fast', model: 'gpt-y', status: 429, errorCode: 'usage_limit_reached', totalMs: 12, attempts: 1 },
      ],
      limits: [
        { at: now - 40 * 60_000, window: 'primary', windowMinutes: 300, usedPercent: 20, resetsAt: now + 4 * HOUR },
        { at: now - 10 * 60_000, window: 'primary', windowMinutes: 300, usedPercent: 50, resetsAt: now + 4 * HOUR },
      ],
    });
    store.close();
  }

  it('past requests come back from history, newest first, in pages', async () => {
    h = await startAppHarness();
    const now = Date.now();
    seed(h.config.home, now);
    const [newest, older] = h.app.requestHistory(10);
    expect(newest).toMatchObject({ id: 'new', path: '/v1/chat/completions', status: 429, error: 'usage_limit_reached', fromHistory: true });
    expect(older).toEqual({
      id: 'old', at: new Date(now - 3 * HOUR).toISOString(), method: 'POST', path: '/v1/messages', status: 200, latencyMs: 900, frontEnd: 'messages',
      model: 'bridge-pro-high', upstreamModel: 'gpt-x', stream: true, attempts: 1, promptTokens: 1000, cachedTokens: 600, outputTokens: 40, reasoningTokens: 10,
      userAgent: 'claude-cli/2', effort: 'high', tier: 'default', bridgeMs: 0.5, upstreamMs: 300, firstTokenMs: 420, fromHistory: true,
    });
    expect(h.app.requestHistory(10, now - 2 * HOUR).map((row) => row.id)).toEqual(['old']);
    expect(h.app.requestHistory(1).map((row) => row.id)).toEqual(['new']);
  });

  it('the usage report totals the period and labels the limit readings; the forecast reaches the state and the snapshot', async () => {
    h = await startAppHarness();
    const now = Date.now();
    seed(h.config.home, now);
    const report = h.app.usageReport(7);
    expect(report.days).toBe(7);
    expect(report.total).toMatchObject({ requests: 2, errors: 1, inputTokens: 1000, cachedTokens: 600, cachedShare: 0.6 });
    expect(report.dayModels.map((row) => row.model).sort()).toEqual(['gpt-x', 'gpt-y']);
    expect(report.limits).toEqual([
      { at: now - 40 * 60_000, label: '5h', usedPercent: 20, resetsAt: now + 4 * HOUR },
      { at: now - 10 * 60_000, label: '5h', usedPercent: 50, resetsAt: now + 4 * HOUR },
    ]);
    // 30 points in 30 minutes: the rest of the window goes in 50 more minutes, before its reset.
    expect(report.forecasts).toEqual([{ label: '5h', text: expect.stringMatching(/^at this pace the 5h window runs out at \d\d:\d\d/) }]);
    await h.app.refresh();
    expect(h.app.state.get().forecasts).toEqual(report.forecasts);
    expect(windowSnapshot(h.app.state.get()).forecasts).toEqual(report.forecasts);
  });
});
