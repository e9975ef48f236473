/**
 * Non-streaming Chat Completions: collects a Responses stream event by event and builds one ChatCompletion.
 * The content comes from `response.output_item.done` items because the backend's `response.completed` may carry
 * an empty `output`; only the final items are kept, so memory does not grow with the number of deltas.
 */
import type { ResponsesEvent } from '../upstream/sse-events.js';
import { isRecord, type JsonObject } from './json.js';
import { functionCall, messageRefusal, messageText, reasoningSummary } from './output-items.js';
import { finishReason, readTerminal, streamEndedEarly, type Terminal } from './terminal.js';
import { mapUsage } from './usage.js';
import type { ChatCompletion, ChatCompletionMessage } from './types.js';

export interface ChatCompletionMeta {
  id: string;
  /** The alias the client asked for. */
  model: string;
  created: number;
  includeReasoning?: boolean;
}

export class ChatCompletionCollector {
  readonly #meta: ChatCompletionMeta;
  #items: JsonObject[] = [];
  #terminal: Terminal | undefined;

  constructor(meta: ChatCompletionMeta) {
    this.#meta = meta;
  }

  /** Throws the client-facing ApiError when the event reports a failure. */
  push(event: ResponsesEvent): void {
    if (this.#terminal) return;
    if (event.type === 'response.output_item.done') {
      if (isRecord(event.item)) this.#items.push(event.item);
      return;
    }
    this.#terminal = readTerminal(event);
  }

  result(): ChatCompletion {
    const terminal = this.#terminal;
    if (!terminal) {
      throw streamEndedEarly();
    }
    const fallback = Array.isArray(terminal.response.output) ? terminal.response.output.filter(isRecord) : [];
    const items = this.#items.length > 0 ? this.#items : fallback;
    const message = this.#message(items);
    return {
      id: this.#meta.id,
      object: 'chat.completion',
      created: this.#meta.created,
      model: this.#meta.model,
      choices: [
        { index: 0, message, logprobs: null, finish_reason: finishReason(terminal, message.tool_calls !== undefined) },
      ],
      usage: mapUsage(terminal.response.usage),
    };
  }

  #message(items: JsonObject[]): ChatCompletionMessage {
    const byType = (type: string) => items.filter((item) => item.type === type);
    const messages = byType('message');
    const text = messages.map(messageText).filter((part) => part !== '').join('\n\n');
    const refusal = messages.map(messageRefusal).filter((part) => part !== '').join('\n\n');
    const toolCalls = byType('function_call').map((item, i) => functionCall(item, `call_${i}`));
    const message: ChatCompletionMessage = {
      role: 'assistant',
      // null only beside tool calls, as OpenAI does; a bare null answer breaks several clients.
      content: text === '' && toolCalls.length > 0 ? null : text,
      refusal: refusal === '' ? null : refusal,
    };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    const reasoning = byType('reasoning').map(reasoningSummary).filter((part) => part !== '').join('\n\n');
    if (this.#meta.includeReasoning && reasoning !== '') message.reasoning_content = reasoning;
    return message;
  }
}
