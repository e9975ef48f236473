import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startHarness, type Harness } from '../support/bridge-harness.js';

let h: Harness;
let client: Anthropic;
beforeAll(async () => {
  h = await startHarness({ bridge: { keepAliveMs: 40 } });
  client = new Anthropic({ baseURL: h.bridge.baseUrl, apiKey: 'unused-on-localhost', maxRetries: 0 });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.fake.reset();
});

const HI = { model: 'bridge-codex', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };

async function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  const res = await request(`${h.bridge.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** Anthropic's error body and nothing else: `{"type":"error","error":{"type","message"}}`. */
function anthropicError(text: string): { type: string; message: string } {
  const body = JSON.parse(text) as { type: string; error: { type: string; message: string } };
  expect(Object.keys(body).sort()).toEqual(['error', 'type']);
  expect(body.type).toBe('error');
  expect(Object.keys(body.error).sort()).toEqual(['message', 'type']);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Anthropic.APIError);
  return error as InstanceType<typeof Anthropic.APIError>;
}

function errorType(error: InstanceType<typeof Anthropic.APIError>): string {
  return (error.error as { error: { type: string } }).error.type;
}

describe('/v1/messages errors in the Anthropic shape', () => {
  it('400 invalid_request_error for a bad body, naming the field; nothing forwarded', async () => {
    const error = await failure(client.messages.create({ ...HI, messages: [{ role: 'robot' as 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(errorType(error)).toBe('invalid_request_error');
    expect(error.message).toContain('messages[0].role');
    const raw = await post('/v1/messages', '{"model":');
    expect(raw.status).toBe(400);
    expect(anthropicError(raw.text).type).toBe('invalid_request_error');
    expect(h.fake.responsesRequests()).toHaveLength(0);
  });

  it('413 request_too_large for a body over the limit', async () => {
    const raw = await post('/v1/messages', Buffer.alloc(9 * 1024 * 1024, 0x20));
    expect(raw.status).toBe(413);
    expect(anthropicError(raw.text).type).toBe('request_too_large');
  });

  it('403 permission_error when the plan lacks Codex', async () => {
    h.fake.enqueue({ kind: 'http_error', status: 429, body: { error: { type: 'usage_not_included', message: 'no' } } });
    const error = await failure(client.messages.create(HI));
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(errorType(error)).toBe('permission_error');
  });

  it('429 rate_limit_error for a usage limit, with retry-after and the reset time in the message (streaming too)', async () => {
    h.fake.enqueue({ kind: 'usage_limit', planType: 'plus', resetsInSeconds: 7200 });
    const error = await failure(client.messages.create(HI));
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(errorType(error)).toBe('rate_limit_error');
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(7100);
    expect(error.message).toMatch(/resets at \d\d:\d\d/);

    h.fake.enqueue({ kind: 'usage_limit', planType: 'plus', resetsInSeconds: 60 });
    const streamed = await failure(client.messages.stream(HI).finalMessage());
    expect(streamed).toBeInstanceOf(Anthropic.RateLimitError);
  });

  it('529 overloaded_error when the backend is at capacity, api_error for other backend failures', async () => {
    h.fake.enqueue({ kind: 'failed', code: 'server_is_overloaded', message: 'busy' });
    const overloaded = await failure(client.messages.create(HI));
    expect(overloaded.status).toBe(529);
    expect(errorType(overloaded)).toBe('overloaded_error');

    // A generic failure is retried a few times before it reaches the client.
    for (let i = 0; i < 8; i++) h.fake.enqueue({ kind: 'failed', code: 'something_broke', message: 'boom' });
    const failed = await failure(client.messages.create(HI));
    expect(failed).toBeInstanceOf(Anthropic.InternalServerError);
    expect(errorType(failed)).toBe('api_error');
  });

  it('a stream that fails after output ends with `event: error`, which the SDK raises', async () => {
    h.fake.enqueue({ kind: 'failed', code: 'server_is_overloaded', message: 'busy', afterDeltas: 2 });
    const stream = client.messages.stream(HI);
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const error = await failure(stream.finalMessage());
    expect(texts.join('')).toBe('partial0 partial1 ');
    expect(errorType(error)).toBe('overloaded_error');

    h.fake.enqueue({ kind: 'cut', afterDeltas: 1 });
    const raw = await post('/v1/messages', JSON.stringify({ ...HI, stream: true }));
    expect(raw.status).toBe(200);
    expect(raw.text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]+"\}\}\n\n$/);
    expect(raw.text).not.toContain('message_stop');
  });

  it('fills long silences with ping events', async () => {
    h.fake.enqueue({ kind: 'stall', ms: 300, afterHeaders: true });
    const raw = await post('/v1/messages', JSON.stringify({ ...HI, stream: true }));
    expect(raw.text).toMatch(/^event: ping\ndata: \{"type":"ping"\}\n\n/m);
    expect(raw.text).toContain('event: message_stop');
  });

  it('an abort mid-stream cancels the upstream request and is logged as 499', async () => {
    h.fake.enqueue({ kind: 'paced', deltas: 400, intervalMs: 25 });
    const controller = new AbortController();
    const stream = client.messages.stream(HI, { signal: controller.signal });
    let deltas = 0;
    const aborted = (async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && ++deltas === 3) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(await aborted).toBeInstanceOf(Error);
    // The paced stream lasts 10 s; the request ends with the client, long before, because the upstream call is cut.
    const deadline = Date.now() + 3_000;
    while (!h.bridge.log.recent().some((entry) => entry.path === '/v1/messages' && entry.status === 499) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(h.bridge.log.recent().at(-1)).toMatchObject({ path: '/v1/messages', status: 499, error: 'client disconnected' });
  });
});

describe('/v1/messages behind the token guard', () => {
  let guarded: Harness;
  beforeAll(async () => {
    guarded = await startHarness({ bridge: { requireToken: true } });
  });
  afterAll(async () => {
    await guarded.close();
  });

  it('accepts the bridge token as x-api-key or as a bearer token, refuses a wrong or missing one with authentication_error', async () => {
    const baseURL = guarded.bridge.baseUrl;
    const token = guarded.bridge.bridgeToken;
    const viaKey = new Anthropic({ baseURL, apiKey: token, maxRetries: 0 });
    const viaBearer = new Anthropic({ baseURL, apiKey: null, authToken: token, maxRetries: 0 });
    expect((await viaKey.messages.create(HI)).content[0]).toMatchObject({ type: 'text' });
    expect((await viaBearer.messages.create(HI)).content[0]).toMatchObject({ type: 'text' });
    expect((await viaBearer.messages.countTokens({ model: HI.model, messages: HI.messages })).input_tokens).toBeGreaterThan(0);

    for (const wrong of [new Anthropic({ baseURL, apiKey: 'wrong', maxRetries: 0 }), new Anthropic({ baseURL, apiKey: null, authToken: 'wrong', maxRetries: 0 })]) {
      const error = await failure(wrong.messages.create(HI));
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(errorType(error)).toBe('authentication_error');
    }
    const res = await request(`${baseURL}/v1/messages/count_tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(HI) });
    expect(res.statusCode).toBe(401);
    expect(anthropicError(await res.body.text()).type).toBe('authentication_error');
  });
});
