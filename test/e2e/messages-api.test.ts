import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { clampEffort } from '../../main/models/model-target.js';
import { startHarness, type Harness } from '../support/bridge-harness.js';

const IMAGE_DATA = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

let h: Harness;
let client: Anthropic;
beforeAll(async () => {
  h = await startHarness();
  client = new Anthropic({ baseURL: h.bridge.baseUrl, apiKey: 'unused-on-localhost', maxRetries: 0 });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.fake.reset();
});

function upstreamBodies(): Array<Record<string, unknown>> {
  return h.fake.responsesRequests().map((r) => r.body as Record<string, unknown>);
}

function lastUpstream(): Record<string, unknown> {
  const bodies = upstreamBodies();
  expect(bodies.length).toBeGreaterThan(0);
  return bodies.at(-1)!;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${h.bridge.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('POST /v1/messages: text', () => {
  it('answers without streaming: the assembled text, the model echoed, end_turn and Anthropic usage', async () => {
    // Sampling fields older clients still send (this SDK version no longer types them).
    const sampling = { temperature: 0.3, top_p: 0.9, top_k: 5 };
    const message = await client.messages.create({
      ...sampling,
      model: 'bridge-fast',
      max_tokens: 1024,
      system: 'Be terse.',
      messages: [{ role: 'user', content: 'hi there' }],
      stop_sequences: ['END'],
      metadata: { user_id: 'someone' },
    });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.model).toBe('bridge-fast');
    expect(message.id).toMatch(/^msg_/);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from the fake backend. You said: hi there' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.cache_read_input_tokens).toBe(0);

    const body = lastUpstream();
    for (const dropped of ['temperature', 'top_p', 'top_k', 'stop', 'stop_sequences', 'max_tokens', 'max_output_tokens', 'metadata', 'system']) {
      expect(body).not.toHaveProperty(dropped);
    }
    expect(JSON.stringify(body.input)).not.toContain('"role":"system"');
    const target = await h.bridge.models.resolve('bridge-fast');
    if (target.lite) expect(JSON.stringify(body.input)).toContain('Be terse.');
    else expect(body.instructions).toBe('Be terse.');
  });

  it('streams message_start with usage, text deltas in one block, message_delta with end_turn and usage, message_stop', async () => {
    const stream = client.messages.stream({ model: 'bridge-codex', max_tokens: 100, messages: [{ role: 'user', content: 'stream please' }] });
    const types: string[] = [];
    const deltas: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') deltas.push(event.delta.text);
      if (event.type === 'message_start') expect(event.message.usage.input_tokens).toBeGreaterThan(0);
      if (event.type === 'message_delta') {
        expect(event.delta.stop_reason).toBe('end_turn');
        expect(event.usage.output_tokens).toBeGreaterThan(0);
        expect(event.usage.cache_read_input_tokens).toBe(0);
      }
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Hello from the fake backend. You said: stream please');
    expect(types[0]).toBe('message_start');
    expect(types.filter((t) => t === 'content_block_start')).toHaveLength(1);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Hello from the fake backend. You said: stream please' }]);
  });

  it('takes system as blocks with cache_control, ?beta=true and any anthropic-version / anthropic-beta header', async () => {
    const message = await client.beta.messages.create(
      {
        model: 'bridge-codex',
        max_tokens: 100,
        system: [{ type: 'text', text: 'Rule one.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Rule two.' }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral', ttl: '1h' } }] }],
        betas: ['interleaved-thinking-2025-05-14', 'made-up-beta-2031-01-01'],
      },
      { headers: { 'anthropic-version': '2099-01-01' } },
    );
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from the fake backend. You said: hello' });
    const recorded = JSON.stringify(lastUpstream());
    expect(recorded).toContain('Rule one.');
    expect(recorded).toContain('Rule two.');
    expect(recorded).not.toContain('cache_control');
  });

  it("maps Claude Code's mid-conversation system turns to developer items and drops the billing block", async () => {
    const res = await post('/v1/messages?beta=true', {
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 100,
      system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332; cc_entrypoint=cli;' }, { type: 'text', text: 'You are Claude Code.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi' }] },
        { role: 'system', content: [{ type: 'text', text: '# Environment\ncwd: /tmp' }] },
      ],
    });
    expect(res.status, res.text).toBe(200);
    const body = lastUpstream();
    const input = body.input as Array<Record<string, unknown>>;
    expect(input.some((item) => item.role === 'system')).toBe(false);
    expect(input.find((item) => item.role === 'developer' && JSON.stringify(item).includes('# Environment'))).toBeDefined();
    expect(JSON.stringify(body)).not.toContain('x-anthropic-billing-header');
  });
});

describe('POST /v1/messages: tools', () => {
  it('a tool round trip: tool_use with parsed input and stop_reason tool_use, then tool_result (blocks, is_error) answered', async () => {
    h.fake.enqueue({ kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', callId: 'call_w1' }] });
    const first = await client.messages.create({
      model: 'bridge-codex',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'auto' },
      messages: [{ role: 'user', content: 'weather in Paris?' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([{ type: 'tool_use', id: 'call_w1', name: 'get_weather', input: { city: 'Paris' } }]);
    const tools = lastUpstream().tools ?? JSON.stringify(lastUpstream().input);
    expect(JSON.stringify(tools)).toContain('get_weather');

    h.fake.enqueue({ kind: 'text', text: 'It is sunny.' });
    const second = await client.messages.create({
      model: 'bridge-codex',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }, ...first.content] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_w1', content: [{ type: 'text', text: 'sunny, 21C' }] },
            { type: 'text', text: 'thanks' },
          ],
        },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'It is sunny.' }]);
    const input = lastUpstream().input as Array<Record<string, unknown>>;
    const call = input.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ call_id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(input.find((item) => item.type === 'function_call_output')).toMatchObject({ call_id: 'call_w1', output: 'sunny, 21C' });
    expect(input.some((item) => item.type === 'reasoning')).toBe(false);
    expect(input.indexOf(input.find((item) => item.type === 'function_call_output')!)).toBeLessThan(input.length - 1);

    h.fake.enqueue({ kind: 'text', text: 'ok' });
    await client.messages.create({
      model: 'bridge-codex',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_w1', content: 'no such city', is_error: true }] },
      ],
    });
    const errored = (lastUpstream().input as Array<Record<string, unknown>>).find((item) => item.type === 'function_call_output');
    expect(errored?.output).toBe('Error: no such city');
    expect(lastUpstream().tool_choice).toEqual({ type: 'function', name: 'get_weather' });

    // Claude Code's ToolSearch result: tool_reference blocks naming deferred tools (sent in `tools` with defer_loading).
    const res = await post('/v1/messages', {
      model: 'bridge-codex',
      max_tokens: 100,
      tools: [{ ...WEATHER_TOOL, name: 'ToolSearch' }, { ...WEATHER_TOOL, defer_loading: true }],
      messages: [
        { role: 'user', content: 'find a weather tool' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_t', name: 'ToolSearch', input: { query: 'weather' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_t', content: [{ type: 'tool_reference', tool_name: 'get_weather' }] }] },
      ],
    });
    expect(res.status, res.text).toBe(200);
    const found = (lastUpstream().input as Array<Record<string, unknown>>).find((item) => item.type === 'function_call_output');
    expect(found?.output).toBe("Tool 'get_weather' is available.");
    expect(JSON.stringify(lastUpstream())).not.toContain('defer_loading');
  });

  it('streams tool arguments as input_json_delta pieces as they arrive', async () => {
    h.fake.enqueue({ kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: '{"city":"San Francisco, California"}', callId: 'call_s' }] });
    const stream = client.messages.stream({ model: 'bridge-codex', max_tokens: 100, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'weather?' }] });
    const pieces: string[] = [];
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') pieces.push(event.delta.partial_json);
    }
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('{"city":"San Francisco, California"}');
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([{ type: 'tool_use', id: 'call_s', name: 'get_weather', input: { city: 'San Francisco, California' } }]);
  });

  it('parallel tool calls become separate tool_use blocks (streamed and not); tool_choice any → required', async () => {
    const calls = [
      { name: 'get_weather', arguments: '{"city":"Paris"}', callId: 'call_a' },
      { name: 'get_weather', arguments: '{"city":"Rome"}', callId: 'call_b' },
    ];
    h.fake.enqueue({ kind: 'tool_calls', calls, text: 'Checking both.' });
    const message = await client.messages.create({
      model: 'bridge-codex', max_tokens: 100, tools: [WEATHER_TOOL], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Paris and Rome?' }],
    });
    expect(lastUpstream().tool_choice).toBe('required');
    expect(message.content).toEqual([
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_b', name: 'get_weather', input: { city: 'Rome' } },
    ]);

    h.fake.enqueue({ kind: 'tool_calls', calls });
    const stream = client.messages.stream({
      model: 'bridge-codex', max_tokens: 100, tools: [WEATHER_TOOL], tool_choice: { type: 'auto', disable_parallel_tool_use: true }, messages: [{ role: 'user', content: 'Paris and Rome?' }],
    });
    const starts: number[] = [];
    for await (const event of stream) if (event.type === 'content_block_start') starts.push(event.index);
    expect(starts).toEqual([0, 1]);
    expect(lastUpstream().parallel_tool_calls).toBe(false);
    expect((await stream.finalMessage()).content.map((block) => block.type)).toEqual(['tool_use', 'tool_use']);
  });
});

describe('POST /v1/messages: images, output format, effort, thinking', () => {
  it('sends base64 and URL images (also inside a tool_result) as input_image', async () => {
    const message = await client.messages.create({
      model: 'bridge-codex',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: IMAGE_DATA } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          ],
        },
      ],
    });
    expect(message.content[0]).toMatchObject({ text: 'Hello from the fake backend. You said: what is this? [2 image(s)]' });
    const images = JSON.stringify(lastUpstream().input);
    expect(images).toContain(`data:image/png;base64,${IMAGE_DATA}`);
    expect(images).toContain('https://example.com/cat.png');

    h.fake.enqueue({ kind: 'text', text: 'a pixel' });
    await client.messages.create({
      model: 'bridge-codex',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'screenshot?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_i', name: 'get_weather', input: { city: 'x' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_i', content: [{ type: 'text', text: 'shot:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: IMAGE_DATA } }] }] },
      ],
    });
    const output = (lastUpstream().input as Array<Record<string, unknown>>).find((item) => item.type === 'function_call_output')?.output;
    expect(output).toEqual([{ type: 'input_text', text: 'shot:' }, { type: 'input_image', image_url: `data:image/png;base64,${IMAGE_DATA}` }]);
  });

  it('maps output_config.format json_schema to the Responses text format and output_config.effort to the effort', async () => {
    h.fake.enqueue({ kind: 'text', text: '{"answer":42}' });
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'], additionalProperties: false };
    const res = await post('/v1/messages', {
      model: 'bridge-codex', max_tokens: 100, messages: [{ role: 'user', content: 'answer?' }], output_config: { format: { type: 'json_schema', schema }, effort: 'high' },
    });
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(JSON.parse(res.text).content[0].text)).toEqual({ answer: 42 });
    const body = lastUpstream();
    expect(body.text).toEqual({ format: { type: 'json_schema', name: 'output', schema, strict: false } });
    expect(body.reasoning).toMatchObject({ effort: 'high' });
  });

  it('maps thinking.budget_tokens onto the reasoning effort', async () => {
    const target = await h.bridge.models.resolve('bridge-pro-high');
    for (const [budget, effort] of [[4_000, 'low'], [10_000, 'medium'], [19_000, 'high']] as const) {
      await client.messages.create({
        model: 'bridge-pro-high', max_tokens: 20_000, thinking: { type: 'enabled', budget_tokens: budget }, messages: [{ role: 'user', content: 'think' }],
      });
      expect((lastUpstream().reasoning as { effort: string }).effort).toBe(clampEffort(effort, target.efforts));
    }
    await client.messages.create({ model: 'bridge-pro-high', max_tokens: 100, messages: [{ role: 'user', content: 'no thinking given' }] });
    expect((lastUpstream().reasoning as { effort: string }).effort).toBe(target.effort);
  });

  it('streams reasoning summaries as a thinking block when summaries are on and the client asked for thinking', async () => {
    h.bridge.settings.update({ reasoningSummaries: true });
    try {
      const stream = client.messages.stream({
        model: 'bridge-codex', max_tokens: 100, thinking: { type: 'enabled', budget_tokens: 2_000 }, messages: [{ role: 'user', content: 'why?' }],
      });
      const thinking: string[] = [];
      for await (const event of stream) if (event.type === 'content_block_delta' && event.delta.type === 'thinking_delta') thinking.push(event.delta.thinking);
      expect(thinking.join('')).toContain('Echoing the request');
      const final = await stream.finalMessage();
      expect(final.content.map((block) => block.type)).toEqual(['thinking', 'text']);

      const without = await client.messages.create({ model: 'bridge-codex', max_tokens: 100, messages: [{ role: 'user', content: 'why?' }] });
      expect(without.content.map((block) => block.type)).toEqual(['text']);
    } finally {
      h.bridge.settings.update({ reasoningSummaries: undefined });
    }
  });

  it('reports max_tokens when the backend stops at its output limit', async () => {
    h.fake.enqueue({ kind: 'incomplete', reason: 'max_output_tokens', afterDeltas: 2 });
    const message = await client.messages.create({ model: 'bridge-codex', max_tokens: 100, messages: [{ role: 'user', content: 'long' }] });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'partial0 partial1 ' });
  });
});

describe('POST /v1/messages/count_tokens', () => {
  it('estimates the prompt tokens without calling the backend; more text, more tokens', async () => {
    const small = await client.messages.countTokens({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] });
    const big = await client.messages.countTokens({
      model: 'claude-haiku-4-5', system: 'x'.repeat(4_000), tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'hi' }],
    });
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(big.input_tokens).toBeGreaterThan(small.input_tokens + 900);
    expect(h.fake.responsesRequests()).toHaveLength(0);
  });
});

describe('POST /v1/messages: model names', () => {
  it('routes Claude family names to their aliases, a setting changes the mapping, /v1/models lists them', async () => {
    const cases = [
      ['claude-opus-4-1-20250805', 'bridge-pro-high'],
      ['claude-sonnet-4-5-20250929', 'bridge-codex'],
      ['claude-3-5-haiku-latest', 'bridge-mini'],
    ] as const;
    for (const [name, alias] of cases) {
      const message = await client.messages.create({ model: name, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      expect(message.model).toBe(name);
      expect(lastUpstream().model).toBe((await h.bridge.models.resolve(alias)).slug);
      expect(h.bridge.log.recent().at(-1)).toMatchObject({ path: '/v1/messages', status: 200, model: alias });
    }
    h.bridge.settings.update({ claudeModels: { haiku: 'bridge-pro-medium' } });
    try {
      await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
      expect(lastUpstream().model).toBe((await h.bridge.models.resolve('bridge-pro-medium')).slug);
      const models = (await (await request(`${h.bridge.baseUrl}/v1/models`)).body.json()) as { data: Array<{ id: string; description?: string }> };
      expect(models.data.find((m) => m.id === 'claude-haiku')?.description).toContain('bridge-pro-medium');
      expect(models.data.find((m) => m.id === 'claude-opus')?.description).toContain('bridge-pro-high');
    } finally {
      h.bridge.settings.update({ claudeModels: undefined });
    }
  });

  it('any other name is a 404 not_found_error listing what is accepted', async () => {
    const error = await client.messages.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    const body = (error as InstanceType<typeof Anthropic.NotFoundError>).error as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('not_found_error');
    expect(body.error.message).toContain('bridge-codex');
    expect(body.error.message).toContain('claude-sonnet-… → bridge-codex');
    expect(h.fake.responsesRequests()).toHaveLength(0);
  });
});

describe('POST /v1/messages: prompt cache', () => {
  it("keeps one prompt_cache_key per Claude Code session (metadata.user_id) and hits the cache ≥ 90 % from turn 2", async () => {
    const userId = JSON.stringify({ device_id: 'd1', account_uuid: '', session_id: '5f0c6a1e-1111-4222-8333-944455556666' });
    const system = `You are a coding agent.\n${'Follow the repository conventions carefully. '.repeat(600)}`;
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'turn one' }];
    const usages: Anthropic.Usage[] = [];
    for (let turn = 1; turn <= 3; turn++) {
      const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, system, metadata: { user_id: userId }, messages });
      const message = await stream.finalMessage();
      usages.push(message.usage);
      messages.push({ role: 'assistant', content: message.content.map((block) => (block.type === 'text' ? { type: 'text' as const, text: block.text } : block)) as Anthropic.ContentBlockParam[] });
      messages.push({ role: 'user', content: `turn ${turn + 1}` });
    }
    const keys = upstreamBodies().map((body) => body.prompt_cache_key);
    expect(new Set(keys).size).toBe(1);
    for (const usage of usages.slice(1)) {
      const cached = usage.cache_read_input_tokens ?? 0;
      expect(cached / (cached + usage.input_tokens)).toBeGreaterThanOrEqual(0.9);
    }
    const other = JSON.stringify({ device_id: 'd1', account_uuid: '', session_id: 'another-session' });
    await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, system, metadata: { user_id: other }, messages: [{ role: 'user', content: 'turn one' }] });
    expect(lastUpstream().prompt_cache_key).not.toBe(keys[0]);
  });
});
