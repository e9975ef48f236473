import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import type { ModelTarget } from '../models/model-target.js';
import { DEFAULT_INSTRUCTIONS } from './codex-request.js';
import { normalizeResponsesRequest } from './responses-request.js';

const classic: ModelTarget = {
  alias: 'bridge-classic',
  slug: 'gpt-5.5',
  effort: 'medium',
  lite: false,
  supportsParallelToolCalls: true,
  efforts: ['low', 'medium', 'high'],
  inputModalities: ['text', 'image'],
};
const lite: ModelTarget = { ...classic, alias: 'bridge-lite', slug: 'gpt-6.2-sol', effort: 'low', lite: true };
const opts = { promptCacheKey: 'key-9' };

function normalize(body: Record<string, unknown>, target: ModelTarget = classic) {
  return normalizeResponsesRequest(body, target, opts);
}

const userItem = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

describe('normalizeResponsesRequest', () => {
  it('turns a string input into one user message and sets the fields the backend insists on', () => {
    expect(normalize({ model: 'bridge-classic', input: 'hi', stream: false })).toEqual({
      model: 'gpt-5.5',
      instructions: DEFAULT_INSTRUCTIONS,
      input: [userItem('hi')],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'key-9',
    });
  });

  it('forwards only what the backend accepts (Cursor agent body)', () => {
    const request = normalize({
      model: 'bridge-classic',
      instructions: 'You are Cursor.',
      input: [{ role: 'user', content: 'hi' }],
      include: ['reasoning.encrypted_content', 'message.output_text.logprobs'],
      reasoning: { effort: 'high', summary: 'detailed' },
      text: { verbosity: 'low', format: { type: 'text' } },
      stream_options: { include_obfuscation: false },
      max_output_tokens: 100,
      temperature: 1,
      top_p: 1,
      truncation: 'auto',
      user: 'u',
      safety_identifier: 's',
      prompt_cache_retention: '24h',
      metadata: {},
      store: true,
      service_tier: 'flex',
      prompt_cache_key: 'client-key',
      background: false,
    });
    expect(request).toEqual({
      model: 'gpt-5.5',
      instructions: 'You are Cursor.',
      input: [userItem('hi')],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      reasoning: { effort: 'high', summary: 'detailed' },
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'key-9',
      text: { verbosity: 'low', format: { type: 'text' } },
    });
  });

  it('classic: system items and client instructions become top-level instructions, in order', () => {
    const request = normalize({
      instructions: 'first',
      input: [
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'second' }] },
        { role: 'developer', content: 'stays a developer item' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(request.instructions).toBe('first\n\nsecond');
    expect(request.input).toEqual([
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'stays a developer item' }] },
      userItem('hi'),
    ]);
  });

  it('lite: instructions and system items become developer items; no top-level instructions', () => {
    const request = normalize(
      { instructions: 'first', input: [{ role: 'user', content: 'hi' }, { role: 'system', content: 'later' }] },
      lite,
    );
    expect(request.instructions).toBeUndefined();
    expect(request.reasoning).toEqual({ effort: 'low', summary: 'auto', context: 'all_turns' });
    expect(request.parallel_tool_calls).toBe(false);
    expect(request.input).toEqual([
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'first' }] },
      userItem('hi'),
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'later' }] },
    ]);
  });

  it('strips item ids and keeps other item kinds verbatim', () => {
    const request = normalize({
      input: [
        { id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'run ls' }] },
        { id: 'rs_1', type: 'reasoning', summary: [], encrypted_content: 'gAAA' },
        { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'sh', arguments: '{}', status: 'completed' },
        { id: 'fco_1', type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
        { role: 'assistant', content: 'done' },
      ],
    });
    expect(request.input).toEqual([
      userItem('run ls'),
      { type: 'reasoning', summary: [], encrypted_content: 'gAAA' },
      { type: 'function_call', call_id: 'call_1', name: 'sh', arguments: '{}', status: 'completed' },
      { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
    ]);
  });

  it('classic: keeps tools top-level, flattening chat-shaped function tools', () => {
    const request = normalize({
      input: 'x',
      tools: [
        { type: 'function', name: 'flat', parameters: { type: 'object', properties: {} } },
        { type: 'function', function: { name: 'wrapped', description: 'd' } },
        { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
      ],
      tool_choice: { type: 'function', function: { name: 'wrapped' } },
    });
    expect(request.tools).toEqual([
      { type: 'function', name: 'flat', parameters: { type: 'object', properties: {} } },
      { type: 'function', name: 'wrapped', description: 'd', strict: false, parameters: { type: 'object', properties: {} } },
      { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
    ]);
    expect(request.tool_choice).toEqual({ type: 'function', name: 'wrapped' });
  });

  it('lite: moves tools into the additional_tools item, client namespaces as siblings', () => {
    const namespace = { type: 'namespace', name: 'mcp', description: 'MCP tools', tools: [] };
    const request = normalize(
      { input: 'x', tools: [{ type: 'function', name: 'f', parameters: {} }, namespace], parallel_tool_calls: true },
      lite,
    );
    expect(request.tools).toBeUndefined();
    expect(request.parallel_tool_calls).toBe(true);
    expect(request.input[0]).toEqual({
      type: 'additional_tools',
      role: 'developer',
      tools: [{ type: 'namespace', name: 'functions', description: '', tools: [{ type: 'function', name: 'f', parameters: {} }] }, namespace],
    });
  });

  it('keeps a json_schema text format', () => {
    const schema = { type: 'object', properties: {} };
    expect(normalize({ input: 'x', text: { format: { type: 'json_schema', name: 'out', schema, strict: true } } }).text).toEqual({
      format: { type: 'json_schema', name: 'out', schema, strict: true },
    });
  });

  const cases: Array<[string, unknown, string | null]> = [
    ['body not an object', 'hi', null],
    ['input missing', {}, 'input'],
    ['input a number', { input: 1 }, 'input'],
    ['item not an object', { input: ['hi'] }, 'input[0]'],
    ['item without type or role', { input: [{ content: 'x' }] }, 'input[0].type'],
    ['item reference', { input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
    ['message with a bad role', { input: [{ role: 'robot', content: 'x' }] }, 'input[0].role'],
    ['message content a number', { input: [{ role: 'user', content: 1 }] }, 'input[0].content'],
    ['system message with an image', { input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'x' }] }] }, 'input[0].content[0].type'],
    ['previous_response_id', { input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id'],
    ['stream not a boolean', { input: 'x', stream: 'yes' }, 'stream'],
    ['instructions not a string', { input: 'x', instructions: 1 }, 'instructions'],
    ['tools not an array', { input: 'x', tools: {} }, 'tools'],
    ['tool without type', { input: 'x', tools: [{ name: 'f' }] }, 'tools[0].type'],
    ['flat function tool without name', { input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name'],
    ['wrapped function tool without name', { input: 'x', tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name'],
    ['tool_choice unknown', { input: 'x', tool_choice: 'any' }, 'tool_choice'],
    ['reasoning not an object', { input: 'x', reasoning: 'high' }, 'reasoning'],
    ['reasoning effort not an effort', { input: 'x', reasoning: { effort: 'turbo' } }, 'reasoning.effort'],
    ['text not an object', { input: 'x', text: 'json' }, 'text'],
    ['text format unknown', { input: 'x', text: { format: { type: 'xml' } } }, 'text.format.type'],
    ['json_schema without schema', { input: 'x', text: { format: { type: 'json_schema', name: 'n' } } }, 'text.format.schema'],
  ];

  it.each(cases)('%s → 400 with param %s', (_name, body, param) => {
    let caught: unknown;
    try {
      normalizeResponsesRequest(body, classic, opts);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).status).toBe(400);
    expect((caught as ApiError).param).toBe(param);
  });
});
