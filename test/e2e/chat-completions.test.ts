import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { startHarness, type Harness } from '../support/bridge-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.fake.reset();
});

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function lastUpstreamBody(): Record<string, unknown> {
  const requests = h.fake.responsesRequests();
  expect(requests.length).toBeGreaterThan(0);
  return requests.at(-1)!.body as Record<string, unknown>;
}

describe('POST /v1/chat/completions', () => {
  it('answers a plain request with the assembled text, the alias as model and mapped usage', async () => {
    const completion = await h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi there' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('bridge-fast');
    expect(completion.choices[0]!.message.role).toBe('assistant');
    expect(completion.choices[0]!.message.content).toBe('Hello from the fake backend. You said: hi there');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    expect(completion.usage!.completion_tokens_details?.reasoning_tokens).toBeGreaterThanOrEqual(0);
  });

  it('sends the upstream request the Codex backend expects (headers and body)', async () => {
    await h.client.chat.completions.create({
      model: 'bridge-pro-high',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'hello' },
      ],
      temperature: 0.2,
      max_tokens: 100,
      user: 'someone',
    });
    const request = h.fake.responsesRequests().at(-1)!;
    const target = await h.bridge.models.resolve('bridge-pro-high');
    expect(request.headers.authorization).toMatch(/^Bearer ey/);
    expect(request.headers['chatgpt-account-id']).toBe('acct-123');
    expect(request.headers.originator).toBe('codex_exec');
    expect(request.headers.version).toBe('0.171.0');
    expect(request.headers['user-agent']).toMatch(/^codex_exec\/0\.171\.0 \(/);
    expect(request.headers.accept).toBe('text/event-stream');
    expect(request.headers['session-id']).toMatch(/^[0-9a-f-]{36}$/);
    const body = request.body as Record<string, unknown>;
    expect(body.model).toBe(target.slug);
    expect(body.stream).toBe(true);
    expect(body.store).toBe(false);
    expect(body.include).toEqual(['reasoning.encrypted_content']);
    expect(body.prompt_cache_key).toBe(request.headers['session-id']);
    expect(body.reasoning).toMatchObject({ effort: 'high' });
    for (const dropped of ['temperature', 'max_tokens', 'max_output_tokens', 'user']) expect(body).not.toHaveProperty(dropped);
    if (target.lite) {
      expect(request.headers['x-openai-internal-codex-responses-lite']).toBe('true');
      expect(body).not.toHaveProperty('instructions');
      expect(JSON.stringify(body.input)).toContain('Be terse.');
    } else {
      expect(body.instructions).toContain('Be terse.');
    }
  });

  it('keeps one prompt_cache_key across the turns of a conversation', async () => {
    const first = [{ role: 'system' as const, content: 'sys' }, { role: 'user' as const, content: 'question one' }];
    await h.client.chat.completions.create({ model: 'bridge-fast', messages: first });
    await h.client.chat.completions.create({
      model: 'bridge-fast',
      messages: [...first, { role: 'assistant', content: 'answer' }, { role: 'user', content: 'question two' }],
    });
    await h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'another conversation' }] });
    const keys = h.fake.responsesRequests().map((r) => (r.body as { prompt_cache_key: string }).prompt_cache_key);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('streams role first, text deltas, exactly one finish chunk, a usage chunk and [DONE]', async () => {
    h.fake.enqueue({ kind: 'text', deltas: ['Hel', 'lo', ' world'] });
    const chunks = await collect(
      await h.client.chat.completions.create({
        model: 'bridge-fast',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Hello world');
    const finishes = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishes).toHaveLength(1);
    expect(finishes[0]!.choices[0]!.finish_reason).toBe('stop');
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('streams without a usage chunk unless asked', async () => {
    const chunks = await collect(await h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    expect(chunks.every((c) => !c.usage)).toBe(true);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
  });

  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
  ];

  it('returns a single tool call (non-streaming) and forwards the tools upstream', async () => {
    h.fake.enqueue({ kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', callId: 'call_1' }] });
    const completion = await h.client.chat.completions.create({ model: 'bridge-codex', messages: [{ role: 'user', content: 'weather?' }], tools });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    const body = lastUpstreamBody();
    const upstreamTools = JSON.stringify(body.tools ?? body.input);
    expect(upstreamTools).toContain('get_weather');
    expect(upstreamTools).toContain('get_time');
  });

  it('streams parallel tool calls with distinct indices, ids and names before argument pieces', async () => {
    h.fake.enqueue({
      kind: 'tool_calls',
      calls: [
        { name: 'get_weather', arguments: '{"city":"Paris"}', callId: 'call_a' },
        { name: 'get_time', arguments: '{"tz":"Europe/Paris"}', callId: 'call_b' },
      ],
    });
    const chunks = await collect(await h.client.chat.completions.create({ model: 'bridge-codex', messages: [{ role: 'user', content: 'both' }], tools, stream: true }));
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    for (const chunk of chunks) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { args: '' };
        if (call.id) entry.id = call.id;
        if (call.function?.name) entry.name = call.function.name;
        entry.args += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
    }
    expect([...calls.keys()]).toEqual([0, 1]);
    expect(calls.get(0)).toEqual({ id: 'call_a', name: 'get_weather', args: '{"city":"Paris"}' });
    expect(calls.get(1)).toEqual({ id: 'call_b', name: 'get_time', args: '{"tz":"Europe/Paris"}' });
    const finishes = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishes.map((c) => c.choices[0]!.finish_reason)).toEqual(['tool_calls']);
  });

  it('sends a multi-turn tool conversation upstream as paired function_call / function_call_output items', async () => {
    await h.client.chat.completions.create({
      model: 'bridge-codex',
      tools,
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_9', content: '18°C, sunny' },
      ],
    });
    const input = lastUpstreamBody().input as Array<Record<string, unknown>>;
    const call = input.find((item) => item.type === 'function_call');
    const output = input.find((item) => item.type === 'function_call_output');
    expect(call).toMatchObject({ call_id: 'call_9', name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(output).toMatchObject({ call_id: 'call_9', output: '18°C, sunny' });
    expect(input.indexOf(call!)).toBeLessThan(input.indexOf(output!));
  });

  it('forwards images as input_image parts (data URL and http URL)', async () => {
    const dataUrl = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const completion = await h.client.chat.completions.create({
      model: 'bridge-pro-medium',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', image_url: { url: dataUrl, detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          ],
        },
      ],
    });
    expect(completion.choices[0]!.message.content).toContain('[2 image(s)]');
    const input = lastUpstreamBody().input as Array<{ role?: string; content?: Array<Record<string, unknown>> }>;
    const user = input.filter((item) => item.role === 'user').at(-1)!;
    expect(user.content).toEqual([
      { type: 'input_text', text: 'what is this' },
      { type: 'input_image', image_url: dataUrl, detail: 'low' },
      expect.objectContaining({ type: 'input_image', image_url: 'https://example.com/cat.png' }),
    ]);
  });

  it('maps response_format json_schema and json_object to text.format', async () => {
    const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'], additionalProperties: false };
    await h.client.chat.completions.create({
      model: 'bridge-mini',
      messages: [{ role: 'user', content: 'title?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'title', schema, strict: true } },
    });
    expect((lastUpstreamBody().text as { format: unknown }).format).toEqual({ type: 'json_schema', name: 'title', schema, strict: true });
    await h.client.chat.completions.create({ model: 'bridge-mini', messages: [{ role: 'user', content: 'json please' }], response_format: { type: 'json_object' } });
    expect((lastUpstreamBody().text as { format: unknown }).format).toEqual({ type: 'json_object' });
  });

  it('passes a client reasoning_effort through and routes -fast aliases with priority', async () => {
    await h.client.chat.completions.create({ model: 'bridge-pro-high-fast', messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'low' });
    const body = lastUpstreamBody();
    expect(body.service_tier).toBe('priority');
    expect(body.reasoning).toMatchObject({ effort: 'low' });
  });
});

describe('bad input', () => {
  const url = (): string => `${h.bridge.baseUrl}/v1/chat/completions`;
  async function post(body: string | object, headers: Record<string, string> = {}): Promise<{ status: number; json: { error: Record<string, unknown> } }> {
    const res = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { error: Record<string, unknown> } };
  }

  it('rejects an unknown model with a 400 that lists the aliases (through the SDK)', async () => {
    const error = await h.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const message = (error as InstanceType<typeof OpenAI.BadRequestError>).message;
    for (const alias of ['bridge-pro-medium', 'bridge-pro-xhigh-fast', 'bridge-fast', 'bridge-codex', 'bridge-mini']) expect(message).toContain(alias);
    expect(h.fake.responsesRequests()).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', '{"model": "bridge-fast", "messages": [', 400, null],
    ['a JSON array', '[1,2]', 400, null],
    ['missing messages', { model: 'bridge-fast' }, 400, 'messages'],
    ['messages not an array', { model: 'bridge-fast', messages: 'hi' }, 400, 'messages'],
    ['empty messages', { model: 'bridge-fast', messages: [] }, 400, 'messages'],
    ['a message without role', { model: 'bridge-fast', messages: [{ content: 'hi' }] }, 400, 'messages[0].role'],
    ['missing model', { messages: [{ role: 'user', content: 'hi' }] }, 400, 'model'],
    ['model of the wrong type', { model: 42, messages: [{ role: 'user', content: 'hi' }] }, 400, 'model'],
    ['stream of the wrong type', { model: 'bridge-fast', stream: 'yes', messages: [{ role: 'user', content: 'hi' }] }, 400, 'stream'],
    ['n > 1', { model: 'bridge-fast', n: 3, messages: [{ role: 'user', content: 'hi' }] }, 400, 'n'],
  ])('answers %s with an OpenAI-style error', async (_name, body, status, param) => {
    const res = await post(body as string | object);
    expect(res.status).toBe(status);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error' });
    expect(typeof res.json.error.message).toBe('string');
    expect(res.json.error).toHaveProperty('code');
    if (param === null) expect(res.json.error.param).toBeNull();
    else expect(String(res.json.error.param)).toContain(param);
    expect(h.fake.responsesRequests()).toHaveLength(0);
  });

  it('refuses a body over 8 MiB with 413', async () => {
    const big = JSON.stringify({ model: 'bridge-fast', messages: [{ role: 'user', content: 'x'.repeat(8 * 1024 * 1024 + 10) }] });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('request_too_large');
  });

  it('answers unknown paths with 404 and wrong methods with 405, in JSON', async () => {
    const missing = await fetch(`${h.bridge.baseUrl}/v1/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('/v1/chat/completions');
    const wrongMethod = await fetch(url());
    expect(wrongMethod.status).toBe(405);
  });
});

describe('reasoning summaries (setting, off by default)', () => {
  it('hides reasoning by default and surfaces it as reasoning_content when the setting is on', async () => {
    const ask = async () =>
      collect(await h.client.chat.completions.create({ model: 'bridge-pro-high', messages: [{ role: 'user', content: 'think' }], stream: true }));
    const reasoningOf = (chunks: ChatCompletionChunk[]) =>
      chunks.map((c) => (c.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '').join('');

    h.fake.enqueue({ kind: 'text', text: 'answer', reasoningSummary: 'Weighing the options' });
    expect(reasoningOf(await ask())).toBe('');

    h.bridge.settings.update({ reasoningSummaries: true });
    try {
      h.fake.enqueue({ kind: 'text', text: 'answer', reasoningSummary: 'Weighing the options' });
      const chunks = await ask();
      expect(reasoningOf(chunks)).toBe('Weighing the options');
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('answer');

      h.fake.enqueue({ kind: 'text', text: 'answer', reasoningSummary: 'Weighing the options' });
      const completion = await h.client.chat.completions.create({ model: 'bridge-pro-high', messages: [{ role: 'user', content: 'think' }] });
      expect((completion.choices[0]!.message as { reasoning_content?: string }).reasoning_content).toBe('Weighing the options');
    } finally {
      h.bridge.settings.update({ reasoningSummaries: undefined });
    }
  });
});

describe('a classic (non-lite) model, pinned in the settings', () => {
  it('gets top-level instructions and tools, and no lite header', async () => {
    h.bridge.settings.update({ modelOverrides: { 'bridge-codex': { slug: 'gpt-5.5' } } });
    try {
      const tools: OpenAI.Chat.ChatCompletionTool[] = [{ type: 'function', function: { name: 'ls', parameters: { type: 'object', properties: {} } } }];
      await h.client.chat.completions.create({
        model: 'bridge-codex',
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'list' },
        ],
        tools,
      });
      const request = h.fake.responsesRequests().at(-1)!;
      const body = request.body as Record<string, unknown>;
      expect(body.model).toBe('gpt-5.5');
      expect(body.instructions).toBe('Be terse.');
      expect(body.tools).toEqual([{ type: 'function', name: 'ls', description: '', parameters: { type: 'object', properties: {} }, strict: false }]);
      expect(JSON.stringify(body.input)).not.toContain('additional_tools');
      expect(request.headers).not.toHaveProperty('x-openai-internal-codex-responses-lite');
    } finally {
      h.bridge.settings.update({ modelOverrides: undefined });
    }
  });
});
