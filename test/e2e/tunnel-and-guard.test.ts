import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { request } from 'undici';
import type { TunnelState } from '../../shared/bridge-api.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { startHarness, type Harness } from '../support/bridge-harness.js';
import { FakeTunnelProvider } from '../support/fake-tunnel.js';

let h: Harness | undefined;
let a: AppHarness | undefined;
afterEach(async () => {
  await h?.close();
  await a?.close();
  h = undefined;
  a = undefined;
});

async function post(url: string, headers: Record<string, string>, body: object = { model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] }) {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.statusCode, body: (await res.body.json()) as { error?: { code: string; message: string } } };
}

describe('Host and Origin guard (DNS rebinding, cross-site requests)', () => {
  it('refuses foreign Host names and foreign Origins, allows loopback names and allowed origins', async () => {
    h = await startHarness();
    const url = `${h.bridge.baseUrl}/v1/chat/completions`;
    const port = h.bridge.address.port;
    expect((await post(url, { host: 'attacker.example:7711' })).status).toBe(403);
    expect((await post(url, { host: 'attacker.example:7711' })).body.error?.code).toBe('host_not_allowed');
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'localhost']) expect((await post(url, { host })).status).toBe(200);
    const foreign = await post(url, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error?.code).toBe('origin_not_allowed');
    expect(h.fake.responsesRequests()).toHaveLength(3);

    h.bridge.settings.update({ allowedOrigins: ['http://localhost:3000'] });
    expect((await post(url, { origin: 'http://localhost:3000' })).status).toBe(200);
    const preflight = await request(url, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const deniedPreflight = await request(url, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(deniedPreflight.statusCode).toBe(403);
    expect(deniedPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('--require-token: /v1/* needs the bridge token even on localhost; /healthz stays open', async () => {
    h = await startHarness({ bridge: { requireToken: true } });
    const url = `${h.bridge.baseUrl}/v1/chat/completions`;
    expect((await post(url, {})).status).toBe(401);
    expect((await post(url, { authorization: 'Bearer sk-bridge-wrong' })).status).toBe(401);
    expect((await post(url, { authorization: `Bearer ${h.bridge.bridgeToken}` })).status).toBe(200);
    expect((await request(`${h.bridge.baseUrl}/healthz`)).statusCode).toBe(200);
    const models = await request(`${h.bridge.baseUrl}/v1/models`);
    expect(models.statusCode).toBe(401);
    await models.body.dump();
  });

  it('lets a trusted browser origin through CORS while a token is required (preflight, then the real call)', async () => {
    h = await startHarness({ bridge: { requireToken: true }, settings: { allowedOrigins: ['http://localhost:5173'] } });
    const url = `${h.bridge.baseUrl}/v1/chat/completions`;
    const origin = 'http://localhost:5173';
    const preflight = await request(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(preflight.headers['access-control-allow-headers']).toBe('authorization, content-type, x-stainless-os');
    const denied = await request(url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{}' });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe(origin);
    await denied.body.dump();
    const allowed = await post(url, { origin, authorization: `Bearer ${h.bridge.bridgeToken}` });
    expect(allowed.status).toBe(200);
  });
});

describe('public tunnel (through the application layer, as every surface turns it on)', () => {
  const backoff = { initialMs: 10, maxMs: 50 };

  it('requires the bearer token through the tunnel, accepts the tunnel host, and follows a reconnect to a new URL', async () => {
    const provider = new FakeTunnelProvider();
    a = await startAppHarness({ app: { tunnelProvider: provider, tunnelBackoff: backoff } });
    const { app, baseUrl } = a;
    const token = app.token();
    const statuses: TunnelState[] = [];
    app.state.subscribe((next) => statuses.push(next.tunnel.state));
    const first = await app.setTunnel(true);
    expect(first.tunnel.state).toBe('online');
    expect(first.tunnel.url).toBe(`${provider.publicUrl}/v1`);

    const viaTunnel = `${provider.localUrl}/v1/chat/completions`;
    expect((await post(viaTunnel, {})).status).toBe(401);
    expect((await post(viaTunnel, { authorization: 'Bearer nope' })).body.error?.code).toBe('invalid_api_key');
    const sdk = new OpenAI({ baseURL: `${provider.localUrl}/v1`, apiKey: token, maxRetries: 0 });
    const answer = await sdk.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'through the tunnel' }] });
    expect(answer.choices[0]!.message.content).toContain('through the tunnel');
    // Anything arriving through a tunnel looks local, so localhost needs the token too while it is up.
    expect((await post(`${baseUrl}/v1/chat/completions`, {})).status).toBe(401);
    expect(app.state.get().server.tokenRequired).toBe(true);

    const oldHost = new URL(first.tunnel.url!).host;
    await provider.drop();
    await waitFor(() => app.state.get().tunnel.state === 'online' && app.state.get().tunnel.url !== first.tunnel.url);
    expect(statuses).toContain('reconnecting');
    const newHost = new URL(app.state.get().tunnel.url!).host;
    expect(newHost).not.toBe(oldHost);
    expect((await post(`${provider.localUrl}/v1/chat/completions`, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await post(`${baseUrl}/v1/chat/completions`, { host: oldHost, authorization: `Bearer ${token}` })).status).toBe(403);

    const off = await app.setTunnel(false);
    expect(off.message).toBe('Public tunnel (fake): off');
    expect(app.state.get().server.tokenRequired).toBe(false);
    expect((await post(`${baseUrl}/v1/chat/completions`, {})).status).toBe(200);
  });

  it('keeps serving localhost when the tunnel cannot start, with the reason', async () => {
    const provider = new FakeTunnelProvider();
    provider.failNextStarts(1, 'no ngrok authtoken: set NGROK_AUTHTOKEN', { retryable: false });
    a = await startAppHarness({ app: { tunnelProvider: provider, tunnelBackoff: backoff } });
    const outcome = await a.app.setTunnel(true);
    expect(outcome.ok).toBe(false);
    expect(outcome.tunnel.state).toBe('failed');
    expect(outcome.message).toContain('NGROK_AUTHTOKEN');
    expect((await post(`${a.baseUrl}/v1/chat/completions`, { authorization: `Bearer ${a.app.token()}` })).status).toBe(200);
  });

  it('sends keep-alive comments through the tunnel while the backend is silent', async () => {
    const provider = new FakeTunnelProvider();
    a = await startAppHarness({ app: { tunnelProvider: provider, server: { keepAliveMs: 40 } } });
    await a.app.setTunnel(true);
    a.fake.enqueue({ kind: 'stall', ms: 250, afterHeaders: true });
    const res = await request(`${provider.localUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.app.token()}` },
      body: JSON.stringify({ model: 'bridge-fast', stream: true, messages: [{ role: 'user', content: 'slow' }] }),
    });
    const text = await res.body.text();
    expect(text.match(/^: keep-alive$/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
