/**
 * What an adversary on the machine (or on the internet, with the tunnel up) tried against the running bridge, each
 * through real sockets and, where a client is involved, the official openai SDK.
 */
import { readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLogLine } from '../../main/cli/log-line.js';
import type { RequestLogEntry } from '../../main/server/request-log.js';
import { startHarness, type Harness, type HarnessOptions } from '../support/bridge-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves with the ms from connect to the server closing the connection. */
  closed: Promise<number>;
}

/** A raw TCP connection to the bridge, for what no HTTP client would send. */
async function connect(port: number): Promise<RawConnection> {
  const socket = net.connect(port, '127.0.0.1');
  const start = Date.now();
  let data = '';
  socket.on('data', (chunk) => (data += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - start)));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return { socket, received: () => data, closed };
}

/** Whether `promise` settles within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still open'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still open'>((resolve) => (timer = setTimeout(() => resolve('still open'), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function logEntries(bridgeHarness: Harness): RequestLogEntry[] {
  const entries: RequestLogEntry[] = [];
  bridgeHarness.bridge.log.subscribe((entry) => entries.push(entry));
  return entries;
}

async function waitFor<T>(find: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('not found in time');
}

async function failureOf(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(OpenAI.APIError);
  return outcome as InstanceType<typeof OpenAI.APIError>;
}

/** After a test closed the bridge itself: the rest of the harness. */
async function closeRest(bridgeHarness: Harness): Promise<void> {
  h = undefined;
  await bridgeHarness.fake.close();
  await rm(bridgeHarness.dir, { recursive: true, force: true });
}

const FAST_TIMEOUTS = { serverLimits: { headersTimeoutMs: 400, requestTimeoutMs: 800 } };

describe('1. slow and unwanted connections are closed', () => {
  it('closes a connection that sends half a request head, and one that never sends anything', async () => {
    const { bridge } = await harness({ bridge: FAST_TIMEOUTS });
    const half = await connect(bridge.address.port);
    half.socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const silent = await connect(bridge.address.port);
    expect(await within(half.closed, 4_000)).not.toBe('still open');
    expect(await within(silent.closed, 4_000)).not.toBe('still open');
  });

  it('closes a connection whose body arrives a byte at a time past the request timeout', async () => {
    const { bridge } = await harness({ bridge: FAST_TIMEOUTS });
    const slow = await connect(bridge.address.port);
    slow.socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
    const drip = setInterval(() => slow.socket.write(' '), 100);
    try {
      expect(await within(slow.closed, 4_000)).not.toBe('still open');
    } finally {
      clearInterval(drip);
    }
  });

  it('the timeouts bound receiving a request, not the answer: a stream longer than both finishes', async () => {
    const bridgeHarness = await harness({ bridge: FAST_TIMEOUTS });
    const words = Array.from({ length: 15 }, (_, i) => `w${i} `);
    bridgeHarness.fake.enqueue({ kind: 'text', deltas: words, intervalMs: 100 });
    const stream = await bridgeHarness.client.chat.completions.create({ model: 'bridge-fast', stream: true, messages: [{ role: 'user', content: 'long' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(words.join(''));
  });

  it('a 401 closes the connection instead of waiting for the rest of the unwanted body', async () => {
    const { bridge } = await harness({ bridge: { requireToken: true } });
    const attacker = await connect(bridge.address.port);
    attacker.socket.write('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"model":');
    expect(await within(attacker.closed, 3_000)).not.toBe('still open');
    expect(attacker.received()).toMatch(/^HTTP\/1\.1 401/);
    expect(attacker.received()).toMatch(/connection: close/i);
  });

  it('an error answered to a request without a body keeps the connection for the next request', async () => {
    const { bridge } = await harness();
    const client = await connect(bridge.address.port);
    client.socket.write('GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitFor(() => (client.received().includes('"status":"ok"') ? true : undefined));
    expect(client.received()).toMatch(/^HTTP\/1\.1 404/);
    client.socket.destroy();
  });

  it('caps concurrent connections: one over the cap is closed at once, the first ones still work', async () => {
    const { bridge } = await harness({ bridge: { serverLimits: { maxConnections: 4 } } });
    const held = await Promise.all(Array.from({ length: 4 }, () => connect(bridge.address.port)));
    const extra = await connect(bridge.address.port);
    expect(await within(extra.closed, 2_000)).not.toBe('still open');
    held[0]!.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitFor(() => (held[0]!.received().includes('"status":"ok"') ? true : undefined));
    for (const connection of held) connection.socket.destroy();
  });
});

describe('2. client strings are bounded wherever they are echoed or kept', () => {
  it('a 7 MiB model name comes back and is logged in a few hundred characters', async () => {
    const bridgeHarness = await harness();
    const entries = logEntries(bridgeHarness);
    const model = `bridge-${'x'.repeat(7 * 1024 * 1024)}`;
    const error = await failureOf(bridgeHarness.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.status).toBe(400);
    expect(error.message.length).toBeLessThan(1_200);
    expect(error.message).toContain('chars omitted');
    const entry = await waitFor(() => entries.find((e) => e.status === 400));
    expect(JSON.stringify(entry).length).toBeLessThan(1_600);
    expect(formatLogLine(entry).length).toBeLessThan(1_600);
  });

  it('concurrent large bodies beyond the memory budget get a 503 with Retry-After, not the process memory', async () => {
    const { bridge } = await harness({ bridge: { serverLimits: { bodyBudgetBytes: 1024 * 1024 } } });
    const body = JSON.stringify({ model: 'bridge-fast', messages: [{ role: 'user', content: 'y'.repeat(700 * 1024) }] });
    // The first body is announced and half sent, then held: its bytes are in use while the second arrives.
    const first = await connect(bridge.address.port);
    first.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
    first.socket.write(body.slice(0, 1000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await request(`${bridge.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(second.statusCode).toBe(503);
    expect(second.headers['retry-after']).toBe('1');
    expect(((await second.body.json()) as { error: { code: string } }).error.code).toBe('server_busy');
    // Once the first is done, the budget is back.
    first.socket.write(body.slice(1000));
    await waitFor(() => (first.received().includes('"object":"chat.completion"') ? true : undefined));
    first.socket.destroy();
    const third = await request(`${bridge.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(third.statusCode).toBe(200);
    await third.body.dump();
  });
});

describe('3. deeply nested JSON is a 400 before anything walks it', () => {
  // Raw JSON text: the SDK's own serialisation cannot build a body this deep (it overflows its stack first).
  const deep = (depth: number): string => `${'['.repeat(depth)}"deep"${']'.repeat(depth)}`;
  const post = async (bridgeHarness: Harness, endpoint: string, body: string) => {
    const res = await request(`${bridgeHarness.bridge.baseUrl}${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.statusCode, body: (await res.body.json()) as { error: { code: string; message: string } } };
  };

  it('5,000 levels in a message content and in a tool schema: 400 json_too_deep, nothing forwarded', async () => {
    const internal: unknown[] = [];
    const bridgeHarness = await harness({ bridge: { onInternalError: (error) => internal.push(error) } });
    const content = await post(bridgeHarness, '/v1/chat/completions', `{"model":"bridge-fast","messages":[{"role":"user","content":${deep(5_000)}}]}`);
    expect(content.status).toBe(400);
    expect(content.body.error.code).toBe('json_too_deep');
    const schema = await post(
      bridgeHarness,
      '/v1/responses',
      `{"model":"bridge-fast","input":"hi","tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":{"x":${deep(5_000)}}}}]}`,
    );
    expect(schema.status).toBe(400);
    expect(schema.body.error.code).toBe('json_too_deep');
    expect(bridgeHarness.fake.responsesRequests()).toHaveLength(0);
    expect(internal).toEqual([]);
  });

  it('nesting within the bound is served; brackets and escaped quotes inside strings do not count', async () => {
    const bridgeHarness = await harness();
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) schema = { type: 'array', items: schema };
    const body = JSON.stringify({
      model: 'bridge-fast',
      instructions: `a "${'['.repeat(200)} quote, then a trailing backslash \\`,
      input: `${'{'.repeat(200)} hi`,
      tools: [{ type: 'function', name: 'f', strict: false, parameters: { type: 'object', properties: { x: schema } } }],
    });
    const answer = await post(bridgeHarness, '/v1/responses', body);
    expect(answer.status).toBe(200);
  });
});

describe('4. a prompt_cache_key a header cannot carry', () => {
  it.each([
    ['CR/LF', 'conv\r\nX-Injected: 1'],
    ['NUL', 'conv\u0000key'],
    ['non-ASCII', 'gespräch-ü'],
    ['200 KB', 'k'.repeat(200_000)],
  ])('%s: answered at once from one upstream request, the key sent hashed', async (_name, key) => {
    const bridgeHarness = await harness();
    const response = await bridgeHarness.client.responses.create({ model: 'bridge-fast', input: 'hi', prompt_cache_key: key });
    expect(response.output_text).toContain('You said: hi');
    const sent = bridgeHarness.fake.responsesRequests();
    expect(sent).toHaveLength(1);
    const upstreamKey = (sent[0]!.body as { prompt_cache_key: string }).prompt_cache_key;
    expect(upstreamKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[0]!.headers['session-id']).toBe(upstreamKey);
    // Stable: the same key hashes the same way, so the conversation keeps its prompt cache.
    await bridgeHarness.client.responses.create({ model: 'bridge-fast', input: 'hi again', prompt_cache_key: key });
    expect((bridgeHarness.fake.responsesRequests()[1]!.body as { prompt_cache_key: string }).prompt_cache_key).toBe(upstreamKey);
  });

  it('a visible-ASCII key is passed through unchanged', async () => {
    const bridgeHarness = await harness();
    await bridgeHarness.client.responses.create({ model: 'bridge-fast', input: 'hi', prompt_cache_key: 'cursor-conv-42' });
    expect((bridgeHarness.fake.responsesRequests()[0]!.body as { prompt_cache_key: string }).prompt_cache_key).toBe('cursor-conv-42');
  });
});

describe('5. log lines cannot be forged and do not leak', () => {
  it('escapes terminal escapes and CR/LF of a model name, redacts a token-shaped path and known secrets by value', async () => {
    const bridgeHarness = await harness();
    const entries = logEntries(bridgeHarness);
    const forged = 'bridge-x\u001b[2J\r\n12:00:00 POST /v1/chat/completions 200 1ms bridge-fast';
    await failureOf(bridgeHarness.client.chat.completions.create({ model: forged, messages: [{ role: 'user', content: 'hi' }] }));
    const token = bridgeHarness.bridge.bridgeToken;
    const lost = await request(`${bridgeHarness.bridge.baseUrl}/${token}`);
    await lost.body.dump();
    // The refresh token of auth.json has no recognisable shape: only its value identifies it.
    const auth = JSON.parse(await readFile(bridgeHarness.authPath, 'utf8')) as { tokens: { refresh_token: string } };
    const pasted = await failureOf(
      bridgeHarness.client.chat.completions.create({ model: `bridge-${auth.tokens.refresh_token}`, messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(pasted.message).not.toContain(auth.tokens.refresh_token);

    const lines = (await waitFor(() => (entries.length >= 3 ? entries : undefined))).map(formatLogLine);
    for (const line of lines) {
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(line).not.toContain(token);
      expect(line).not.toContain(auth.tokens.refresh_token);
    }
    expect(lines[0]).toContain('\\u001b[2J\\r\\n');
    expect(lines[1]).toMatch(/GET \/\[redacted\] 404/);
  });

  it('the 401 hint keeps its `Authorization: Bearer <bridge token>` example', async () => {
    const bridgeHarness = await harness({ bridge: { requireToken: true } });
    const wrong = new OpenAI({ baseURL: `${bridgeHarness.bridge.baseUrl}/v1`, apiKey: 'sk-wrong-key-123456', maxRetries: 0 });
    const error = await failureOf(wrong.models.list());
    expect(error.status).toBe(401);
    expect(error.message).toContain('send `Authorization: Bearer <bridge token>`');
  });
});

describe('6. shutdown does not pass a cut stream off as a finished one', () => {
  it('a stream longer than the grace period ends with an error the SDK raises', async () => {
    const bridgeHarness = await harness();
    bridgeHarness.fake.enqueue({ kind: 'text', deltas: Array.from({ length: 40 }, (_, i) => `w${i} `), intervalMs: 50 });
    const stream = await bridgeHarness.client.chat.completions.create({ model: 'bridge-fast', stream: true, messages: [{ role: 'user', content: 'long' }] });
    let text = '';
    const reading = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closing = bridgeHarness.bridge.close(200);
    const error = await reading.then(
      () => undefined,
      (e: unknown) => e,
    );
    await closing;
    await closeRest(bridgeHarness);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/shutting down/);
    expect(text.length).toBeGreaterThan(0);
  });

  it('a request still waiting for its first byte gets a 503', async () => {
    const bridgeHarness = await harness();
    bridgeHarness.fake.enqueue({ kind: 'stall', ms: 5_000 });
    const pending = failureOf(bridgeHarness.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'slow' }] }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await bridgeHarness.bridge.close(100);
    await closeRest(bridgeHarness);
    const error = await pending;
    expect(error.status).toBe(503);
    expect(error.code).toBe('bridge_shutting_down');
  });
});

describe('8. a never-ending upstream event', () => {
  it('is cut at 16 MiB with an accurate error, not retried', async () => {
    const bridgeHarness = await harness();
    bridgeHarness.fake.enqueue({ kind: 'endless_event', bytes: 40 * 1024 * 1024 }, { kind: 'endless_event', bytes: 40 * 1024 * 1024 });
    const error = await failureOf(bridgeHarness.client.responses.create({ model: 'bridge-fast', input: 'hi' }));
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_event_too_large');
    expect(error.message).toMatch(/larger than 16 MiB/);
    expect(bridgeHarness.fake.responsesRequests()).toHaveLength(1);
  });
});
