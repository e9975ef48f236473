/**
 * Non-streaming Messages: folds the events of MessagesStreamTranslator into the one Message Anthropic returns, so
 * both answers always agree. Tool inputs arrive as JSON text and are parsed once their block closes.
 */
import { ApiError } from '../errors/api-error.js';
import { streamEndedEarly } from './terminal.js';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicStreamEvent } from './messages-types.js';

export class MessageAssembler {
  #message: AnthropicMessage | undefined;
  #stopped = false;
  /** Tool input JSON text per block index, parsed at content_block_stop. */
  readonly #json = new Map<number, string>();

  push(event: AnthropicStreamEvent): void {
    const message = this.#message;
    switch (event.type) {
      case 'message_start':
        this.#message = { ...event.message, content: [] };
        return;
      case 'content_block_start':
        message?.content.push({ ...event.content_block });
        return;
      case 'content_block_delta':
        if (message) this.#delta(message.content[event.index], event);
        return;
      case 'content_block_stop':
        if (message) this.#stop(message.content[event.index], event.index);
        return;
      case 'message_delta':
        if (message) Object.assign(message, { stop_reason: event.delta.stop_reason, usage: event.usage });
        return;
      case 'message_stop':
        this.#stopped = true;
        return;
    }
  }

  result(): AnthropicMessage {
    if (!this.#message || !this.#stopped) throw streamEndedEarly();
    return this.#message;
  }

  #delta(block: AnthropicContentBlock | undefined, event: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>): void {
    const { delta } = event;
    if (block?.type === 'text' && delta.type === 'text_delta') block.text += delta.text;
    else if (block?.type === 'thinking' && delta.type === 'thinking_delta') block.thinking += delta.thinking;
    else if (block?.type === 'tool_use' && delta.type === 'input_json_delta') this.#json.set(event.index, (this.#json.get(event.index) ?? '') + delta.partial_json);
  }

  #stop(block: AnthropicContentBlock | undefined, index: number): void {
    if (block?.type !== 'tool_use') return;
    const text = this.#json.get(index) ?? '';
    try {
      block.input = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new ApiError(502, `The model's arguments for tool '${block.name}' are not valid JSON.`, { type: 'upstream_error', code: 'invalid_tool_arguments' });
    }
  }
}
