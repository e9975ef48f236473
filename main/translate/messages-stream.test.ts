import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { MessageAssembler } from './messages-assemble.js';
import { anthropicUsage, MessagesStreamTranslator } from './messages-stream.js';
import type { AnthropicStreamEvent } from './messages-types.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';

const OPTIONS = { id: 'msg_1', model: 'claude-sonnet-4-5', estimatedInputTokens: 10, includeThinking: true };
const USAGE = { input_tokens: 1000, input_tokens_details: { cached_tokens: 900 }, output_tokens: 7 };
const completed: ResponsesEvent = { type: 'response.completed', response: { usage: USAGE } };

function run(events: ResponsesEvent[], includeThinking = true): AnthropicStreamEvent[] {
  const translator = new MessagesStreamTranslator({ ...OPTIONS, includeThinking });
  return [...events.flatMap((event) => translator.push(event)), ...translator.finish()];
}

function assemble(events: AnthropicStreamEvent[]) {
  const assembler = new MessageAssembler();
  for (const event of events) assembler.push(event);
  return assembler.result();
}

describe('Responses events → Messages events', () => {
  it('a call seen only at output_item.done still becomes a whole tool_use block', () => {
    const events = run([
      { type: 'response.output_item.done', output_index: 0, item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'Write', arguments: '{"a":1}' } },
      completed,
    ]);
    expect(events.map((event) => event.type)).toEqual([
      'message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
    ]);
    expect(assemble(events)).toMatchObject({ stop_reason: 'tool_use', content: [{ type: 'tool_use', id: 'call_1', name: 'Write', input: { a: 1 } }] });
  });

  it('separates summary paragraphs by a blank line and leaves thinking out unless asked', () => {
    const summary = (index: number, delta: string): ResponsesEvent => ({ type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', summary_index: index, delta });
    const events = [summary(0, 'First.'), summary(1, 'Second.'), { type: 'response.output_item.done', output_index: 0, item: { type: 'reasoning', id: 'rs_1' } }, completed];
    expect(assemble(run(events)).content).toEqual([{ type: 'thinking', thinking: 'First.\n\nSecond.', signature: '' }]);
    expect(assemble(run(events, false)).content).toEqual([]);
  });

  it('maps refusals and incomplete responses onto refusal and max_tokens', () => {
    const refusal: ResponsesEvent = { type: 'response.refusal.delta', item_id: 'msg_1', delta: 'I cannot help.' };
    expect(assemble(run([refusal, completed]))).toMatchObject({ stop_reason: 'refusal', content: [{ type: 'text', text: 'I cannot help.' }] });
    const filtered: ResponsesEvent = { type: 'response.incomplete', response: { incomplete_details: { reason: 'content_filter' } } };
    expect(assemble(run([filtered])).stop_reason).toBe('refusal');
    const cut: ResponsesEvent = { type: 'response.incomplete', response: { incomplete_details: { reason: 'max_output_tokens' } } };
    expect(assemble(run([cut])).stop_reason).toBe('max_tokens');
  });

  it('counts cached prompt tokens apart from the rest of the input, as Anthropic does', () => {
    expect(anthropicUsage(USAGE)).toEqual({ input_tokens: 100, output_tokens: 7, cache_read_input_tokens: 900, cache_creation_input_tokens: 0 });
    expect(anthropicUsage(null)).toEqual({ input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });

  it('a stream without its terminal event is an error, never a complete-looking message', () => {
    expect(() => run([{ type: 'response.output_text.delta', item_id: 'msg_1', delta: 'half' }])).toThrow(ApiError);
  });
});
