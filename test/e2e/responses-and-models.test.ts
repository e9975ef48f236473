import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startHarness, type Harness } from '../support/bridge-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.fake.reset());

describe('POST /v1/responses', () => {
  it('answers stream:false with the assembled response object (output rebuilt from output items)', async () => {
    const response = await h.client.responses.create({ model: 'bridge-fast', input: 'hello responses', instructions: 'Be brief.' });
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('Hello from the fake backend. You said: hello responses');
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    const body = h.fake.responsesRequests().at(-1)!.body as Record<string, unknown>;
    const target = await h.bridge.models.resolve('bridge-fast');
    expect(body).toMatchObject({ model: target.slug, stream: true, store: false, include: ['reasoning.encrypted_content'] });
  });

  it('streams the backend events through for stream:true', async () => {
    h.fake.enqueue({ kind: 'text', deltas: ['a', 'b', 'c'] });
    const stream = await h.client.responses.create({ model: 'bridge-fast', input: [{ role: 'user', content: 'x' }], stream: true });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('abc');
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
  });

  it('turns function tools and a tool result round-trip into what the backend accepts', async () => {
    h.fake.enqueue({ kind: 'tool_calls', calls: [{ name: 'lookup', arguments: '{"q":"x"}', callId: 'call_r1' }] });
    const tools: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } }, strict: false }];
    const first = await h.client.responses.create({ model: 'bridge-codex', input: 'find x', tools });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ name: 'lookup', call_id: 'call_r1', arguments: '{"q":"x"}' });
    const second = await h.client.responses.create({
      model: 'bridge-codex',
      tools,
      input: [
        { role: 'user', content: 'find x' },
        { type: 'function_call', call_id: 'call_r1', name: 'lookup', arguments: '{"q":"x"}' },
        { type: 'function_call_output', call_id: 'call_r1', output: 'x is 42' },
      ],
    });
    expect(second.status).toBe('completed');
  });

  it('rejects an unknown model and a bad input type with 400s', async () => {
    await expect(h.client.responses.create({ model: 'gpt-5.5', input: 'x' })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const res = await fetch(`${h.bridge.baseUrl}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'bridge-fast', input: 42 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toContain('input');
  });
});

describe('Cursor agent mode: Responses-shaped bodies on /v1/chat/completions', () => {
  /** What Cursor's agent mode posts (captured shape): Responses fields, sent to the Chat Completions path. */
  const agentBody = (stream: boolean) => ({
    model: 'bridge-pro-high',
    instructions: 'You are Cursor.',
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'from cursor' }] }],
    include: ['reasoning.encrypted_content'],
    reasoning: { effort: 'medium', summary: 'auto' },
    text: { verbosity: 'low' },
    stream,
  });
  const postAgent = (stream: boolean) =>
    fetch(`${h.bridge.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: JSON.stringify(agentBody(stream)),
    });

  it('accepts input/instructions/include/reasoning/text and answers in Chat Completions format', async () => {
    const res = await postAgent(false);
    expect(res.status).toBe(200);
    const completion = (await res.json()) as { object: string; choices: Array<{ message: { content: string } }> };
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content).toBe('Hello from the fake backend. You said: from cursor');
  });

  it('streams chat.completion.chunk events ending in [DONE], with the instructions and effort sent upstream', async () => {
    h.fake.enqueue({ kind: 'text', deltas: ['from ', 'the ', 'agent'] });
    const res = await postAgent(true);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = (await res.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6));
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((json) => JSON.parse(json) as OpenAI.Chat.ChatCompletionChunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'bridge-pro-high')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('from the agent');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');

    const target = await h.bridge.models.resolve('bridge-pro-high');
    // A lite model takes instructions as a developer item; its default effort (high) must yield to the client's.
    expect(target).toMatchObject({ lite: true, effort: 'high' });
    const upstream = h.fake.responsesRequests().at(-1)!.body as { instructions?: unknown; input: unknown[]; reasoning: { effort: string } };
    expect(upstream.instructions).toBeUndefined();
    expect(upstream.input[0]).toEqual({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Cursor.' }] });
    expect(upstream.reasoning.effort).toBe('medium');
  });
});

describe('GET /v1/models and /healthz', () => {
  it('lists the nine aliases in the OpenAI list shape with their upstream mapping', async () => {
    const ids: string[] = [];
    for await (const model of h.client.models.list()) ids.push(model.id);
    for (const alias of ['bridge-pro-medium', 'bridge-pro-high', 'bridge-pro-xhigh', 'bridge-pro-medium-fast', 'bridge-pro-high-fast', 'bridge-pro-xhigh-fast', 'bridge-fast', 'bridge-codex', 'bridge-mini']) {
      expect(ids).toContain(alias);
    }
    // Besides the aliases: the Claude family names the Messages front-end routes (for Claude Code).
    expect(ids.filter((id) => !id.startsWith('bridge-'))).toEqual(['claude-opus', 'claude-sonnet', 'claude-haiku']);
    const raw = (await (await fetch(`${h.bridge.baseUrl}/v1/models`)).json()) as { object: string; data: Array<{ id: string; upstream_model: string; owned_by: string }> };
    expect(raw.object).toBe('list');
    const astra = raw.data.find((m) => m.id === 'bridge-pro-high')!;
    expect(astra.upstream_model).toBe('gpt-6.2-astra');
  });

  it('answers /healthz with 200 JSON', async () => {
    const res = await fetch(`${h.bridge.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});

describe('model catalog drift', () => {
  it('follows a catalog whose slugs changed, and falls back to the built-in table when the catalog is unusable', async () => {
    const drifted = await startHarness({
      fake: {
        catalog: {
          models: [
            { slug: 'gpt-7-nova', display_name: 'GPT-7 Nova', description: 'Our most capable model for complex coding and professional work.', visibility: 'list', priority: 1, use_responses_lite: false, default_reasoning_level: 'medium', supported_reasoning_levels: [{ effort: 'low' }, { effort: 'medium' }, { effort: 'high' }, { effort: 'xhigh' }], supports_parallel_tool_calls: true, service_tiers: [{ id: 'priority' }], input_modalities: ['text', 'image'] },
            { slug: 'gpt-7-mini', display_name: 'GPT-7 Mini', description: 'Fast and affordable model for easier tasks.', visibility: 'list', priority: 2, use_responses_lite: false, default_reasoning_level: 'low', supported_reasoning_levels: [{ effort: 'low' }, { effort: 'medium' }], supports_parallel_tool_calls: true, service_tiers: [], input_modalities: ['text'] },
          ],
        },
      },
    });
    try {
      const completion = await drifted.client.chat.completions.create({ model: 'bridge-pro-high', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.choices[0]!.message.content).toContain('You said: hi');
      expect((drifted.fake.responsesRequests().at(-1)!.body as { model: string }).model).toBe('gpt-7-nova');
      await drifted.client.chat.completions.create({ model: 'bridge-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect((drifted.fake.responsesRequests().at(-1)!.body as { model: string }).model).toBe('gpt-7-mini');
      expect(drifted.bridge.models.catalogStatus().state).toBe('live');
    } finally {
      await drifted.close();
    }

    const broken = await startHarness({ fake: { catalog: { models: [{ nonsense: true }] } } });
    try {
      const models = await broken.client.models.list();
      expect(models.data.length).toBeGreaterThanOrEqual(9);
      expect(broken.bridge.models.catalogStatus().state).toBe('default');
      // The request goes out with the built-in table's slug; this fake knows no models, so its refusal is surfaced.
      const error = await broken.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as Error).message).toContain('is not supported when using Codex with a ChatGPT account');
    } finally {
      await broken.close();
    }
  });
});
