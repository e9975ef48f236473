/** The settings use cases through the application layer, on a real bridge in front of the fake backend. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startAppHarness, type AppHarness } from '../../test/support/app-harness.js';
import { FakeTunnelProvider } from '../../test/support/fake-tunnel.js';
import { freePort } from '../../test/support/free-port.js';
import { TunnelError } from '../tunnel/tunnel-provider.js';
import { createBridgeApp } from './bridge-app.js';
import { openConfSettingsFile } from './index.js';

let h: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const home = (harness: AppHarness): string => path.join(harness.dir, 'bridge-home');
const fileOf = (harness: AppHarness): Record<string, unknown> => JSON.parse(readFileSync(path.join(home(harness), 'settings.json'), 'utf8')) as Record<string, unknown>;

/** ngrok as the app would run it: no authtoken, no tunnel (a user must act); with one, the fake tunnel. */
function ngrokLike(online: FakeTunnelProvider) {
  return (settings: { authtoken?: string }) =>
    settings.authtoken === '2abcTOKEN'
      ? online
      : {
          name: 'fake',
          start: () => Promise.reject(new TunnelError('ngrok needs an authtoken.', { code: 'ngrok_authtoken_missing', hint: 'Enter your ngrok authtoken in Settings.', retryable: false })),
        };
}

describe('settings', () => {
  it('shows every key with the value in force and where secrets are kept', async () => {
    h = await startAppHarness();
    expect(h.app.getSettings()).toMatchObject({
      path: path.join(home(h), 'settings.json'),
      port: h.config.port,
      host: '127.0.0.1',
      requireToken: false,
      allowedOrigins: [],
      tunnelProvider: 'ngrok',
      ngrokAuthtokenSet: false,
      tunnelDomain: '',
      modelOverrides: {},
      reasoningSummaries: false,
      idleTimeoutMs: 300_000,
      startAtLogin: false,
      historyRetentionDays: 90,
      usageLimitFallback: '',
      secretsStorage: 'file',
    });
    expect(h.app.state.get().settings.secretsStorage).toBe('file');
  });

  it('says what is in force at once and what needs a restart; the token requirement applies to the next request', async () => {
    h = await startAppHarness();
    expect((await fetch(`${h.baseUrl}/v1/models`)).status).toBe(200);
    const outcome = h.app.updateSettings({ requireToken: true, port: 7799, reasoningSummaries: true, tunnelDomain: 'me.ngrok.app' });
    expect(outcome).toMatchObject({ ok: true, restartNeeded: ['port'] });
    expect(outcome.message).toBe(
      'Saved. In force now: token requirement and reasoning summaries. Reserved domain: used when the tunnel starts. Port: in force after the bridge restarts.',
    );
    expect(fileOf(h)).toMatchObject({ requireToken: true, port: 7799, reasoningSummaries: true, tunnel: { domain: 'me.ngrok.app' } });
    // The bridge looks at the file at most once a second.
    await vi.waitFor(async () => expect((await fetch(`${h!.baseUrl}/v1/models`)).status).toBe(401), { timeout: 3_000 });
    expect(h.app.getSettings()).toMatchObject({ requireToken: true, port: 7799, tunnelDomain: 'me.ngrok.app' });
  });

  it('refuses a bad value in words, names the field, and leaves the file as it was', async () => {
    h = await startAppHarness();
    h.app.updateSettings({ historyRetentionDays: 30 });
    const before = readFileSync(path.join(home(h), 'settings.json'), 'utf8');
    const outcome = h.app.updateSettings({ usageLimitFallback: 'gpt-4o', historyRetentionDays: 10 });
    expect(outcome).toMatchObject({ ok: false, field: 'usageLimitFallback', restartNeeded: [] });
    expect(outcome.message).toMatch(/^Not saved: "onUsageLimit.fallback" is not a bridge alias; known aliases: bridge-pro-medium, /);
    expect(h.app.updateSettings({ port: 70_000 })).toMatchObject({ ok: false, field: 'port', message: 'Not saved: "port" must be a port number from 0 to 65535 (got 70000)' });
    expect(readFileSync(path.join(home(h), 'settings.json'), 'utf8')).toBe(before);
  });

  it('replaces the whole override table and clears a text field back to its default', async () => {
    h = await startAppHarness();
    h.app.updateSettings({ modelOverrides: { 'bridge-fast': { slug: 'gpt-5.5' }, 'bridge-mini': { effort: 'low' } }, usageLimitFallback: 'bridge-mini' });
    expect(fileOf(h)).toMatchObject({ modelOverrides: { 'bridge-fast': { slug: 'gpt-5.5' }, 'bridge-mini': { effort: 'low' } }, onUsageLimit: { fallback: 'bridge-mini' } });
    const outcome = h.app.updateSettings({ modelOverrides: { 'bridge-mini': { effort: 'high', slug: '' } }, usageLimitFallback: '' });
    expect(outcome.settings.modelOverrides).toEqual({ 'bridge-mini': { effort: 'high' } });
    expect(fileOf(h).onUsageLimit).toBeUndefined();
    expect(outcome.settings.usageLimitFallback).toBe('');
  });

  it('keeps the ngrok authtoken out of settings.json (0600 file), and a failed tunnel comes up on Retry once it is entered', async () => {
    const online = new FakeTunnelProvider();
    h = await startAppHarness({ app: { tunnelProvider: ngrokLike(online) } });
    const failed = await h.app.setTunnel(true);
    expect(failed).toMatchObject({ ok: false, tunnel: { state: 'failed' } });
    expect(failed.message).toBe('Public tunnel (fake) failed: ngrok needs an authtoken. Enter your ngrok authtoken in Settings.');
    // The failed tunnel gave up: local clients need no token again (README: the bridge keeps serving on localhost).
    expect(h.app.state.get().server.tokenRequired).toBe(false);
    expect((await fetch(`${h.baseUrl}/v1/models`)).status).toBe(200);

    const saved = h.app.updateSettings({ ngrokAuthtoken: ' 2abcTOKEN ' });
    expect(saved.message).toBe('Saved. Ngrok authtoken: used when the tunnel next starts (press Retry, or turn it off and on).');
    expect(saved.settings.ngrokAuthtokenSet).toBe(true);
    expect(JSON.stringify(fileOf(h))).not.toContain('2abcTOKEN');
    const secret = path.join(home(h), 'ngrok-authtoken');
    expect(readFileSync(secret, 'utf8').trim()).toBe('2abcTOKEN');
    if (process.platform !== 'win32') expect(statSync(secret).mode & 0o777).toBe(0o600);

    const retried = await h.app.setTunnel(true);
    expect(retried).toMatchObject({ ok: true, tunnel: { state: 'online', url: `${online.publicUrl}/v1` } });
    expect(h.app.state.get().server.tokenRequired).toBe(true);

    h.app.updateSettings({ ngrokAuthtoken: '' });
    expect(existsSync(secret)).toBe(false);
  });

  it('the saved port is used from the next start, unless a flag or the environment names one', async () => {
    h = await startAppHarness();
    const port = await freePort();
    expect(h.app.updateSettings({ port }).restartNeeded).toEqual(['port']);
    const deps = { env: {}, listenRemedies: { otherPort: '', loopbackHost: '' }, openSettingsFile: openConfSettingsFile };
    const next = createBridgeApp({ ...deps, config: { ...h.config, addressGiven: { port: false, host: false } } });
    expect((await next.start()).message).toBe(`Serving http://127.0.0.1:${port}/v1`);
    await next.stop();
    const flagged = createBridgeApp({ ...deps, config: { ...h.config, port: 0, addressGiven: { port: true, host: true } } });
    expect((await flagged.start()).message).not.toBe(`Serving http://127.0.0.1:${port}/v1`);
    await flagged.stop();
  });
});
