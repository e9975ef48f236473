/**
 * The request shapes real OpenAI-API clients send (spec: user-needs "What real OpenAI-API clients send"), replayed
 * through the official SDK (raw fetch where we need the raw SSE), checking both the answer a client gets and the
 * Responses request the bridge forwards to the backend.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { startHarness, type Harness } from '../support/bridge-harness.js';
import type { FakeStep } from '../support/fake-backend/types.js';

type Item = Record<string, unknown>;
type Body = Record<string, unknown>;

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
// Whatever the client sent, what reaches the backend must follow its normalisation rules (user-needs #12).
afterEach(() => {
  for (const request of h.fake.responsesRequests()) expectBackendRules(request.body as Body);
});

// ---------------------------------------------------------------- reading the upstream request

function upstreamBodies(): Body[] {
  return h.fake.responsesRequests().map((request) => request.body as Body);
}

function lastUpstream(): Body {
  const bodies = upstreamBodies();
  expect(bodies.length).toBeGreaterThan(0);
  return bodies.at(-1)!;
}

function inputOf(body: Body): Item[] {
  return body.input as Item[];
}

/** System/developer text as the backend sees it: top-level `instructions` (classic) or developer messages (lite). */
function instructionsOf(body: Body): string[] {
  const developer = inputOf(body)
    .filter((item) => item.type === 'message' && item.role === 'developer')
    .flatMap((item) => (item.content as Item[]).map((part) => part.text as string));
  return typeof body.instructions === 'string' ? [body.instructions, ...developer] : developer;
}

/** Function tools wherever the model's format puts them: top-level `tools` or the lite `additional_tools` item. */
function toolsOf(body: Body): Item[] {
  const lite = inputOf(body)
    .filter((item) => item.type === 'additional_tools')
    .flatMap((item) => item.tools as Item[]);
  const all = [...((body.tools as Item[] | undefined) ?? []), ...lite];
  return all.flatMap((tool) => (tool.type === 'namespace' ? (tool.tools as Item[]) : [tool]));
}

function messageTexts(body: Body, role: string): string[] {
  return inputOf(body)
    .filter((item) => item.type === 'message' && item.role === role)
    .map((item) => (item.content as Item[]).map((part) => (part.text ?? part.refusal) as string).join(''));
}

/** `fc:<id>` / `out:<id>` in input order: shows call/result pairing and ordering at a glance. */
function toolTrail(body: Body): string[] {
  return inputOf(body).flatMap((item) => {
    if (item.type === 'function_call') return [`fc:${String(item.call_id)}`];
    if (item.type === 'function_call_output') return [`out:${String(item.call_id)}`];
    return [];
  });
}

function toolOutput(body: Body, callId: string): string {
  const item = inputOf(body).find((entry) => entry.type === 'function_call_output' && entry.call_id === callId);
  expect(item, `function_call_output for ${callId}`).toBeDefined();
  const output = item!.output;
  return typeof output === 'string' ? output : (output as Item[]).map((part) => part.text as string).join('');
}

function cacheKeys(): string[] {
  return upstreamBodies().map((body) => body.prompt_cache_key as string);
}

function expectBackendRules(body: Body): void {
  expect(body.store).toBe(false);
  expect(body.stream).toBe(true);
  for (const field of ['max_tokens', 'max_completion_tokens', 'max_output_tokens', 'temperature', 'top_p', 'user', 'messages']) {
    expect(body, `upstream field ${field}`).not.toHaveProperty(field);
  }
  expect(typeof body.prompt_cache_key).toBe('string');
  for (const item of inputOf(body)) {
    expect(item.role, 'a system item upstream').not.toBe('system');
    expect(item, 'a replayed item id upstream').not.toHaveProperty('id');
  }
  const trail = toolTrail(body);
  const calls = trail.filter((entry) => entry.startsWith('fc:')).map((entry) => entry.slice(3));
  const outputs = trail.filter((entry) => entry.startsWith('out:')).map((entry) => entry.slice(4));
  expect(new Set(outputs)).toEqual(new Set(calls));
}

// ---------------------------------------------------------------- the client side

interface StreamedTurn {
  chunks: ChatCompletionChunk[];
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReasons: string[];
  usage: ChatCompletionChunk['usage'];
}

/** Streams like the agents do (include_usage on) and reassembles the answer by tool-call index. */
async function streamTurn(params: ChatCompletionCreateParamsNonStreaming, headers?: Record<string, string>): Promise<StreamedTurn> {
  const stream = await h.client.chat.completions.create(
    { ...params, stream: true, stream_options: { include_usage: true } },
    headers ? { headers } : undefined,
  );
  const turn: StreamedTurn = { chunks: [], text: '', toolCalls: [], finishReasons: [], usage: undefined };
  for await (const chunk of stream) {
    turn.chunks.push(chunk);
    if (chunk.usage) turn.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    turn.text += choice.delta.content ?? '';
    if (choice.finish_reason) turn.finishReasons.push(choice.finish_reason);
    for (const delta of choice.delta.tool_calls ?? []) {
      const call = turn.toolCalls[delta.index];
      if (call) call.arguments += delta.function?.arguments ?? '';
      else turn.toolCalls[delta.index] = { id: delta.id!, name: delta.function!.name!, arguments: delta.function?.arguments ?? '' };
    }
  }
  return turn;
}

/** What an agent appends to its history after running the calls of `turn`. */
function assistantToolCalls(turn: StreamedTurn, content: string | null = null): ChatCompletionMessageParam {
  return {
    role: 'assistant',
    content,
    tool_calls: turn.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
  };
}

function fn(name: string, parameters: Record<string, unknown>, extra: { strict?: boolean; description?: string } = {}): ChatCompletionTool {
  return { type: 'function', function: { name, description: extra.description ?? `${name} tool`, parameters, ...(extra.strict === undefined ? {} : { strict: extra.strict }) } };
}

function schemaOf(tool: ChatCompletionTool): Record<string, unknown> {
  return (tool as OpenAI.Chat.ChatCompletionFunctionTool).function.parameters!;
}

function upstreamTool(body: Body, name: string): Item {
  const tool = toolsOf(body).find((entry) => entry.name === name);
  expect(tool, `upstream tool ${name}`).toBeDefined();
  return tool!;
}

function toolCallStep(...calls: Array<[name: string, args: object, callId: string]>): FakeStep {
  return { kind: 'tool_calls', calls: calls.map(([name, args, callId]) => ({ name, arguments: JSON.stringify(args), callId })) };
}

// ---------------------------------------------------------------- clients

describe('qwen-code', () => {
  // 27 KB, and distinct line by line so a truncated or re-ordered prompt would not compare equal.
  const systemPrompt = Array.from({ length: 660 }, (_, i) => `Rule ${String(i).padStart(3, '0')}: follow the project conventions.`).join('\n');
  const tools = [
    fn('list_directory', { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }),
    fn('read_file', { type: 'object', properties: { absolute_path: { type: 'string' } }, required: ['absolute_path'] }),
  ];

  it('sends max_tokens 32000, text-part arrays for user and tool content and a 27 KB system prompt, and hits the cache on turn 2', async () => {
    expect(systemPrompt.length).toBeGreaterThan(27_000);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: systemPrompt },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'This is the Qwen Code. We are setting up the context for our chat.' },
          { type: 'text', text: 'List the files in /repo.' },
        ],
      },
    ];
    h.fake.enqueue(toolCallStep(['list_directory', { path: '/repo' }, 'call_q1']));
    const first = await streamTurn({ model: 'bridge-codex', messages, tools, max_tokens: 32000 });
    expect(first.finishReasons).toEqual(['tool_calls']);
    expect(first.toolCalls).toEqual([{ id: 'call_q1', name: 'list_directory', arguments: '{"path":"/repo"}' }]);
    expect(first.usage!.prompt_tokens).toBeGreaterThan(6000);

    const body1 = lastUpstream();
    expect(instructionsOf(body1)).toEqual([systemPrompt]);
    expect(inputOf(body1).find((item) => item.role === 'user')!.content).toEqual([
      { type: 'input_text', text: 'This is the Qwen Code. We are setting up the context for our chat.' },
      { type: 'input_text', text: 'List the files in /repo.' },
    ]);
    expect(toolsOf(body1).map((tool) => tool.name)).toEqual(['list_directory', 'read_file']);

    messages.push(assistantToolCalls(first), { role: 'tool', tool_call_id: 'call_q1', content: [{ type: 'text', text: 'a.ts\nb.ts' }] });
    h.fake.enqueue({ kind: 'text', text: 'There are two files.' });
    const second = await streamTurn({ model: 'bridge-codex', messages, tools, max_tokens: 32000 });
    expect(second.text).toBe('There are two files.');
    expect(second.finishReasons).toEqual(['stop']);
    // Same conversation, same key: the 27 KB prefix is served from the backend's prompt cache.
    expect(second.usage!.prompt_tokens_details!.cached_tokens).toBeGreaterThan(0);

    const body2 = lastUpstream();
    expect(toolTrail(body2)).toEqual(['fc:call_q1', 'out:call_q1']);
    expect(toolOutput(body2, 'call_q1')).toBe('a.ts\nb.ts');
    expect(body2.prompt_cache_key).toBe(body1.prompt_cache_key);
  });
});

describe('opencode / kilo', () => {
  const system = 'You are opencode, an interactive CLI tool that helps users with software engineering tasks.';
  const bashParameters = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { command: { type: 'string', description: 'The command to execute' }, timeout: { type: 'number' } },
    required: ['command'],
    additionalProperties: false,
  };
  const tools = [fn('bash', bashParameters), fn('read', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { filePath: { type: 'string' } }, required: ['filePath'] })];
  const firstTurn: ChatCompletionMessageParam[] = [
    { role: 'system', content: system },
    { role: 'user', content: 'run the tests' },
  ];

  it('answers the no-tools title request, then tool turns; one x-session-id is one prompt_cache_key', async () => {
    const session = { 'x-session-id': 'ses_opencode_A' };
    const title = await h.client.chat.completions.create(
      {
        model: 'bridge-mini',
        max_tokens: 32000,
        messages: [
          { role: 'system', content: 'You are a title generator. You output ONLY a thread title.' },
          { role: 'user', content: 'Generate a title for this conversation:\nrun the tests' },
        ],
      },
      { headers: session },
    );
    expect(title.choices[0]!.message.content).toContain('run the tests');
    expect(toolsOf(lastUpstream())).toEqual([]);

    h.fake.enqueue(toolCallStep(['bash', { command: 'npm test' }, 'call_o1']));
    const first = await streamTurn({ model: 'bridge-codex', messages: firstTurn, tools, tool_choice: 'auto', max_tokens: 32000 }, session);
    expect(first.toolCalls).toEqual([{ id: 'call_o1', name: 'bash', arguments: '{"command":"npm test"}' }]);
    const body1 = lastUpstream();
    expect(body1.tool_choice).toBe('auto');
    // `$schema` is valid JSON Schema and the backend takes it; what matters is that the schema arrives whole.
    expect(upstreamTool(body1, 'bash').parameters).toMatchObject({ properties: bashParameters.properties, required: ['command'], additionalProperties: false });
    expect(upstreamTool(body1, 'read').parameters).toMatchObject({ properties: { filePath: { type: 'string' } }, required: ['filePath'] });

    h.fake.enqueue({ kind: 'text', text: 'All tests pass.' });
    const second = await streamTurn(
      {
        model: 'bridge-codex',
        messages: [...firstTurn, assistantToolCalls(first), { role: 'tool', tool_call_id: 'call_o1', content: '12 passed' }],
        tools,
        tool_choice: 'auto',
        max_tokens: 32000,
      },
      session,
    );
    expect(second.text).toBe('All tests pass.');
    expect(toolOutput(lastUpstream(), 'call_o1')).toBe('12 passed');

    // Another session with the very same first turn must not share the key.
    await h.client.chat.completions.create({ model: 'bridge-codex', messages: firstTurn, tools, tool_choice: 'auto' }, { headers: { 'x-session-id': 'ses_opencode_B' } });

    const [titleKey, key1, key2, otherSession] = cacheKeys();
    expect(key1).toBe(titleKey);
    expect(key2).toBe(key1);
    expect(otherSession).not.toBe(key1);
    for (const request of h.fake.responsesRequests()) {
      expect(request.headers['session-id']).toBe((request.body as Body).prompt_cache_key);
    }
  });

  it("pins the key by kilo's x-session-affinity header even when the messages differ", async () => {
    const ask = (content: string, affinity: string) =>
      h.client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content }] }, { headers: { 'x-session-affinity': affinity } });
    await ask('first question', 'kilo-1');
    await ask('an unrelated question', 'kilo-1');
    await ask('first question', 'kilo-2');
    const [a, b, c] = cacheKeys();
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});

describe('pi coding agent', () => {
  it('accepts store:false, max_completion_tokens, a developer message and reasoning_effort', async () => {
    const turn = await streamTurn({
      model: 'bridge-codex',
      store: false,
      max_completion_tokens: 16384,
      reasoning_effort: 'high',
      messages: [
        { role: 'developer', content: 'You are an expert coding assistant operating inside pi.' },
        { role: 'user', content: [{ type: 'text', text: 'hello pi' }] },
      ],
    });
    expect(turn.text).toBe('Hello from the fake backend. You said: hello pi');
    expect(turn.finishReasons).toEqual(['stop']);
    expect(turn.usage!.completion_tokens).toBeGreaterThan(0);
    const body = lastUpstream();
    expect(instructionsOf(body)).toEqual(['You are an expert coding assistant operating inside pi.']);
    expect(body.reasoning).toMatchObject({ effort: 'high' });
  });
});

describe('cline', () => {
  const strictObject = (properties: Record<string, unknown>) => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });
  const tools = [
    fn('read_file', strictObject({ path: { type: 'string' } })),
    fn('execute_command', strictObject({ command: { type: 'string' }, requires_approval: { type: 'boolean' } })),
    fn('attempt_completion', strictObject({ result: { type: 'string' } })),
  ];
  const opening: ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You are Cline, a highly skilled software engineer.' },
    { role: 'user', content: '<task>\nFix the failing build\n</task>' },
    { role: 'user', content: '<environment_details>\n# Current Working Directory: /repo\n</environment_details>' },
  ];
  const script: Array<[name: string, args: object, callId: string, result: string]> = [
    ['read_file', { path: 'package.json' }, 'call_c1', '{"scripts":{"build":"tsc"}}'],
    ['read_file', { path: 'src/index.ts' }, 'call_c2', 'export const x: number = "1";'],
    ['execute_command', { command: 'npm run build', requires_approval: false }, 'call_c3', 'Build succeeded.'],
    ['attempt_completion', { result: 'Fixed the type error.' }, 'call_c4', ''],
  ];

  it('loops four tool turns, each appending the call and its result, from two opening user messages', async () => {
    const messages = [...opening];
    for (const [turnIndex, [name, args, callId, result]] of script.entries()) {
      h.fake.enqueue(toolCallStep([name, args, callId]));
      const turn = await streamTurn({ model: 'bridge-codex', messages, tools });
      expect(turn.finishReasons).toEqual(['tool_calls']);
      expect(turn.toolCalls).toEqual([{ id: callId, name, arguments: JSON.stringify(args) }]);

      const body = lastUpstream();
      const previous = script.slice(0, turnIndex).flatMap(([, , id]) => [`fc:${id}`, `out:${id}`]);
      expect(toolTrail(body)).toEqual(previous);
      for (const [, , id, text] of script.slice(0, turnIndex)) expect(toolOutput(body, id)).toBe(text);
      expect(messageTexts(body, 'user').join('\n')).toBe(`${opening[1]!.content as string}\n${opening[2]!.content as string}`);
      expect(upstreamTool(body, 'execute_command').parameters).toEqual(schemaOf(tools[1]!));

      if (name === 'attempt_completion') break;
      messages.push(assistantToolCalls(turn, 'Let me look.'), { role: 'tool', tool_call_id: callId, content: result });
    }
    expect(upstreamBodies()).toHaveLength(4);
    expect(new Set(cacheKeys()).size).toBe(1);
  });

  it('answers a no-tools compaction request with max_tokens over a history full of tool calls', async () => {
    h.fake.enqueue({ kind: 'text', text: '## Summary\nThe build is fixed.' });
    const completion = await h.client.chat.completions.create({
      model: 'bridge-mini',
      max_tokens: 8192,
      messages: [
        ...opening,
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"package.json"}' } }] },
        { role: 'tool', tool_call_id: 'call_c1', content: '{"scripts":{"build":"tsc"}}' },
        { role: 'user', content: 'Summarize the conversation so far in detail.' },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe('## Summary\nThe build is fixed.');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    const body = lastUpstream();
    expect(toolsOf(body)).toEqual([]);
    expect(toolTrail(body)).toEqual(['fc:call_c1', 'out:call_c1']);
  });
});

describe('Continue', () => {
  it('accepts assistant history with content "" plus tool_calls and sends no empty assistant message upstream', async () => {
    const completion = await h.client.chat.completions.create({
      model: 'bridge-codex',
      tools: [fn('read_file', { type: 'object', properties: { filepath: { type: 'string' } }, required: ['filepath'] })],
      messages: [
        { role: 'system', content: 'You are an agent in the Continue IDE extension.' },
        { role: 'user', content: 'what is in README.md?' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'tc_1', type: 'function', function: { name: 'read_file', arguments: '{"filepath":"README.md"}' } }] },
        { role: 'tool', tool_call_id: 'tc_1', content: '# Demo project' },
        { role: 'user', content: 'summarize it' },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe('Hello from the fake backend. You said: summarize it');
    const body = lastUpstream();
    expect(messageTexts(body, 'assistant')).toEqual([]);
    expect(toolTrail(body)).toEqual(['fc:tc_1', 'out:tc_1']);
    expect(inputOf(body).find((item) => item.type === 'function_call')).toMatchObject({ name: 'read_file', arguments: '{"filepath":"README.md"}' });
  });
});

describe('OpenAI Agents SDK', () => {
  it('keeps strict:true function tools (every property required) intact upstream', async () => {
    const parameters = {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: ['string', 'null'], enum: ['c', 'f', null] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    };
    const tools = [fn('get_weather', parameters, { strict: true, description: 'Get the weather for a city' })];
    h.fake.enqueue(toolCallStep(['get_weather', { city: 'Oslo', unit: null }, 'call_a1']));
    const completion = await h.client.chat.completions.create({ model: 'bridge-codex', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]!.message.content).toBeNull();
    expect(completion.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo","unit":null}' } },
    ]);
    expect(upstreamTool(lastUpstream(), 'get_weather')).toEqual({
      type: 'function',
      name: 'get_weather',
      description: 'Get the weather for a city',
      strict: true,
      parameters,
    });
  });
});

describe('Vercel AI SDK (raw SSE, the way @ai-sdk/openai parses it)', () => {
  interface RawChunk {
    choices: Array<{ delta: { content?: string; tool_calls?: Array<{ index: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }> }; finish_reason: string | null }>;
    usage?: { prompt_tokens: number } | null;
  }

  it('streams text then a tool call that reassembles by index, with tool_choice auto', async () => {
    h.fake.enqueue({ kind: 'tool_calls', text: 'Checking the weather.', calls: [{ name: 'weather', arguments: '{"location":"San Francisco","days":3}', callId: 'call_v1' }] });
    const res = await fetch(`${h.bridge.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.client.apiKey}` },
      body: JSON.stringify({
        model: 'bridge-codex',
        messages: [{ role: 'user', content: 'What is the weather in San Francisco?' }],
        tools: [fn('weather', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { location: { type: 'string' }, days: { type: 'number' } }, required: ['location', 'days'], additionalProperties: false })],
        tool_choice: 'auto',
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = (await res.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice('data: '.length));
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line) as RawChunk);

    const calls: Array<{ id: string; name: string; arguments: string }> = [];
    let text = '';
    for (const choice of chunks.flatMap((chunk) => chunk.choices)) {
      text += choice.delta.content ?? '';
      for (const delta of choice.delta.tool_calls ?? []) {
        if (calls[delta.index] === undefined) {
          // The AI SDK throws InvalidResponseDataError unless a call's first delta names its type, id and function.
          expect(delta).toMatchObject({ type: 'function', id: expect.any(String), function: { name: expect.any(String) } });
          calls[delta.index] = { id: delta.id!, name: delta.function!.name!, arguments: delta.function!.arguments ?? '' };
        } else {
          expect(delta.id).toBeUndefined();
          calls[delta.index]!.arguments += delta.function?.arguments ?? '';
        }
      }
    }
    expect(text).toBe('Checking the weather.');
    expect(calls).toEqual([{ id: 'call_v1', name: 'weather', arguments: '{"location":"San Francisco","days":3}' }]);
    const finishIndex = chunks.findIndex((chunk) => chunk.choices[0]?.finish_reason);
    expect(chunks[finishIndex]!.choices[0]!.finish_reason).toBe('tool_calls');
    // After the finish chunk only the usage chunk may follow (a late "stop" makes agents drop the calls).
    expect(chunks.slice(finishIndex + 1)).toEqual([expect.objectContaining({ choices: [], usage: expect.objectContaining({ prompt_tokens: expect.any(Number) }) })]);
    expect(lastUpstream().tool_choice).toBe('auto');
  });
});

describe('parallel tool calls', () => {
  const tools = [fn('get_weather', { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] })];

  it('streams two calls on separate indices and forwards both answers, in order, in the next turn', async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Tokyo?' }];
    h.fake.enqueue(toolCallStep(['get_weather', { city: 'Paris' }, 'call_p1'], ['get_weather', { city: 'Tokyo' }, 'call_p2']));
    const first = await streamTurn({ model: 'bridge-codex', messages, tools });
    expect(first.finishReasons).toEqual(['tool_calls']);
    expect(first.toolCalls).toEqual([
      { id: 'call_p1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'call_p2', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
    ]);

    messages.push(
      assistantToolCalls(first),
      { role: 'tool', tool_call_id: 'call_p1', content: 'Paris: 18°C' },
      { role: 'tool', tool_call_id: 'call_p2', content: 'Tokyo: 25°C' },
    );
    h.fake.enqueue({ kind: 'text', text: 'Paris 18°C, Tokyo 25°C.' });
    const second = await streamTurn({ model: 'bridge-codex', messages, tools });
    expect(second.text).toBe('Paris 18°C, Tokyo 25°C.');

    const body = lastUpstream();
    expect(toolTrail(body)).toEqual(['fc:call_p1', 'fc:call_p2', 'out:call_p1', 'out:call_p2']);
    expect(toolOutput(body, 'call_p1')).toBe('Paris: 18°C');
    expect(toolOutput(body, 'call_p2')).toBe('Tokyo: 25°C');
  });
});

describe('reasoning-only replies (user-needs #9)', () => {
  const reasoningSummary = 'Thinking about whether anything needs saying.';
  it.each<[string, FakeStep, string]>([
    ['no message item at all', { kind: 'tool_calls', calls: [], reasoningSummary }, ''],
    ['an empty message', { kind: 'text', deltas: [], reasoningSummary }, ''],
    ['a short message', { kind: 'text', text: 'OK', reasoningSummary }, 'OK'],
  ])('answer with %s: content is a string (never null) and the turn ends with stop', async (_name, step, expected) => {
    const params: ChatCompletionCreateParamsNonStreaming = { model: 'bridge-pro-high', messages: [{ role: 'user', content: 'anything to add?' }] };
    h.fake.enqueue(step);
    const completion = await h.client.chat.completions.create(params);
    expect(completion.choices[0]!.message.content).toBe(expected);
    expect(completion.choices[0]!.message.tool_calls ?? []).toEqual([]);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);

    h.fake.enqueue(step);
    const turn = await streamTurn(params);
    expect(turn.chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant' });
    expect(turn.text).toBe(expected);
    expect(turn.toolCalls).toEqual([]);
    expect(turn.finishReasons).toEqual(['stop']);
    expect(turn.usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);
  });
});

describe('model names', () => {
  it.each(['gpt-4o', 'gpt-5.5'])('answers %s with a 400 listing the bridge-* aliases, never a silent mapping', async (model) => {
    for (const stream of [false, true]) {
      const error = await h.client.chat.completions.create({ model, stream, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
      expect(apiError.param).toBe('model');
      expect(apiError.message).toContain(`'${model}'`);
      for (const alias of ['bridge-fast', 'bridge-codex', 'bridge-mini', 'bridge-pro-high']) expect(apiError.message).toContain(alias);
    }
    expect(h.fake.responsesRequests()).toHaveLength(0);
  });
});
