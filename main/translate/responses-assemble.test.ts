import { describe, expect, it } from 'vitest';
import { assembleResponse } from '../../test/support/collect-events.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';

const item = (id: string) => ({ id, type: 'message', role: 'assistant', content: [{ type: 'output_text', text: id }] });
const done = (at: number, id: string): ResponsesEvent => ({ type: 'response.output_item.done', output_index: at, item: item(id) });

describe('assembleResponse', () => {
  it('fills an empty completed output from output_item.done items, in output_index order', () => {
    const response = assembleResponse([
      { type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } },
      done(1, 'second'),
      done(0, 'first'),
      { type: 'response.completed', response: { id: 'resp_1', status: 'completed', output: [], usage: { total_tokens: 3 } } },
    ]);
    expect(response).toEqual({ id: 'resp_1', status: 'completed', output: [item('first'), item('second')], usage: { total_tokens: 3 } });
  });

  it('keeps a non-empty completed output as the backend sent it', () => {
    const response = assembleResponse([done(0, 'streamed'), { type: 'response.completed', response: { id: 'r', output: [item('final')] } }]);
    expect(response.output).toEqual([item('final')]);
  });

  it('returns an incomplete response as is (status incomplete), with its items', () => {
    const response = assembleResponse([done(0, 'partial'), { type: 'response.incomplete', response: { id: 'r', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } }]);
    expect(response).toMatchObject({ status: 'incomplete', output: [item('partial')] });
  });

  it('throws the mapped error for response.failed and a 502 for a stream without an end', () => {
    expect(() => assembleResponse([{ type: 'response.failed', response: { error: { code: 'server_is_overloaded' } } }])).toThrow(
      expect.objectContaining({ status: 503 }),
    );
    expect(() => assembleResponse([done(0, 'x')])).toThrow(expect.objectContaining({ status: 502, code: 'stream_incomplete' }));
  });
});
