import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI, { APIError } from 'openai';
import { request } from 'undici';
import { DEFAULT_BACKOFF } from '../../main/upstream/backoff.js';
import type { RequestLogEntry } from '../../main/server/request-log.js';
import { startHarness, type Harness } from '../support/bridge-harness.js';

const MODEL = 'bridge-fast';
const echo = (text: string): string => `Hello from the fake backend. You said: ${text}`;

async function failureOf(promise: Promise<unknown>): Promise<APIError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(OpenAI.APIError);
  return outcome as APIError;
}

/** Reads a chat stream to its end; returns the text that arrived and what ended it (undefined = a clean end). */
async function drainChat(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>): Promise<{ text: string; finish: string[]; error?: unknown }> {
  let text = '';
  const finish: string[] = [];
  try {
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0]?.finish_reason) finish.push(chunk.choices[0].finish_reason);
    }
    return { text, finish };
  } catch (error) {
    return { text, finish, error };
  }
}

/** Request-log entries written since the last `clear()`. */
function logSince(h: Harness): { entries: RequestLogEntry[]; clear(): void } {
  const entries: RequestLogEntry[] = [];
  h.bridge.log.subscribe((entry) => entries.push(entry));
  return { entries, clear: () => void entries.splice(0) };
}

async function lastLogEntry(log: { entries: RequestLogEntry[] }, path: string): Promise<RequestLogEntry> {
  // The entry is written when the server's handler unwinds, which may trail the client's last byte slightly.
  for (let i = 0; i < 50; i++) {
    const entry = log.entries.findLast((e) => e.path === path);
    if (entry) return entry;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no log entry for ${path}`);
}

const gapsBetween = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

/** The un-jittered waits between `tries` tries under DEFAULT_BACKOFF. */
const backoffTotalMs = (tries: number): number =>
  Array.from({ length: tries - 1 }, (_, i) => Math.min(DEFAULT_BACKOFF.maxDelayMs, DEFAULT_BACKOFF.initialDelayMs * 2 ** i)).reduce((a, b) => a + b, 0);

/**
 * A TCP relay in front of the fake backend that can lose requests the way a flaky network does: the connection
 * carrying one of the first `postsToDrop` POSTs is destroyed before a byte reaches the backend. GETs (the catalog
 * fetch) always pass. `close()` leaves a closed port behind.
 */
interface FlakyRelay {
  readonly port: number;
  /** Where the relay forwards to; set once the fake backend is up. */
  targetPort: number;
  postsToDrop: number;
  /** POSTs that reached the relay, dropped ones included. */
  postsSeen: number;
  close(): Promise<void>;
}

async function startFlakyRelay(): Promise<FlakyRelay> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): net.Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };
  const server = net.createServer((client) => {
    track(client);
    const upstream = track(net.connect(relay.targetPort, '127.0.0.1'));
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('data', (chunk: Buffer) => {
      if (chunk.subarray(0, 5).toString('latin1') === 'POST ' && ++relay.postsSeen <= relay.postsToDrop) return cut();
      upstream.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay: FlakyRelay = {
    port: (server.address() as net.AddressInfo).port,
    targetPort: 0,
    postsToDrop: 0,
    postsSeen: 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
  return relay;
}

describe('faults upstream', () => {
  let h: Harness;
  let log: ReturnType<typeof logSince>;
  beforeAll(async () => {
    h = await startHarness();
    log = logSince(h);
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.fake.reset();
    log.clear();
  });

  const ask = (text = 'hi') => h.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: text }] });
  const askStream = (text = 'hi') => h.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: text }], stream: true });

  describe('5xx before anything was relayed', () => {
    it('retries two 500s with the same body and answers from the third try', async () => {
      const error500 = { kind: 'http_error', status: 500, body: { detail: 'Internal Server Error' } } as const;
      h.fake.enqueue(error500, error500);
      const completion = await ask('third time lucky');
      expect(completion.choices[0]!.message.content).toBe(echo('third time lucky'));
      const seen = h.fake.responsesRequests();
      expect(seen).toHaveLength(3);
      expect(new Set(seen.map((r) => r.rawBody)).size).toBe(1);
      expect((await lastLogEntry(log, '/v1/chat/completions')).attempts).toBe(3);
    });

    it('gives up on persistent 500s after a bounded, exponentially spaced number of tries with a 502 JSON error', async () => {
      h.fake.enqueue(...Array.from({ length: 10 }, () => ({ kind: 'http_error', status: 500, body: { detail: 'Internal Server Error' } }) as const));
      const error = await failureOf(ask());
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(error.status).toBe(502);
      expect(error.type).toBe('upstream_error');
      expect(error.message).toMatch(/ChatGPT backend failed \(HTTP 500\).*gave up after 6 attempts/);
      const seen = h.fake.responsesRequests();
      expect(seen).toHaveLength(6);
      // ~200 ms, doubling each time (±10 % jitter): the Codex CLI's request backoff.
      const gaps = gapsBetween(seen.map((r) => r.receivedAt));
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(0.85 * DEFAULT_BACKOFF.initialDelayMs * 2 ** i));
      expect(gaps.at(-1)!).toBeLessThan(2.5 * DEFAULT_BACKOFF.initialDelayMs * 2 ** (gaps.length - 1));
    });

    it('one retry budget per client request: 500s and streams cut before output, mixed, make at most 6 upstream requests', async () => {
      // Each stream try used to re-send up to 5 times on 500s, and the stream was retried up to 5 times: 25 requests.
      const mixed = [
        ...Array.from({ length: 4 }, () => ({ kind: 'http_error', status: 500, body: { detail: 'Internal Server Error' } }) as const),
        { kind: 'cut', afterDeltas: 0 } as const,
      ];
      h.fake.enqueue(...Array.from({ length: 6 }, () => mixed).flat());
      const error = await failureOf(ask());
      expect(h.fake.responsesRequests()).toHaveLength(6);
      expect(error.status).toBe(502);
      expect(error.message).toMatch(/gave up after 6 attempts/);
    });

    it('a backend that cuts every stream before output: 6 upstream requests, then a clear 502 through the SDK', async () => {
      h.fake.enqueue(...Array.from({ length: 30 }, () => ({ kind: 'cut', afterDeltas: 0 }) as const));
      const error = await failureOf(askStream('cut forever'));
      expect(error.status).toBe(502);
      expect(error.code).toBe('stream_disconnected');
      expect(error.message).toMatch(/closed the stream before the answer was complete.*gave up after 6 attempts/);
      expect(h.fake.responsesRequests()).toHaveLength(6);
    });

    it('answers a streaming request the backend refused with a real HTTP status, not an empty 200 stream', async () => {
      h.fake.enqueue({ kind: 'http_error', status: 400, body: { detail: 'Bad thing' } });
      const error = await failureOf(askStream());
      expect(error.status).toBe(400);
      expect(h.fake.responsesRequests()).toHaveLength(1);
    });
  });

  describe('network errors before anything was relayed', () => {
    let relay: FlakyRelay;
    let viaRelay: Harness;
    beforeAll(async () => {
      relay = await startFlakyRelay();
      // The catalog fetch is lazy: nothing goes upstream before the relay knows where the fake backend is.
      viaRelay = await startHarness({ env: { CODEX_BRIDGE_UPSTREAM: `http://127.0.0.1:${relay.port}/backend-api` } });
      relay.targetPort = Number(new URL(viaRelay.fake.baseUrl).port);
      // The catalog (a GET) is fetched now, so the tries counted and timed below are the chat request's alone.
      expect((await viaRelay.bridge.models.refresh()).state).toBe('live');
    });
    afterAll(async () => {
      await viaRelay.close();
      await relay.close();
    });

    it('retries two lost connections and answers from the third try', async () => {
      relay.postsToDrop = 2;
      const relayLog = logSince(viaRelay);
      const completion = await viaRelay.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'flaky network' }] });
      expect(completion.choices[0]!.message.content).toBe(echo('flaky network'));
      expect(relay.postsSeen).toBe(3);
      expect(viaRelay.fake.responsesRequests()).toHaveLength(1);
      expect((await lastLogEntry(relayLog, '/v1/chat/completions')).attempts).toBe(3);
    });

    it('gives up on a closed port after the bounded, backed-off tries with a 502 upstream_unreachable', async () => {
      await relay.close();
      viaRelay.fake.reset();
      const started = Date.now();
      const error = await failureOf(viaRelay.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }));
      const elapsed = Date.now() - started;
      expect(error.status).toBe(502);
      expect(error.type).toBe('upstream_error');
      expect(error.code).toBe('upstream_unreachable');
      expect(error.message).toMatch(/Could not reach the ChatGPT backend: connect ECONNREFUSED/);
      expect(viaRelay.fake.responsesRequests()).toHaveLength(0);
      // Nothing can be counted at a closed port: the waits tell how many tries there were (±10 % jitter each).
      expect(elapsed).toBeGreaterThanOrEqual(0.9 * backoffTotalMs(DEFAULT_BACKOFF.maxAttempts) - 5);
      expect(elapsed).toBeLessThan(0.9 * backoffTotalMs(DEFAULT_BACKOFF.maxAttempts + 1));
    });
  });

  describe('429s', () => {
    it('usage_limit_reached: no retry, 429 naming the plan and the reset time, Retry-After from resets_in_seconds', async () => {
      h.fake.enqueue({ kind: 'usage_limit', planType: 'pro', resetsInSeconds: 7200 });
      const error = await failureOf(ask());
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.status).toBe(429);
      expect(error.code).toBe('usage_limit_reached');
      expect(error.message).toContain('Pro');
      expect(error.message).toMatch(/resets/i);
      // One time format: local clock time and how far away, never ISO UTC.
      expect(error.message).toMatch(/It resets at \d\d:\d\d( on \d+ [A-Z][a-z]{2})? \(in 2 h\)\.$/);
      expect(error.message).not.toMatch(/\d{4}-\d\d-\d\dT/);
      const retryAfter = Number(error.headers?.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(7198);
      expect(retryAfter).toBeLessThanOrEqual(7201);
      expect(h.fake.responsesRequests()).toHaveLength(1);
    });

    it('usage_limit_reached on a streaming request is a 429 status too, with the OpenAI error body', async () => {
      h.fake.enqueue({ kind: 'usage_limit', planType: 'plus', resetsInSeconds: 60 });
      const res = await request(`${h.bridge.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true }),
      });
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      const body = (await res.body.json()) as { error: Record<string, unknown> };
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(body.error.message).toContain('Plus');
      expect(h.fake.responsesRequests()).toHaveLength(1);
    });

    it('waits out a plain 429 with a short Retry-After, then succeeds', async () => {
      h.fake.enqueue({ kind: 'http_error', status: 429, body: { error: { type: 'rate_limit_exceeded', message: 'Slow down' } }, headers: { 'retry-after': '1' } });
      const completion = await ask('patience');
      expect(completion.choices[0]!.message.content).toBe(echo('patience'));
      const seen = h.fake.responsesRequests();
      expect(seen).toHaveLength(2);
      expect(seen[1]!.receivedAt - seen[0]!.receivedAt).toBeGreaterThanOrEqual(950);
    });

    it('passes a plain 429 without Retry-After on at once', async () => {
      h.fake.enqueue({ kind: 'http_error', status: 429, body: { error: { type: 'rate_limit_exceeded', message: 'Slow down' } } });
      const error = await failureOf(ask());
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.message).toContain('Slow down');
      expect(h.fake.responsesRequests()).toHaveLength(1);
    });

    it('passes a plain 429 with a long Retry-After on, keeping the header', async () => {
      h.fake.enqueue({ kind: 'http_error', status: 429, body: { error: { type: 'rate_limit_exceeded', message: 'Slow down' } }, headers: { 'retry-after': '600' } });
      const error = await failureOf(ask());
      expect(error.status).toBe(429);
      expect(error.headers?.get('retry-after')).toBe('600');
      expect(h.fake.responsesRequests()).toHaveLength(1);
    });
  });

  describe('response.failed before any output', () => {
    it.each([
      ['context_length_exceeded', 400, 'Your input exceeds the context window of this model.', OpenAI.BadRequestError, /context window/],
      ['insufficient_quota', 429, 'You exceeded your current quota.', OpenAI.RateLimitError, /Quota exceeded/],
      ['rate_limit_exceeded', 429, 'Rate limit reached. Please try again in 120s.', OpenAI.RateLimitError, /try again in 120s/],
    ] as const)('%s → %i, not retried', async (code, status, message, errorClass, wording) => {
      h.fake.enqueue({ kind: 'failed', code, message });
      const error = await failureOf(ask());
      expect(error).toBeInstanceOf(errorClass);
      expect(error.status).toBe(status);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(wording);
      expect(h.fake.responsesRequests()).toHaveLength(1);
    });

    it('rate_limit_exceeded with a long wait carries Retry-After', async () => {
      h.fake.enqueue({ kind: 'failed', code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 120s.' });
      const error = await failureOf(ask());
      expect(error.headers?.get('retry-after')).toBe('120');
    });

    it('rate_limit_exceeded "try again in 0.05s" is waited out and retried invisibly', async () => {
      h.fake.enqueue({ kind: 'failed', code: 'rate_limit_exceeded', message: 'Rate limit reached. Please try again in 0.05s.' });
      const started = Date.now();
      const completion = await ask('short wait');
      expect(completion.choices[0]!.message.content).toBe(echo('short wait'));
      expect(h.fake.responsesRequests()).toHaveLength(2);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('server_error before output is retried invisibly (streaming client sees only the good answer)', async () => {
      h.fake.enqueue({ kind: 'failed', code: 'server_error', message: 'An error occurred while processing your request.' });
      const result = await drainChat(await askStream('retry me'));
      expect(result.error).toBeUndefined();
      expect(result.text).toBe(echo('retry me'));
      expect(result.finish).toEqual(['stop']);
      expect(h.fake.responsesRequests()).toHaveLength(2);
    });
  });

  describe('a stream that breaks', () => {
    it('cut before any output: retried invisibly', async () => {
      h.fake.enqueue({ kind: 'cut', afterDeltas: 0 });
      const result = await drainChat(await askStream('cut early'));
      expect(result.error).toBeUndefined();
      expect(result.text).toBe(echo('cut early'));
      expect(h.fake.responsesRequests()).toHaveLength(2);
      expect((await lastLogEntry(log, '/v1/chat/completions')).attempts).toBe(2);
    });

    it('cut mid-way after output: the SDK raises, the text so far arrived, no retry, the log says the stream was cut', async () => {
      h.fake.enqueue({ kind: 'cut', afterDeltas: 3 });
      const result = await drainChat(await askStream());
      expect(result.error).toBeInstanceOf(OpenAI.APIError);
      expect((result.error as Error).message).toMatch(/closed the stream before the answer was complete/);
      expect(result.text).toBe('partial0 partial1 partial2 ');
      expect(result.finish).toEqual([]);
      expect(h.fake.responsesRequests()).toHaveLength(1);
      const entry = await lastLogEntry(log, '/v1/chat/completions');
      expect(entry.error).toMatch(/closed the stream before the answer was complete/);
    });

    it('cut mid-way on /v1/responses: the SDK raises after the deltas that arrived', async () => {
      h.fake.enqueue({ kind: 'cut', afterDeltas: 2 });
      const stream = await h.client.responses.create({ model: MODEL, input: 'hi', stream: true });
      let text = '';
      const error = await (async () => {
        for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(text).toBe('partial0 partial1 ');
      expect((await lastLogEntry(log, '/v1/responses')).error).toMatch(/closed the stream/);
    });

    it('response.failed after output: the SDK raises with the backend reason, the log records it', async () => {
      h.fake.enqueue({ kind: 'failed', code: 'server_error', message: 'Backend exploded midway', afterDeltas: 2 });
      const result = await drainChat(await askStream());
      expect(result.error).toBeInstanceOf(OpenAI.APIError);
      expect((result.error as Error).message).toContain('Backend exploded midway');
      expect(result.text).toBe('partial0 partial1 ');
      expect(h.fake.responsesRequests()).toHaveLength(1);
      expect((await lastLogEntry(log, '/v1/chat/completions')).error).toContain('Backend exploded midway');
    });

    it('response.incomplete (interrupted) after output: the SDK raises, the log records the reason', async () => {
      h.fake.enqueue({ kind: 'incomplete', reason: 'interrupted', afterDeltas: 2 });
      const result = await drainChat(await askStream());
      expect(result.error).toBeInstanceOf(OpenAI.APIError);
      expect((result.error as Error).message).toContain('interrupted');
      expect(result.text).toBe('partial0 partial1 ');
      expect((await lastLogEntry(log, '/v1/chat/completions')).error).toContain('interrupted');
    });

    it('response.incomplete for max_output_tokens is a normal "length" finish, not an error', async () => {
      h.fake.enqueue({ kind: 'incomplete', reason: 'max_output_tokens', afterDeltas: 2 });
      const result = await drainChat(await askStream());
      expect(result.error).toBeUndefined();
      expect(result.finish).toEqual(['length']);
      expect((await lastLogEntry(log, '/v1/chat/completions')).error).toBeUndefined();
    });
  });
});

describe('idle timeout (settings.idleTimeoutMs)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ settings: { idleTimeoutMs: 300 } });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => h.fake.reset());

  it('ends an upstream that went silent after its headers with a 504 timeout error instead of hanging', async () => {
    h.fake.enqueue({ kind: 'stall', ms: 5_000, afterHeaders: true });
    const started = Date.now();
    const error = await failureOf(h.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.status).toBe(504);
    expect(error.type).toBe('timeout_error');
    expect(error.code).toBe('upstream_idle_timeout');
    expect(error.message).toMatch(/sent nothing/);
    expect(h.fake.responsesRequests()).toHaveLength(1);
  });

  it('does not retry an upstream that never sent its headers: one idle timeout, one 504', async () => {
    h.fake.enqueue({ kind: 'stall', ms: 5_000 });
    const started = Date.now();
    const error = await failureOf(h.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.status).toBe(504);
    expect(error.message).toContain('sent nothing for 300 ms');
    expect(h.fake.responsesRequests()).toHaveLength(1);
  });

  it('ends a stream that went silent mid-answer with an error the SDK raises', async () => {
    h.fake.enqueue({ kind: 'text', deltas: ['never', 'arrives'], intervalMs: 5_000 });
    const started = Date.now();
    const stream = await h.client.responses.create({ model: MODEL, input: 'hi', stream: true });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(types).toContain('response.created');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/sent nothing/);
  });
});

describe('SSE keep-alive during a long silence', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bridge: { keepAliveMs: 40 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('sends keep-alive comments while the backend is silent, then the answer', async () => {
    h.fake.enqueue({ kind: 'stall', ms: 500, afterHeaders: true });
    const res = await request(`${h.bridge.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'slow thinker' }], stream: true }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const raw = await res.body.text();
    const beforeData = raw.slice(0, raw.indexOf('data:'));
    const comments = beforeData.match(/^: keep-alive\n\n/gm) ?? [];
    expect(comments.length).toBeGreaterThanOrEqual(4);
    expect(beforeData.replaceAll(': keep-alive\n\n', '')).toBe('');
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const text = raw
      .split('\n')
      .filter((line) => line.startsWith('data: {'))
      .map((line) => (JSON.parse(line.slice(6)) as OpenAI.Chat.ChatCompletionChunk).choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe(echo('slow thinker'));
  });
});
