import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import type { ModelTarget } from '../models/model-target.js';
import { chatToResponsesRequest, isResponsesShaped } from './chat-request.js';
import { DEFAULT_INSTRUCTIONS } from './codex-request.js';

const classic: ModelTarget = {
  alias: 'bridge-classic',
  slug: 'gpt-5.5',
  effort: 'medium',
  lite: false,
  supportsParallelToolCalls: true,
  efforts: ['low', 'medium', 'high', 'xhigh'],
  inputModalities: ['text', 'image'],
};
const lite: ModelTarget = {
  alias: 'bridge-lite-fast',
  slug: 'gpt-6.2-sol',
  effort: 'low',
  serviceTier: 'priority',
  lite: true,
  supportsParallelToolCalls: true,
  efforts: ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'],
  inputModalities: ['text', 'image'],
};
const opts = { promptCacheKey: 'cache-key-1' };

const weather = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    strict: true,
  },
};
const flatWeather = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather for a city',
  strict: true,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function translate(body: Record<string, unknown>, target: ModelTarget = classic) {
  return chatToResponsesRequest(body, target, opts);
}

function user(text: string) {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

describe('chatToResponsesRequest: fixed fields', () => {
  it('builds the whole classic request for a plain chat', () => {
    const request = translate({ model: 'bridge-classic', messages: [{ role: 'user', content: 'hi' }] });
    expect(request).toEqual({
      model: 'gpt-5.5',
      instructions: DEFAULT_INSTRUCTIONS,
      input: [user('hi')],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'cache-key-1',
    });
  });

  it('builds the lite request: no instructions or tools, all_turns context, priority tier, parallel off', () => {
    const request = translate({ messages: [{ role: 'user', content: 'hi' }] }, lite);
    expect(request).toEqual({
      model: 'gpt-6.2-sol',
      input: [user('hi')],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning: { effort: 'low', summary: 'auto', context: 'all_turns' },
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      service_tier: 'priority',
      prompt_cache_key: 'cache-key-1',
    });
  });

  it('drops parameters the backend rejects or the bridge decides itself', () => {
    const request = translate({
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 10,
      max_completion_tokens: 10,
      max_output_tokens: 10,
      temperature: 0.2,
      top_p: 0.9,
      user: 'u',
      frequency_penalty: 1,
      presence_penalty: 1,
      logit_bias: { 1: 2 },
      logprobs: true,
      top_logprobs: 2,
      seed: 7,
      stop: ['x'],
      stream: true,
      stream_options: { include_usage: true },
      metadata: { a: 'b' },
      store: true,
      prediction: { type: 'content', content: 'x' },
      modalities: ['text'],
      audio: { voice: 'alloy' },
      web_search_options: {},
      service_tier: 'flex',
      n: 1,
    });
    expect(Object.keys(request).sort()).toEqual(
      ['include', 'input', 'instructions', 'model', 'parallel_tool_calls', 'prompt_cache_key', 'reasoning', 'store', 'stream', 'tool_choice'].sort(),
    );
    expect(request.store).toBe(false);
    expect(request.stream).toBe(true);
  });

  it('uses the client reasoning_effort when the target supports it', () => {
    expect(translate({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'high' }).reasoning).toEqual({
      effort: 'high',
      summary: 'auto',
    });
  });

  it('lets the client choose parallel_tool_calls', () => {
    expect(translate({ messages: [{ role: 'user', content: 'x' }], parallel_tool_calls: false }).parallel_tool_calls).toBe(false);
    expect(translate({ messages: [{ role: 'user', content: 'x' }], parallel_tool_calls: true }, lite).parallel_tool_calls).toBe(true);
    const noParallel = { ...classic, supportsParallelToolCalls: false };
    expect(translate({ messages: [{ role: 'user', content: 'x' }] }, noParallel).parallel_tool_calls).toBe(false);
  });
});

describe('chatToResponsesRequest: instructions', () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hi' },
    { role: 'developer', content: [{ type: 'text', text: 'Use metric.' }, { type: 'text', text: 'No emoji.' }] },
    { role: 'user', content: 'weather?' },
  ];

  it('classic: joins every system/developer text, in order, into top-level instructions', () => {
    const request = translate({ messages });
    expect(request.instructions).toBe('Be brief.\n\nUse metric.\n\nNo emoji.');
    expect(request.input).toEqual([user('hi'), user('weather?')]);
  });

  it('classic: falls back to a neutral default when the client sends none (or only blanks)', () => {
    expect(translate({ messages: [{ role: 'system', content: '  ' }, { role: 'user', content: 'x' }] }).instructions).toBe(
      DEFAULT_INSTRUCTIONS,
    );
  });

  it('lite: each system/developer message becomes a developer item where it stood', () => {
    const request = translate({ messages }, lite);
    expect(request.instructions).toBeUndefined();
    expect(request.input).toEqual([
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Be brief.' }] },
      user('hi'),
      {
        type: 'message',
        role: 'developer',
        content: [
          { type: 'input_text', text: 'Use metric.' },
          { type: 'input_text', text: 'No emoji.' },
        ],
      },
      user('weather?'),
    ]);
  });
});

describe('chatToResponsesRequest: content', () => {
  it('maps user text and image parts (data URL, http URL, detail kept)', () => {
    const request = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'http://example.com/dog.png' } },
          ],
        },
      ],
    });
    expect(request.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'what is this?' },
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
          { type: 'input_image', image_url: 'https://example.com/cat.jpg', detail: 'high' },
          { type: 'input_image', image_url: 'http://example.com/dog.png' },
        ],
      },
    ]);
  });

  it('maps assistant text and refusals (part and field) to output_text / refusal', () => {
    const request = translate({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'assistant', content: [{ type: 'text', text: 'c' }, { type: 'refusal', refusal: 'no' }] },
        { role: 'assistant', content: null, refusal: 'still no' },
        { role: 'user', content: 'd' },
      ],
    });
    expect(request.input).toEqual([
      user('a'),
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'b' }] },
      {
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'c' },
          { type: 'refusal', refusal: 'no' },
        ],
      },
      { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'still no' }] },
      user('d'),
    ]);
  });

  it('translates a multi-turn tool conversation, pairing calls and outputs by call_id', () => {
    const request = translate({
      messages: [
        { role: 'user', content: 'weather in Oslo and Rome?' },
        {
          role: 'assistant',
          content: 'Checking both.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: { city: 'Rome' } } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_b', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: 'rain' }, { type: 'text', text: '4C' }] },
        // Continue CLI style: empty content next to tool calls.
        { role: 'assistant', content: '', tool_calls: [{ id: 'call_c', function: { name: 'get_weather', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_c', content: 'n/a' },
      ],
      tools: [weather],
    });
    expect(request.input).toEqual([
      user('weather in Oslo and Rome?'),
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking both.' }] },
      { type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call', call_id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
      { type: 'function_call_output', call_id: 'call_b', output: 'sunny' },
      { type: 'function_call_output', call_id: 'call_a', output: 'rain\n4C' },
      { type: 'function_call', call_id: 'call_c', name: 'get_weather', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_c', output: 'n/a' },
    ]);
  });
});

describe('chatToResponsesRequest: tools and formats', () => {
  it('classic: flattens function tools into top-level tools, with defaults for strict and parameters', () => {
    const request = translate({
      messages: [{ role: 'user', content: 'x' }],
      tools: [weather, { type: 'function', function: { name: 'now' } }],
    });
    expect(request.tools).toEqual([
      flatWeather,
      { type: 'function', name: 'now', description: '', strict: false, parameters: { type: 'object', properties: {} } },
    ]);
  });

  it('lite: puts the tools in an additional_tools item first, in a "functions" namespace', () => {
    const request = translate(
      { messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'x' }], tools: [weather] },
      lite,
    );
    expect(request.tools).toBeUndefined();
    expect(request.input[0]).toEqual({
      type: 'additional_tools',
      role: 'developer',
      tools: [{ type: 'namespace', name: 'functions', description: '', tools: [flatWeather] }],
    });
    expect(request.input[1]).toEqual({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'sys' }] });
  });

  it('an empty tools array sends no tools', () => {
    expect(translate({ messages: [{ role: 'user', content: 'x' }], tools: [] }).tools).toBeUndefined();
  });

  it.each([
    ['auto', 'auto'],
    ['none', 'none'],
    ['required', 'required'],
    [{ type: 'function', function: { name: 'get_weather' } }, { type: 'function', name: 'get_weather' }],
  ])('maps tool_choice %j', (choice, expected) => {
    expect(translate({ messages: [{ role: 'user', content: 'x' }], tools: [weather], tool_choice: choice }).tool_choice).toEqual(
      expected,
    );
  });

  it('maps response_format json_object and json_schema to text.format; text sends nothing', () => {
    const base = { messages: [{ role: 'user', content: 'x' }] };
    expect(translate({ ...base, response_format: { type: 'json_object' } }).text).toEqual({ format: { type: 'json_object' } });
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'], additionalProperties: false };
    expect(
      translate({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } } }).text,
    ).toEqual({ format: { type: 'json_schema', name: 'answer', schema, strict: true } });
    expect(translate({ ...base, response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } }).text).toEqual({
      format: { type: 'json_schema', name: 'a', schema, strict: false },
    });
    expect(translate({ ...base, response_format: { type: 'text' } }).text).toBeUndefined();
  });
});

describe('chatToResponsesRequest: validation', () => {
  const ok = [{ role: 'user', content: 'x' }];
  const cases: Array<[string, unknown, string | null]> = [
    ['body not an object', [], null],
    ['body null', null, null],
    ['messages missing', {}, 'messages'],
    ['messages not an array', { messages: 'hi' }, 'messages'],
    ['messages empty', { messages: [] }, 'messages'],
    ['message not an object', { messages: ['hi'] }, 'messages[0]'],
    ['role missing', { messages: [{ content: 'x' }] }, 'messages[0].role'],
    ['role unknown', { messages: [{ role: 'bot', content: 'x' }] }, 'messages[0].role'],
    ['legacy function role', { messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages[0].role'],
    ['legacy functions param', { messages: ok, functions: [{ name: 'f' }] }, 'functions'],
    ['legacy function_call param', { messages: ok, function_call: 'auto' }, 'function_call'],
    ['legacy assistant function_call', { messages: [{ role: 'assistant', function_call: { name: 'f', arguments: '{}' } }] }, 'messages[0].function_call'],
    ['user content number', { messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
    ['user content missing', { messages: [{ role: 'user' }] }, 'messages[0].content'],
    ['user content empty array', { messages: [{ role: 'user', content: [] }] }, 'messages[0].content'],
    ['user part unknown type', { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'messages[0].content[0].type'],
    ['user text part without text', { messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content[0].text'],
    ['image part bad shape', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { href: 'x' } }] }] }, 'messages[0].content[0].image_url'],
    ['image url not http/data (string)', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'file:///etc/passwd' }] }] }, 'messages[0].content[0].image_url'],
    ['image data URL without an image MIME type', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'data:text/plain;base64,aGk=' }] }] }, 'messages[0].content[0].image_url'],
    ['image data URL not base64', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,raw' } }] }] }, 'messages[0].content[0].image_url.url'],
    ['image http URL that does not parse', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'http://[' }] }] }, 'messages[0].content[0].image_url'],
    ['image url not http/data (object)', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] }] }, 'messages[0].content[0].image_url.url'],
    ['image detail not a string', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 1 } }] }] }, 'messages[0].content[0].image_url.detail'],
    ['system image part', { messages: [{ role: 'system', content: [{ type: 'image_url', image_url: 'https://x/y.png' }] }] }, 'messages[0].content[0].type'],
    ['assistant content number', { messages: [{ role: 'assistant', content: 3 }] }, 'messages[0].content'],
    ['assistant refusal part without text', { messages: [{ role: 'assistant', content: [{ type: 'refusal' }] }] }, 'messages[0].content[0].refusal'],
    ['tool_calls not an array', { messages: [{ role: 'assistant', tool_calls: {} }] }, 'messages[0].tool_calls'],
    ['tool call without id', { messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }] }, 'messages[0].tool_calls[0].id'],
    ['tool call wrong type', { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'custom', function: { name: 'f', arguments: '{}' } }] }] }, 'messages[0].tool_calls[0].type'],
    ['tool call without function', { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function' }] }] }, 'messages[0].tool_calls[0].function'],
    ['tool call without name', { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', function: { arguments: '{}' } }] }] }, 'messages[0].tool_calls[0].function.name'],
    ['tool call without arguments', { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f' } }] }] }, 'messages[0].tool_calls[0].function.arguments'],
    ['tool call arguments number', { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f', arguments: 1 } }] }] }, 'messages[0].tool_calls[0].function.arguments'],
    ['tool message without tool_call_id', { messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    ['tool call never answered', { messages: [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }] }] }, 'messages[1].tool_calls[0]'],
    ['second tool call never answered', { messages: [{ role: 'assistant', tool_calls: [{ id: 'a', function: { name: 'f', arguments: '{}' } }, { id: 'b', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'a', content: 'x' }] }, 'messages[0].tool_calls[1]'],
    ['tool message before its call', { messages: [{ role: 'tool', tool_call_id: 'c', content: 'x' }, { role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }] }] }, 'messages[0].tool_call_id'],
    ['tool message with an unknown call id', { messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'x' }] }, 'messages[1].tool_call_id'],
    ['tool message image part', { messages: [{ role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c', content: [{ type: 'image_url', image_url: 'https://x/y.png' }] }] }, 'messages[1].content[0].type'],
    ['tools not an array', { messages: ok, tools: { type: 'function' } }, 'tools'],
    ['tool not a function tool', { messages: ok, tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    ['tool without function', { messages: ok, tools: [{ type: 'function' }] }, 'tools[0].function'],
    ['tool without name', { messages: ok, tools: [{ type: 'function', function: { parameters: {} } }] }, 'tools[0].function.name'],
    ['tool parameters not an object', { messages: ok, tools: [{ type: 'function', function: { name: 'f', parameters: 'x' } }] }, 'tools[0].function.parameters'],
    ['tool strict not a boolean', { messages: ok, tools: [{ type: 'function', function: { name: 'f', strict: 'yes' } }] }, 'tools[0].function.strict'],
    ['tool_choice unknown string', { messages: ok, tools: [weather], tool_choice: 'any' }, 'tool_choice'],
    ['tool_choice bad object', { messages: ok, tools: [weather], tool_choice: { type: 'function' } }, 'tool_choice'],
    ['tool_choice required without tools', { messages: ok, tool_choice: 'required' }, 'tool_choice'],
    ['tool_choice names an unknown function', { messages: ok, tools: [weather], tool_choice: { type: 'function', function: { name: 'other' } } }, 'tool_choice.function.name'],
    ['n > 1', { messages: ok, n: 2 }, 'n'],
    ['n not an integer', { messages: ok, n: 0.5 }, 'n'],
    ['n not a number', { messages: ok, n: '1' }, 'n'],
    ['stream not a boolean', { messages: ok, stream: 'true' }, 'stream'],
    ['stream_options not an object', { messages: ok, stream_options: true }, 'stream_options'],
    ['include_usage not a boolean', { messages: ok, stream_options: { include_usage: 1 } }, 'stream_options.include_usage'],
    ['parallel_tool_calls not a boolean', { messages: ok, parallel_tool_calls: 1 }, 'parallel_tool_calls'],
    ['response_format not an object', { messages: ok, response_format: 'json' }, 'response_format'],
    ['response_format unknown type', { messages: ok, response_format: { type: 'xml' } }, 'response_format.type'],
    ['json_schema missing', { messages: ok, response_format: { type: 'json_schema' } }, 'response_format.json_schema'],
    ['json_schema without name', { messages: ok, response_format: { type: 'json_schema', json_schema: { schema: {} } } }, 'response_format.json_schema.name'],
    ['json_schema without schema', { messages: ok, response_format: { type: 'json_schema', json_schema: { name: 'a' } } }, 'response_format.json_schema.schema'],
    ['json_schema strict not a boolean', { messages: ok, response_format: { type: 'json_schema', json_schema: { name: 'a', schema: {}, strict: 1 } } }, 'response_format.json_schema.strict'],
    ['reasoning_effort not a string', { messages: ok, reasoning_effort: 3 }, 'reasoning_effort'],
    ['reasoning_effort not an effort', { messages: ok, reasoning_effort: 'turbo' }, 'reasoning_effort'],
    ['model not a string', { messages: ok, model: 5 }, 'model'],
  ];

  it.each(cases)('%s → 400 with param %s', (_name, body, param) => {
    let caught: unknown;
    try {
      chatToResponsesRequest(body, classic, opts);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    const apiError = caught as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.type).toBe('invalid_request_error');
    expect(apiError.param).toBe(param);
  });

  it('explains n > 1 and lists the efforts when the value is no effort at all', () => {
    expect(() => translate({ messages: ok, n: 3 })).toThrow(/n > 1 is not supported/);
    expect(() => translate({ messages: ok, reasoning_effort: 'turbo' })).toThrow(
      "Unknown reasoning effort 'turbo'. Use one of: none, minimal, low, medium, high, xhigh, max, ultra (model 'bridge-classic' supports low, medium, high, xhigh).",
    );
  });

  it("moves an effort the model lacks to the nearest one it has (clients send 'minimal' for their lightest setting)", () => {
    expect(translate({ messages: ok, reasoning_effort: 'minimal' }).reasoning.effort).toBe('low');
    expect(translate({ messages: ok, reasoning_effort: 'none' }).reasoning.effort).toBe('low');
    expect(translate({ messages: ok, reasoning_effort: 'ultra' }).reasoning.effort).toBe('xhigh');
  });

  it('says which tool call lacks an answer and how to send one', () => {
    const messages = [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
    ];
    expect(() => translate({ messages, tools: [weather] })).toThrow(
      "Assistant tool call 'call_1' (messages[1].tool_calls[0]) has no tool message answering it; " +
        "send a {role:'tool', tool_call_id:'call_1'} message after it.",
    );
  });

  it('rejects images for a text-only model', () => {
    const textOnly = { ...classic, inputModalities: ['text'] };
    expect(() =>
      translate({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'https://x/y.png' }] }] }, textOnly),
    ).toThrow(/does not accept image input/);
  });

  it('treats null optional fields as not sent', () => {
    const request = translate({
      messages: [{ role: 'assistant', content: null, tool_calls: null, refusal: null }, { role: 'user', content: 'x' }],
      tools: null,
      tool_choice: null,
      stream: null,
      stream_options: null,
      response_format: null,
      reasoning_effort: null,
      parallel_tool_calls: null,
      n: null,
      functions: null,
    });
    expect(request.input).toEqual([user('x')]);
    expect(request.tool_choice).toBe('auto');
  });

  it('never throws anything but a 400 ApiError, whatever JSON it is given', () => {
    const message = fc.record(
      {
        role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function', 'x'),
        content: fc.oneof(fc.string(), fc.jsonValue(), fc.array(fc.record({ type: fc.constantFrom('text', 'image_url', 'refusal'), text: fc.jsonValue(), image_url: fc.jsonValue(), refusal: fc.jsonValue() }, { requiredKeys: ['type'] }))),
        tool_call_id: fc.oneof(fc.string(), fc.jsonValue()),
        tool_calls: fc.oneof(fc.jsonValue(), fc.array(fc.record({ id: fc.jsonValue(), type: fc.jsonValue(), function: fc.oneof(fc.jsonValue(), fc.record({ name: fc.jsonValue(), arguments: fc.jsonValue() })) }))),
      },
      { requiredKeys: ['role'] },
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({
        messages: fc.oneof(fc.jsonValue(), fc.array(message, { maxLength: 5 })),
        tools: fc.oneof(fc.jsonValue(), fc.array(fc.record({ type: fc.constantFrom('function', 'x'), function: fc.jsonValue() }))),
        tool_choice: fc.jsonValue(),
        response_format: fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('text', 'json_object', 'json_schema'), json_schema: fc.jsonValue() })),
        reasoning_effort: fc.oneof(fc.constantFrom('low', 'ultra'), fc.jsonValue()),
        n: fc.jsonValue(),
        stream: fc.jsonValue(),
      }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(body, (value) => {
        try {
          chatToResponsesRequest(value, classic, opts);
          chatToResponsesRequest(value, lite, opts);
        } catch (error) {
          return error instanceof ApiError && error.status === 400;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});

describe('isResponsesShaped', () => {
  it('recognises Cursor agent bodies (input, no messages) and nothing else', () => {
    expect(isResponsesShaped({ model: 'm', input: [], instructions: 'x', include: ['reasoning.encrypted_content'] })).toBe(true);
    expect(isResponsesShaped({ model: 'm', input: 'hi' })).toBe(true);
    expect(isResponsesShaped({ model: 'm', messages: [], input: [] })).toBe(false);
    expect(isResponsesShaped({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).toBe(false);
    expect(isResponsesShaped([])).toBe(false);
    expect(isResponsesShaped(null)).toBe(false);
  });
});
