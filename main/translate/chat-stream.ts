/**
 * Responses stream events → Chat Completions chunks, one event at a time. Tool calls stream live
 * (output_item.added, then argument deltas) with a stable index per call; exactly one chunk carries a
 * finish_reason, and nothing is emitted after it (a second "stop" after "tool_calls" makes agents drop the calls).
 */
import type { ResponsesEvent } from '../upstream/sse-events.js';
import { isRecord, type JsonObject } from './json.js';
import { callId } from './output-items.js';
import { finishReason, readTerminal, streamEndedEarly } from './terminal.js';
import { mapUsage } from './usage.js';
import type { ChatCompletionChunk, ChatDelta, ChatFinishReason } from './types.js';

export interface ChatStreamOptions {
  id: string;
  /** The alias the client asked for. */
  model: string;
  created: number;
  includeUsage: boolean;
  includeReasoning: boolean;
}

interface ToolCallState {
  index: number;
  /** Arguments already sent to the client, to send only the missing tail at output_item.done. */
  sent: string;
}

export class ChatStreamTranslator {
  readonly #options: ChatStreamOptions;
  #emitted = false;
  #finished = false;
  #toolCalls = new Map<string, ToolCallState>();
  #nextToolIndex = 0;
  /** Which message item / summary paragraph the last text came from, to separate the next one by a blank line. */
  #lastTextSource: string | undefined;
  #lastReasoningSource: string | undefined;

  constructor(options: ChatStreamOptions) {
    this.#options = options;
  }

  push(event: ResponsesEvent): ChatCompletionChunk[] {
    if (this.#finished) return [];
    switch (event.type) {
      case 'response.output_text.delta':
        return this.#text(event, 'content');
      case 'response.refusal.delta':
        return this.#text(event, 'refusal');
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        return this.#reasoning(event);
      case 'response.output_item.added':
        return isRecord(event.item) && event.item.type === 'function_call' ? this.#toolCallStarted(event, event.item) : [];
      case 'response.function_call_arguments.delta':
        return this.#toolCallArguments(event);
      case 'response.output_item.done':
        return isRecord(event.item) && event.item.type === 'function_call' ? this.#toolCallDone(event, event.item) : [];
      default:
        return this.#terminal(event);
    }
  }

  /** Called when the upstream stream ended; a stream that never reached its terminal event is an error, not a "stop". */
  finish(): ChatCompletionChunk[] {
    if (this.#finished) return [];
    throw streamEndedEarly();
  }

  #text(event: ResponsesEvent, field: 'content' | 'refusal'): ChatCompletionChunk[] {
    const delta = typeof event.delta === 'string' ? event.delta : '';
    if (delta === '') return [];
    const source = typeof event.item_id === 'string' ? event.item_id : String(event.output_index);
    const separator = this.#lastTextSource !== undefined && this.#lastTextSource !== source ? '\n\n' : '';
    this.#lastTextSource = source;
    return this.#emit(field === 'content' ? { content: separator + delta } : { refusal: separator + delta });
  }

  #reasoning(event: ResponsesEvent): ChatCompletionChunk[] {
    const delta = typeof event.delta === 'string' ? event.delta : '';
    if (!this.#options.includeReasoning || delta === '') return [];
    const source = `${String(event.item_id)}:${String(event.summary_index ?? event.content_index)}`;
    const separator = this.#lastReasoningSource !== undefined && this.#lastReasoningSource !== source ? '\n\n' : '';
    this.#lastReasoningSource = source;
    return this.#emit({ reasoning_content: separator + delta });
  }

  #toolCallStarted(event: ResponsesEvent, item: JsonObject): ChatCompletionChunk[] {
    const index = this.#nextToolIndex++;
    const args = typeof item.arguments === 'string' ? item.arguments : '';
    this.#remember(event, item, { index, sent: args });
    return this.#emit({
      tool_calls: [
        {
          index,
          id: callId(item, `call_${index}`),
          type: 'function',
          function: { name: typeof item.name === 'string' ? item.name : '', arguments: args },
        },
      ],
    });
  }

  #toolCallArguments(event: ResponsesEvent): ChatCompletionChunk[] {
    const state = this.#find(event.item_id, event.output_index);
    const delta = typeof event.delta === 'string' ? event.delta : '';
    // Deltas of a call we never saw start are covered by its output_item.done.
    if (!state || delta === '') return [];
    state.sent += delta;
    return this.#emit({ tool_calls: [{ index: state.index, function: { arguments: delta } }] });
  }

  #toolCallDone(event: ResponsesEvent, item: JsonObject): ChatCompletionChunk[] {
    const state = this.#find(item.id, event.output_index);
    const final = typeof item.arguments === 'string' ? item.arguments : '';
    if (!state) return this.#toolCallStarted(event, item);
    const tail = final.startsWith(state.sent) ? final.slice(state.sent.length) : '';
    if (tail === '') return [];
    state.sent = final;
    return this.#emit({ tool_calls: [{ index: state.index, function: { arguments: tail } }] });
  }

  #remember(event: ResponsesEvent, item: JsonObject, state: ToolCallState): void {
    if (typeof item.id === 'string') this.#toolCalls.set(`id:${item.id}`, state);
    if (typeof event.output_index === 'number') this.#toolCalls.set(`at:${event.output_index}`, state);
  }

  #find(itemId: unknown, outputIndex: unknown): ToolCallState | undefined {
    return (
      (typeof itemId === 'string' ? this.#toolCalls.get(`id:${itemId}`) : undefined) ??
      (typeof outputIndex === 'number' ? this.#toolCalls.get(`at:${outputIndex}`) : undefined)
    );
  }

  #terminal(event: ResponsesEvent): ChatCompletionChunk[] {
    const terminal = readTerminal(event);
    if (!terminal) return [];
    const chunks = this.#emit({}, finishReason(terminal, this.#nextToolIndex > 0));
    this.#finished = true;
    if (this.#options.includeUsage) chunks.push({ ...this.#envelope([]), usage: mapUsage(terminal.response.usage) });
    return chunks;
  }

  /** One chunk with `delta`, preceded by the role chunk if this is the first output. */
  #emit(delta: ChatDelta, finish: ChatFinishReason | null = null): ChatCompletionChunk[] {
    const chunks: ChatCompletionChunk[] = [];
    if (!this.#emitted) {
      this.#emitted = true;
      chunks.push(this.#chunk({ role: 'assistant', content: '' }, null));
    }
    chunks.push(this.#chunk(delta, finish));
    return chunks;
  }

  #chunk(delta: ChatDelta, finish: ChatFinishReason | null): ChatCompletionChunk {
    return this.#envelope([{ index: 0, delta, logprobs: null, finish_reason: finish }]);
  }

  #envelope(choices: ChatCompletionChunk['choices']): ChatCompletionChunk {
    const { id, created, model, includeUsage } = this.#options;
    const chunk: ChatCompletionChunk = { id, object: 'chat.completion.chunk', created, model, choices };
    if (includeUsage) chunk.usage = null;
    return chunk;
  }
}
