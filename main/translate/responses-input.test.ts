import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { Instruction } from './codex-request.js';
import { parseInput } from './responses-input.js';

const IMAGE = 'data:image/png;base64,iVBORw0KGgo=';
const user = { role: 'user', content: 'hi' };
const call = { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{}' };
const output = { type: 'function_call_output', call_id: 'call_1', output: 'x' };
const customCall = { type: 'custom_tool_call', call_id: 'ct_1', name: 'exec', input: 'ls' };
const customOutput = { type: 'custom_tool_call_output', call_id: 'ct_1', output: 'a.txt' };

function rejection(input: unknown): ApiError {
  try {
    parseInput(input);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('parseInput accepted the input');
}

describe('parseInput: accepted items', () => {
  it('checks every part of a message and forwards the parts it read, keeping item-level extras', () => {
    const items = parseInput([
      {
        id: 'msg_1',
        role: 'user',
        status: 'completed',
        content: [
          { type: 'input_text', text: 'look' },
          { type: 'input_image', image_url: IMAGE, detail: 'low' },
          { type: 'input_image', image_url: 'https://example.com/a.png' },
        ],
      },
      { type: 'message', role: 'developer', content: [{ type: 'input_image', image_url: IMAGE }] },
      { role: 'assistant', content: [{ type: 'output_text', text: 'ok' }, { type: 'refusal', refusal: 'no' }] },
    ]);
    expect(items).toEqual([
      {
        type: 'message',
        role: 'user',
        status: 'completed',
        content: [
          { type: 'input_text', text: 'look' },
          { type: 'input_image', image_url: IMAGE, detail: 'low' },
          { type: 'input_image', image_url: 'https://example.com/a.png' },
        ],
      },
      { type: 'message', role: 'developer', content: [{ type: 'input_image', image_url: IMAGE }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok' }, { type: 'refusal', refusal: 'no' }] },
    ]);
  });

  it('turns system messages (string, input_text or text parts) into instructions', () => {
    expect(parseInput([{ role: 'system', content: [{ type: 'input_text', text: 'a' }, { type: 'text', text: 'b' }] }])).toEqual([
      new Instruction(['a', 'b']),
    ]);
    expect(parseInput([{ role: 'system', content: 'c' }])).toEqual([new Instruction(['c'])]);
  });

  it('accepts paired function and custom tool calls, with string or part-list outputs (Codex CLI shape)', () => {
    const partsOutput = { ...customOutput, output: [{ type: 'input_text', text: 'a.txt' }, { type: 'input_image', image_url: IMAGE }] };
    expect(parseInput([user, call, output, customCall, partsOutput]).slice(1)).toEqual([call, output, customCall, partsOutput]);
  });

  it('pairs calls and outputs by call_id in any order', () => {
    expect(parseInput([output, call])).toEqual([output, call]);
  });

  it('forwards reasoning items, giving an encrypted-only one the summary the backend requires', () => {
    expect(parseInput([{ id: 'rs_1', type: 'reasoning', encrypted_content: 'gAAA' }])).toEqual([
      { type: 'reasoning', encrypted_content: 'gAAA', summary: [] },
    ]);
    const summarised = { type: 'reasoning', summary: [{ type: 'summary_text', text: 'thought' }] };
    expect(parseInput([summarised])).toEqual([summarised]);
  });

  it.each([
    '01-plain-request.json',
    '02-code-mode-followup-request.json',
    '03-function-call-followup-request.json',
    '07-tui-title-request.json',
  ])('accepts every item of the real Codex CLI request %s, ids stripped and nothing else changed', (name) => {
    const capture = JSON.parse(readFileSync(new URL(`../../test/fixtures/codex-cli/${name}`, import.meta.url), 'utf8')) as {
      body: { input: Array<Record<string, unknown>> };
    };
    const withoutIds = capture.body.input.map(({ id: _id, ...item }) => item);
    expect(parseInput(capture.body.input)).toEqual(withoutIds);
  });

  it('forwards the item kinds the backend takes unchecked (server-side tool history)', () => {
    const search = { type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'x' } };
    expect(parseInput([user, search])[1]).toEqual(search);
  });
});

describe('parseInput: rejected items', () => {
  const cases: Array<[string, unknown[], string]> = [
    ['part without a type', [{ role: 'user', content: [{ text: 'hi' }] }], 'input[0].content[0].type'],
    ['input_text without text', [user, user, { role: 'user', content: [{ type: 'input_text' }] }], 'input[2].content[0].text'],
    ['input_text with a number', [{ role: 'developer', content: [{ type: 'input_text', text: 1 }] }], 'input[0].content[0].text'],
    ['input_image without image_url', [{ role: 'user', content: [{ type: 'input_image' }] }], 'input[0].content[0].image_url'],
    ['input_image with an unusable URL', [{ role: 'user', content: [{ type: 'input_image', image_url: 'nope' }] }], 'input[0].content[0].image_url'],
    ['input_image with a non-image data URL', [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:text/plain;base64,aGk=' }] }], 'input[0].content[0].image_url'],
    ['input_image detail not a string', [{ role: 'user', content: [{ type: 'input_image', image_url: IMAGE, detail: 1 }] }], 'input[0].content[0].detail'],
    ['output_text in a user message', [{ role: 'user', content: [{ type: 'output_text', text: 'x' }] }], 'input[0].content[0].type'],
    ['input_text in an assistant message', [{ role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }], 'input[0].content[0].type'],
    ['output_text without text', [{ role: 'assistant', content: [{ type: 'output_text' }] }], 'input[0].content[0].text'],
    ['refusal without refusal', [{ role: 'assistant', content: [{ type: 'refusal' }] }], 'input[0].content[0].refusal'],
    ['part not an object', [{ role: 'user', content: ['hi'] }], 'input[0].content[0]'],
    ['system image part', [{ role: 'system', content: [{ type: 'input_image', image_url: IMAGE }] }], 'input[0].content[0].type'],
    ['message without content', [{ role: 'user' }], 'input[0].content'],
    ['function_call with non-string arguments', [user, { ...call, arguments: true }, output], 'input[1].arguments'],
    ['function_call without call_id', [{ type: 'function_call', name: 'f', arguments: '{}' }], 'input[0].call_id'],
    ['function_call without name', [{ type: 'function_call', call_id: 'c', arguments: '{}' }], 'input[0].name'],
    ['function_call_output with an object output', [call, { ...output, output: {} }], 'input[1].output'],
    ['function_call_output without output', [call, { type: 'function_call_output', call_id: 'call_1' }], 'input[1].output'],
    ['function_call_output with an output_text part', [call, { ...output, output: [{ type: 'output_text', text: 'x' }] }], 'input[1].output[0].type'],
    ['function_call_output part without text', [call, { ...output, output: [{ type: 'input_text' }] }], 'input[1].output[0].text'],
    ['custom_tool_call without input', [{ type: 'custom_tool_call', call_id: 'ct_1', name: 'exec' }, customOutput], 'input[0].input'],
    ['custom_tool_call_output without call_id', [customCall, { type: 'custom_tool_call_output', output: 'x' }], 'input[1].call_id'],
    ['reasoning with neither summary nor encrypted_content', [{ type: 'reasoning' }], 'input[0]'],
    ['reasoning summary not an array', [{ type: 'reasoning', summary: 'x', encrypted_content: 'gAAA' }], 'input[0].summary'],
    ['reasoning encrypted_content not a string', [{ type: 'reasoning', summary: [], encrypted_content: 1 }], 'input[0].encrypted_content'],
    ['unknown item type', [user, { type: 'mystery_item' }], 'input[1].type'],
    ['type not a string', [{ type: 7 }], 'input[0].type'],
  ];

  it.each(cases)('%s → 400 with param %s', (_name, input, param) => {
    const error = rejection(input);
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(param);
  });

  it('names the supported item types when the type is unknown', () => {
    expect(rejection([{ type: 'mystery_item' }]).message).toBe(
      'Unsupported item type "mystery_item" in \'input[0]\'. Supported types: message, function_call, function_call_output, ' +
        'custom_tool_call, custom_tool_call_output, reasoning, additional_tools, web_search_call, local_shell_call, ' +
        'image_generation_call, tool_search_call, tool_search_output, compaction, agent_message.',
    );
  });

  it('names the supported part types for the role', () => {
    expect(rejection([{ role: 'assistant', content: [{ type: 'input_image', image_url: IMAGE }] }]).message).toBe(
      'Unsupported content part type "input_image" in \'input[0].content[0]\'. Supported here: output_text, refusal.',
    );
  });

  it.each([
    ['an output without its function call', [user, output], 'No tool call found for function call output with call_id call_1.', 'input[1].call_id'],
    ['a function call without its output', [user, call], 'No tool output found for function call call_1.', 'input[1].call_id'],
    ['a custom output without its call', [customOutput], 'No tool call found for custom tool call output with call_id ct_1.', 'input[0].call_id'],
    ['a custom call without its output', [user, user, customCall], 'No tool output found for custom tool call ct_1.', 'input[2].call_id'],
    ['a function output answering a custom call', [customCall, { ...output, call_id: 'ct_1' }], 'No tool call found for function call output with call_id ct_1.', 'input[1].call_id'],
  ])('rejects %s with the backend message', (_name, input, message, param) => {
    const error = rejection(input);
    expect(error.message).toBe(message);
    expect(error.param).toBe(param);
  });
});
