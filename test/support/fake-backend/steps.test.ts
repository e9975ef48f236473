import { gzipSync } from 'node:zlib';
import { Client, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classicBody, parseSse, send, startHarness, textOf, type Harness } from './test-helpers.js';

describe('scripted failure steps', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.backend.close());
  beforeEach(() => h.backend.reset());

  it('http_error answers the given status, body and headers, then the next request is normal', async () => {
    h.backend.enqueue({ kind: 'http_error', status: 503, body: { error: { code: 'server_is_overloaded', message: 'busy' } }, headers: { 'retry-after': '2' } });
    const failed = await h.postResponses(classicBody());
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('2');
    expect(JSON.parse(failed.text)).toEqual({ error: { code: 'server_is_overloaded', message: 'busy' } });
    expect((await h.postResponses(classicBody())).status).toBe(200);
  });

  it('usage_limit answers 429 with the real body and exhausted rate-limit headers', async () => {
    h.backend.enqueue({ kind: 'usage_limit', planType: 'plus', resetsInSeconds: 120 });
    const answer = await h.postResponses(classicBody());
    const now = Math.floor(Date.now() / 1000);
    expect(answer.status).toBe(429);
    const { error } = JSON.parse(answer.text) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'plus', resets_in_seconds: 120 });
    expect(error.resets_at).toBeGreaterThanOrEqual(now + 119);
    expect(answer.headers).toMatchObject({ 'x-codex-primary-used-percent': '100', 'x-codex-primary-reset-after-seconds': '120', 'x-codex-plan-type': 'plus' });
  });

  it('unauthorized answers 401 although the token is valid', async () => {
    h.backend.enqueue({ kind: 'unauthorized' });
    const answer = await h.postResponses(classicBody());
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ detail: 'Unauthorized' });
  });

  it('failed ends the stream with response.failed after the given deltas', async () => {
    h.backend.enqueue({ kind: 'failed', code: 'rate_limit_exceeded', message: 'Please try again in 1.5s.', afterDeltas: 2 });
    const events = parseSse((await h.postResponses(classicBody())).text);
    expect(events.filter((e) => e.data.type === 'response.output_text.delta')).toHaveLength(2);
    const last = events.at(-1)!.data;
    expect(last.type).toBe('response.failed');
    expect(last.response).toMatchObject({ status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Please try again in 1.5s.' } });
    expect(events.map((e) => e.data.type)).not.toContain('response.completed');
  });

  it('incomplete ends with response.incomplete and its reason', async () => {
    h.backend.enqueue({ kind: 'incomplete', reason: 'max_output_tokens', afterDeltas: 1 });
    const events = parseSse((await h.postResponses(classicBody())).text);
    const last = events.at(-1)!.data;
    expect(last.type).toBe('response.incomplete');
    expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    const itemDone = events.find((e) => e.data.type === 'response.output_item.done')!.data.item;
    expect(itemDone).toMatchObject({ status: 'incomplete' });
  });

  it('cut drops the connection mid-stream after the given deltas', async () => {
    h.backend.enqueue({ kind: 'cut', afterDeltas: 3 });
    const res = await request(`${h.backend.baseUrl}/codex/responses`, {
      method: 'POST',
      headers: h.headers,
      body: JSON.stringify(classicBody()),
    });
    expect(res.statusCode).toBe(200);
    let received = '';
    await expect(
      (async () => {
        for await (const chunk of res.body) received += (chunk as Buffer).toString();
      })(),
    ).rejects.toThrow();
    const events = parseSse(received);
    expect(events.filter((e) => e.data.type === 'response.output_text.delta')).toHaveLength(3);
    expect(events.map((e) => e.data.type)).not.toContain('response.completed');
  });

  it('stall holds the status line, or with afterHeaders the first event, then answers normally', async () => {
    h.backend.enqueue({ kind: 'stall', ms: 250 }, { kind: 'stall', ms: 250, afterHeaders: true });
    let started = Date.now();
    const res = await request(`${h.backend.baseUrl}/codex/responses`, { method: 'POST', headers: h.headers, body: JSON.stringify(classicBody()) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(textOf(parseSse(await res.body.text()))).toMatch(/^Hello from the fake backend/);

    started = Date.now();
    const early = await request(`${h.backend.baseUrl}/codex/responses`, { method: 'POST', headers: h.headers, body: JSON.stringify(classicBody()) });
    expect(Date.now() - started).toBeLessThan(200);
    expect(early.statusCode).toBe(200);
    const text = await early.body.text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(parseSse(text).at(-1)!.data.type).toBe('response.completed');
  });

  it('close() ends a stalled stream at once instead of waiting for it', async () => {
    const local = await startHarness();
    local.backend.enqueue({ kind: 'stall', ms: 60_000, afterHeaders: true });
    const res = await request(`${local.backend.baseUrl}/codex/responses`, {
      method: 'POST',
      headers: local.headers,
      body: JSON.stringify(classicBody()),
    });
    expect(res.statusCode).toBe(200);
    const body = res.body.text();
    const started = Date.now();
    await local.backend.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(body).rejects.toThrow();
  });

  it('paced streams N deltas about intervalMs apart', async () => {
    h.backend.enqueue({ kind: 'paced', deltas: 6, intervalMs: 20 });
    const started = Date.now();
    const events = parseSse((await h.postResponses(classicBody())).text);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6 * 20 - 10);
    expect(events.filter((e) => e.data.type === 'response.output_text.delta')).toHaveLength(6);
    expect(events.at(-1)!.data.type).toBe('response.completed');
  });
});

describe('other routes and transport', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.backend.close());

  it('serves the catalog with an ETag and honours If-None-Match', async () => {
    const url = `${h.backend.baseUrl}/codex/models?client_version=0.171.0`;
    const answer = await send(url, 'GET', undefined, h.headers);
    expect(answer.status).toBe(200);
    const { models } = JSON.parse(answer.text) as { models: { slug: string }[] };
    expect(models.map((m) => m.slug)).toContain('gpt-5.5');
    expect(answer.headers.etag).toMatch(/^W\/"/);
    expect((await send(url, 'GET', undefined, { ...h.headers, 'if-none-match': answer.headers.etag! })).status).toBe(304);
    expect(h.backend.requests.at(-1)!.query).toEqual({ client_version: '0.171.0' });
    expect((await send(url, 'GET', undefined, { 'chatgpt-account-id': 'acct-123' })).status).toBe(401);
  });

  it('serves wham/usage in the captured shape', async () => {
    const answer = await send(`${h.backend.baseUrl}/wham/usage`, 'GET', undefined, h.headers);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({
      plan_type: 'pro',
      rate_limit: {
        allowed: true,
        limit_reached: false,
        primary_window: { used_percent: 10, limit_window_seconds: 18000, reset_after_seconds: 3600 },
        secondary_window: { used_percent: 5, limit_window_seconds: 604800, reset_after_seconds: 86400 },
      },
      credits: { has_credits: false, unlimited: false, balance: '0' },
    });
  });

  it('decodes compressed request bodies and refuses encodings it cannot read', async () => {
    const body = gzipSync(JSON.stringify(classicBody()));
    const url = `${h.backend.baseUrl}/codex/responses`;
    const ok = await request(url, { method: 'POST', headers: { ...h.headers, 'content-encoding': 'gzip' }, body });
    expect(ok.statusCode).toBe(200);
    expect(textOf(parseSse(await ok.body.text()))).toBe('Hello from the fake backend. You said: say hi');
    expect(h.backend.responsesRequests().at(-1)!.body).toEqual(classicBody());
    const refused = await request(url, { method: 'POST', headers: { ...h.headers, 'content-encoding': 'compress' }, body });
    expect(refused.statusCode).toBe(415);
    await refused.body.text();
  });

  it('answers unknown routes 404 and wrong methods 405, as JSON', async () => {
    const missing = await send(`${h.backend.baseUrl}/wham/accounts/check`, 'GET', undefined, h.headers);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ detail: 'Not Found' });
    expect((await send(`${h.backend.baseUrl}/codex/responses`, 'GET', undefined, h.headers)).status).toBe(405);
  });

  it('counts TCP connections, not requests, so keep-alive reuse is visible', async () => {
    const before = h.backend.connectionCount;
    const client = new Client(h.backend.origin);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await client.request({ path: '/backend-api/codex/responses', method: 'POST', headers: h.headers, body: JSON.stringify(classicBody()) });
        await res.body.text();
      }
      expect(h.backend.connectionCount).toBe(before + 1);
    } finally {
      await client.close();
    }
    const other = new Client(h.backend.origin);
    try {
      await (await other.request({ path: '/backend-api/wham/usage', method: 'GET', headers: h.headers })).body.text();
      expect(h.backend.connectionCount).toBe(before + 2);
    } finally {
      await other.close();
    }
  });
});
