import { describe, expect, it } from 'vitest';
import { assembleChatCompletion } from '../../test/support/collect-events.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';
import { ChatCompletionCollector } from './chat-assemble.js';


const meta = { id: 'chatcmpl-2', model: 'bridge-pro', created: 1_700_000_001 };
const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 15 };

const done = (item: Record<string, unknown>, at: number): ResponsesEvent => ({ type: 'response.output_item.done', output_index: at, item });
// The real backend's response.completed may carry an empty output: the items must come from output_item.done.
const completed: ResponsesEvent = { type: 'response.completed', response: { id: 'resp_1', status: 'completed', output: [], usage } };
const reasoning = { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan A' }, { type: 'summary_text', text: 'Plan B' }], encrypted_content: 'gAAA' };
const message = (text: string) => ({ id: 'msg_1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });
const call = (callId: string, name: string, args: string) => ({ id: `fc_${callId}`, type: 'function_call', call_id: callId, name, arguments: args });

describe('assembleChatCompletion', () => {
  it('builds the message from output_item.done items when response.completed has an empty output', () => {
    const events: ResponsesEvent[] = [
      { type: 'response.created', response: { id: 'resp_1' } },
      { type: 'response.output_text.delta', item_id: 'msg_1', delta: 'ignored: the done item is authoritative' },
      done(reasoning, 0),
      done({ ...message('Hello'), content: [{ type: 'output_text', text: 'Hel' }, { type: 'output_text', text: 'lo' }] }, 1),
      completed,
    ];
    expect(assembleChatCompletion(events, meta)).toEqual({
      ...meta,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 2 },
      },
    });
  });

  it('returns tool calls with content null and finish_reason tool_calls', () => {
    const result = assembleChatCompletion([done(call('call_a', 'ls', '{}'), 0), done(call('call_b', 'pwd', '{"x":1}'), 1), completed], meta);
    expect(result.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'ls', arguments: '{}' } },
          { id: 'call_b', type: 'function', function: { name: 'pwd', arguments: '{"x":1}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('keeps text next to tool calls, collects refusals, adds reasoning_content when requested', () => {
    const refusal = { id: 'msg_2', type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: 'Cannot.' }] };
    const events = [done(reasoning, 0), done(message('Running.'), 1), done(refusal, 2), done(call('c', 'ls', '{}'), 3), completed];
    const result = new ChatCompletionCollector({ ...meta, includeReasoning: true });
    events.forEach((event) => result.push(event));
    expect(result.result().choices[0]?.message).toEqual({
      role: 'assistant',
      content: 'Running.',
      refusal: 'Cannot.',
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'ls', arguments: '{}' } }],
      reasoning_content: 'Plan A\n\nPlan B',
    });
  });

  it('answers an empty reply with content "" (not null)', () => {
    expect(assembleChatCompletion([completed], meta).choices[0]?.message.content).toBe('');
  });

  it('falls back to response.completed.output when no output_item.done arrived', () => {
    const withOutput: ResponsesEvent = { type: 'response.completed', response: { output: [message('from completed')], usage } };
    expect(assembleChatCompletion([withOutput], meta).choices[0]?.message.content).toBe('from completed');
  });

  it('maps max_output_tokens to finish_reason length and throws for failures or a stream that never ended', () => {
    const incomplete: ResponsesEvent = { type: 'response.incomplete', response: { incomplete_details: { reason: 'max_output_tokens' } } };
    expect(assembleChatCompletion([done(message('cut'), 0), incomplete], meta).choices[0]?.finish_reason).toBe('length');
    const failed: ResponsesEvent = { type: 'response.failed', response: { error: { code: 'context_length_exceeded', message: 'too long' } } };
    expect(() => assembleChatCompletion([failed], meta)).toThrow(expect.objectContaining({ status: 400, code: 'context_length_exceeded' }));
    expect(() => assembleChatCompletion([done(message('x'), 0)], meta)).toThrow(expect.objectContaining({ status: 502, code: 'stream_incomplete' }));
  });
});
