/**
 * The translators against the real Codex CLI captures (test/fixtures/codex-cli): request shapes must match what
 * codex-cli 0.171.0 sends, and the captured SSE replies must translate to the expected Chat Completions output.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import type { ModelTarget } from '../models/model-target.js';
import { assembleChatCompletion, assembleResponse } from '../../test/support/collect-events.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';
import { chatToResponsesRequest } from './chat-request.js';
import { ChatStreamTranslator } from './chat-stream.js';
import { isRecord, type JsonObject } from './json.js';
import type { ChatCompletionChunk } from './types.js';

const FIXTURES = new URL('../../test/fixtures/codex-cli/', import.meta.url);

function fixtureBody(name: string): JsonObject {
  const capture: unknown = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
  if (!isRecord(capture) || !isRecord(capture.body)) throw new Error(`${name} has no body`);
  return capture.body;
}

/** The JSON `data:` payloads of an .sse capture, in order. */
function sseEvents(name: string): ResponsesEvent[] {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
    .split(/\n\n+/)
    .flatMap((block) => block.split('\n').filter((line) => line.startsWith('data:')))
    .map((line) => JSON.parse(line.slice('data:'.length)) as ResponsesEvent);
}

/** The same events with `response.completed.output` emptied, as the real backend may send it. */
function withEmptyCompletedOutput(events: ResponsesEvent[]): ResponsesEvent[] {
  return events.map((event) =>
    event.type === 'response.completed' && isRecord(event.response) ? { ...event, response: { ...event.response, output: [] } } : event,
  );
}

function items(body: JsonObject): JsonObject[] {
  return Array.isArray(body.input) ? body.input.filter(isRecord) : [];
}

/** Key layout of an object (order matters), ignoring the CLI's bookkeeping fields. */
function keysOf(value: JsonObject): string[] {
  return Object.keys(value).filter((key) => key !== 'id' && key !== 'internal_chat_message_metadata_passthrough' && key !== 'status');
}

const base = { effort: 'low', supportsParallelToolCalls: true, efforts: ['low', 'medium', 'high'], inputModalities: ['text', 'image'] };
const lite: ModelTarget = { ...base, alias: 'bridge-sol', slug: 'gpt-6.2-sol', lite: true };
const classic: ModelTarget = { ...base, alias: 'bridge-55', slug: 'gpt-5.5', effort: 'medium', lite: false };
const tool = { type: 'function', function: { name: 'exec_command', description: 'Run a command', parameters: { type: 'object', properties: {} } } };
const chat = {
  messages: [
    { role: 'system', content: 'You are helpful.' },
    { role: 'user', content: 'run echo hi' },
    { role: 'assistant', tool_calls: [{ id: 'call_fake_1', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"echo hi"}' } }] },
    { role: 'tool', tool_call_id: 'call_fake_1', content: 'hi' },
  ],
  tools: [tool],
};

describe('request shapes match the Codex CLI captures', () => {
  const captured01 = fixtureBody('01-plain-request.json');
  const ours = chatToResponsesRequest(chat, lite, { promptCacheKey: 'k' });

  it('lite: the additional_tools item has the structure of capture 01', () => {
    const theirs = items(captured01)[0]!;
    const mine = ours.input[0] as unknown as JsonObject;
    expect(keysOf(mine)).toEqual(keysOf(theirs));
    expect([mine.type, mine.role]).toEqual([theirs.type, theirs.role]);
    const theirNamespace = (theirs.tools as JsonObject[])[0]!;
    const myNamespace = (mine.tools as JsonObject[])[0]!;
    expect(keysOf(myNamespace)).toEqual(keysOf(theirNamespace));
    expect([myNamespace.type, myNamespace.name, myNamespace.description]).toEqual([theirNamespace.type, theirNamespace.name, theirNamespace.description]);
    const theirFunction = (theirNamespace.tools as JsonObject[]).find((t) => t.type === 'function')!;
    expect(keysOf((myNamespace.tools as JsonObject[])[0]!)).toEqual(keysOf(theirFunction));
  });

  it('lite: the developer instruction item follows it, shaped like the base-instructions item of capture 01', () => {
    const theirs = items(captured01)[1]!;
    const mine = ours.input[1] as unknown as JsonObject;
    expect(keysOf(mine)).toEqual(keysOf(theirs));
    expect(mine.role).toBe('developer');
    expect((mine.content as JsonObject[])[0]).toEqual({ type: 'input_text', text: 'You are helpful.' });
    expect(Object.keys((theirs.content as JsonObject[])[0]!)).toEqual(['type', 'text']);
  });

  it('lite: top-level fields as in capture 01 (no instructions or tools, all_turns, parallel off)', () => {
    expect('instructions' in captured01).toBe(false);
    expect('instructions' in ours).toBe(false);
    expect('tools' in captured01).toBe(false);
    expect('tools' in ours).toBe(false);
    expect(ours.reasoning.context).toBe((captured01.reasoning as JsonObject).context);
    expect(ours.parallel_tool_calls).toBe(captured01.parallel_tool_calls);
    for (const field of ['store', 'stream', 'include', 'tool_choice'] as const) expect(ours[field]).toEqual(captured01[field]);
  });

  it('classic: top-level tools shaped like capture 03, tool history shaped like its follow-up', () => {
    const first = fixtureBody('03-function-call-first-request.json');
    const followup = items(fixtureBody('03-function-call-followup-request.json'));
    const mine = chatToResponsesRequest(chat, classic, { promptCacheKey: 'k' });
    const theirTool = (first.tools as JsonObject[]).find((t) => t.type === 'function')!;
    expect(keysOf(mine.tools![0] as JsonObject)).toEqual(keysOf(theirTool));
    expect(mine.parallel_tool_calls).toBe(first.parallel_tool_calls);
    const theirCall = followup.find((item) => item.type === 'function_call')!;
    const theirOutput = followup.find((item) => item.type === 'function_call_output')!;
    const myCall = mine.input.find((item) => item.type === 'function_call') as unknown as JsonObject;
    const myOutput = mine.input.find((item) => item.type === 'function_call_output') as unknown as JsonObject;
    expect(keysOf(myCall).sort()).toEqual(keysOf(theirCall).sort());
    expect(keysOf(myOutput).sort()).toEqual(keysOf(theirOutput).sort());
    expect([myCall.call_id, myCall.name, myCall.arguments]).toEqual([theirCall.call_id, theirCall.name, theirCall.arguments]);
  });
});

describe('captured SSE replies', () => {
  const stream = (events: ResponsesEvent[]) => {
    const translator = new ChatStreamTranslator({ id: 'c', model: 'bridge-sol', created: 1, includeUsage: true, includeReasoning: true });
    return events.flatMap((event) => translator.push(event));
  };
  const content = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  const meta = { id: 'c', model: 'bridge-sol', created: 1 };
  const expectedUsage = {
    prompt_tokens: 1234,
    completion_tokens: 56,
    total_tokens: 1290,
    prompt_tokens_details: { cached_tokens: 1000 },
    completion_tokens_details: { reasoning_tokens: 16 },
  };

  it('01 plain reply streams as text, one stop chunk and the mapped usage', () => {
    const chunks = stream(sseEvents('01-plain-response.sse'));
    expect(content(chunks)).toBe('hello from fake');
    expect(chunks.flatMap((chunk) => chunk.choices.map((c) => c.finish_reason)).filter(Boolean)).toEqual(['stop']);
    expect(chunks.at(-1)?.usage).toEqual(expectedUsage);
  });

  it('03 function call streams as one tool call with finish_reason tool_calls', () => {
    const chunks = stream(sseEvents('03-function-call-response.sse'));
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toEqual({ index: 0, id: 'call_fake_1', type: 'function', function: { name: 'exec_command', arguments: '' } });
    expect(calls.map((call) => call.function.arguments).join('')).toBe('{"cmd":"echo hi"}');
    expect(calls.every((call) => call.index === 0)).toBe(true);
    expect(chunks.flatMap((chunk) => chunk.choices.map((c) => c.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
  });

  it('non-stream assembly works with an empty response.completed output', () => {
    const text = assembleChatCompletion(withEmptyCompletedOutput(sseEvents('01-plain-response.sse')), meta);
    expect(text.choices[0]?.message.content).toBe('hello from fake');
    expect(text.usage).toEqual(expectedUsage);
    const call = assembleChatCompletion(withEmptyCompletedOutput(sseEvents('03-function-call-response.sse')), meta);
    expect(call.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_fake_1', type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"echo hi"}' } },
    ]);
    expect(call.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('the /v1/responses assembly rebuilds the output the backend left empty', () => {
    const original = sseEvents('03-function-call-final-response.sse');
    const completed = original.find((event) => event.type === 'response.completed')!.response as JsonObject;
    expect(assembleResponse(withEmptyCompletedOutput(original))).toEqual(completed);
  });

  it.each([
    ['05-response-failed-context-length.sse', 400, 'context_length_exceeded', {}],
    ['05-response-failed-insufficient-quota.sse', 429, 'insufficient_quota', {}],
    ['05-response-failed-rate-limit.sse', 429, 'rate_limit_exceeded', { 'retry-after': '2' }],
    ['05-response-failed-server-error.sse', 502, 'server_error', {}],
  ])('%s → %i %s', (file, status, code, headers) => {
    const events = sseEvents(file);
    for (const consume of [() => stream(events), () => assembleChatCompletion(events, meta), () => assembleResponse(events)]) {
      let caught: unknown;
      try {
        consume();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ApiError);
      expect(caught).toMatchObject({ status, code, headers });
    }
  });

  it('a stream cut after partial text shows output was sent and cannot be finished cleanly', () => {
    const translator = new ChatStreamTranslator({ ...meta, includeUsage: false, includeReasoning: false });
    const chunks = sseEvents('05-stream-disconnect-partial.sse').flatMap((event) => translator.push(event));
    expect(content(chunks)).toBe('partial ');
    expect(() => translator.finish()).toThrow(expect.objectContaining({ status: 502 }));
  });
});
