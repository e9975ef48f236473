import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';
import { ChatStreamTranslator, type ChatStreamOptions } from './chat-stream.js';
import type { ChatCompletionChunk } from './types.js';

const meta = { id: 'chatcmpl-1', model: 'bridge-pro', created: 1_700_000_000 };
const usage = {
  input_tokens: 1200,
  input_tokens_details: { cached_tokens: 1024 },
  output_tokens: 80,
  output_tokens_details: { reasoning_tokens: 64 },
  total_tokens: 1280,
};

function translator(options: Partial<ChatStreamOptions> = {}) {
  return new ChatStreamTranslator({ ...meta, includeUsage: false, includeReasoning: false, ...options });
}

function run(t: ChatStreamTranslator, events: ResponsesEvent[]): ChatCompletionChunk[] {
  return events.flatMap((event) => t.push(event));
}

const ev = {
  created: (): ResponsesEvent => ({ type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } }),
  messageAdded: (id: string, at: number): ResponsesEvent => ({
    type: 'response.output_item.added',
    output_index: at,
    item: { id, type: 'message', role: 'assistant', content: [] },
  }),
  text: (itemId: string, delta: string): ResponsesEvent => ({ type: 'response.output_text.delta', item_id: itemId, delta }),
  callAdded: (id: string, callId: string, name: string, at: number): ResponsesEvent => ({
    type: 'response.output_item.added',
    output_index: at,
    item: { id, type: 'function_call', name, call_id: callId, arguments: '' },
  }),
  args: (itemId: string, at: number, delta: string): ResponsesEvent => ({
    type: 'response.function_call_arguments.delta',
    item_id: itemId,
    output_index: at,
    delta,
  }),
  callDone: (id: string, callId: string, name: string, at: number, args: string): ResponsesEvent => ({
    type: 'response.output_item.done',
    output_index: at,
    item: { id, type: 'function_call', status: 'completed', name, call_id: callId, arguments: args },
  }),
  summary: (itemId: string, index: number, delta: string): ResponsesEvent => ({
    type: 'response.reasoning_summary_text.delta',
    item_id: itemId,
    summary_index: index,
    delta,
  }),
  completed: (output: unknown[] = []): ResponsesEvent => ({
    type: 'response.completed',
    response: { id: 'resp_1', status: 'completed', output, usage },
  }),
  incomplete: (reason: string): ResponsesEvent => ({
    type: 'response.incomplete',
    response: { id: 'resp_1', status: 'incomplete', incomplete_details: { reason } },
  }),
};

const deltas = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta);
const finishes = (chunks: ChatCompletionChunk[]) =>
  chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter((reason) => reason !== null);

describe('ChatStreamTranslator', () => {
  it('streams text: role chunk first, one chunk per delta, one final stop chunk, in the OpenAI shape', () => {
    const t = translator();
    const chunks = run(t, [ev.created(), ev.messageAdded('msg_1', 0), ev.text('msg_1', 'Hel'), ev.text('msg_1', 'lo'), ev.completed()]);
    expect(chunks).toEqual([
      { ...meta, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
      { ...meta, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hel' }, logprobs: null, finish_reason: null }] },
      { ...meta, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'lo' }, logprobs: null, finish_reason: null }] },
      { ...meta, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
    ]);
    expect(t.push(ev.text('msg_1', 'late'))).toEqual([]);
    expect(t.finish()).toEqual([]);
  });

  it('adds usage: null to every chunk and a final usage chunk when include_usage is on', () => {
    const chunks = run(translator({ includeUsage: true }), [ev.text('msg_1', 'hi'), ev.completed()]);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)).toEqual({
      ...meta,
      object: 'chat.completion.chunk',
      choices: [],
      usage: {
        prompt_tokens: 1200,
        completion_tokens: 80,
        total_tokens: 1280,
        prompt_tokens_details: { cached_tokens: 1024 },
        completion_tokens_details: { reasoning_tokens: 64 },
      },
    });
    expect(run(translator(), [ev.completed()]).some((chunk) => 'usage' in chunk)).toBe(false);
  });

  it('gives parallel tool calls distinct indices and ends with exactly one tool_calls chunk', () => {
    const t = translator();
    const chunks = run(t, [
      ev.created(),
      ev.messageAdded('msg_1', 0),
      ev.text('msg_1', 'Checking.'),
      ev.callAdded('fc_1', 'call_a', 'get_weather', 1),
      ev.args('fc_1', 1, '{"city":'),
      ev.args('fc_1', 1, '"Oslo"}'),
      ev.callDone('fc_1', 'call_a', 'get_weather', 1, '{"city":"Oslo"}'),
      ev.callAdded('fc_2', 'call_b', 'get_time', 2),
      ev.args('fc_2', 2, '{}'),
      ev.callDone('fc_2', 'call_b', 'get_time', 2, '{}'),
      ev.completed(),
    ]);
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Checking.' },
      { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
    ]);
    expect(finishes(chunks)).toEqual(['tool_calls']);
    // Nothing after the final chunk, not even a failure.
    expect(t.push(ev.completed())).toEqual([]);
    expect(t.push({ type: 'response.failed', response: { error: { code: 'server_error' } } })).toEqual([]);
  });

  it('emits a call that only appears at output_item.done whole, and completes truncated argument deltas', () => {
    const chunks = run(translator(), [
      ev.callDone('fc_1', 'call_a', 'ls', 0, '{"path":"."}'),
      ev.callAdded('fc_2', 'call_b', 'cat', 1),
      ev.args('fc_2', 1, '{"file":'),
      ev.callDone('fc_2', 'call_b', 'cat', 1, '{"file":"a"}'),
      ev.completed(),
    ]);
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: '' },
      { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'ls', arguments: '{"path":"."}' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'cat', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{"file":' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '"a"}' } }] },
      {},
    ]);
    expect(finishes(chunks)).toEqual(['tool_calls']);
  });

  it('separates text of two message items (commentary, final answer) by a blank line', () => {
    const chunks = run(translator(), [ev.text('msg_1', 'Looking.'), ev.text('msg_2', 'Done.'), ev.completed()]);
    expect(deltas(chunks).slice(1, 3)).toEqual([{ content: 'Looking.' }, { content: '\n\nDone.' }]);
  });

  it('surfaces reasoning summaries as reasoning_content only when asked, paragraphs separated', () => {
    const events = [ev.summary('rs_1', 0, '**Plan**'), ev.summary('rs_1', 0, ' a'), ev.summary('rs_1', 1, 'b'), ev.text('m', 'x'), ev.completed()];
    expect(deltas(run(translator({ includeReasoning: true }), events))).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: '**Plan**' },
      { reasoning_content: ' a' },
      { reasoning_content: '\n\nb' },
      { content: 'x' },
      {},
    ]);
    expect(deltas(run(translator(), events))).toEqual([{ role: 'assistant', content: '' }, { content: 'x' }, {}]);
  });

  it('streams refusals as delta.refusal', () => {
    const chunks = run(translator(), [{ type: 'response.refusal.delta', item_id: 'm', delta: 'No.' }, ev.completed()]);
    expect(deltas(chunks)[1]).toEqual({ refusal: 'No.' });
  });

  it('answers an empty completion with the role chunk and a stop chunk', () => {
    const chunks = run(translator(), [ev.created(), ev.completed()]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: '' }, {}]);
    expect(finishes(chunks)).toEqual(['stop']);
  });

  it.each([
    ['max_output_tokens', 'length'],
    ['content_filter', 'content_filter'],
  ])('maps response.incomplete (%s) to finish_reason %s', (reason, finish) => {
    const chunks = run(translator(), [ev.text('m', 'partial'), ev.incomplete(reason)]);
    expect(finishes(chunks)).toEqual([finish]);
  });

  it('throws the mapped ApiError for other incomplete reasons and for response.failed', () => {
    const t = translator();
    expect(() => t.push(ev.incomplete('interrupted'))).toThrow('Incomplete response returned, reason: interrupted');
    const failed: ResponsesEvent = {
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Please try again in 2s.' } },
    };
    let caught: unknown;
    try {
      translator().push(failed);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ApiError);
    expect((caught as ApiError).status).toBe(429);
    expect((caught as ApiError).headers).toEqual({ 'retry-after': '2' });
  });

  it('refuses to end a stream that never completed', () => {
    const t = translator();
    t.push(ev.created());
    t.push(ev.messageAdded('m', 0));
    expect(t.push(ev.text('m', 'x'))).toHaveLength(2);
    expect(() => t.finish()).toThrow(expect.objectContaining({ status: 502, code: 'stream_incomplete' }));
  });
});
