/**
 * Responses stream events → Anthropic Messages stream events, one event at a time: message_start, then one content
 * block per output item (text, tool_use with its arguments streamed as input_json_delta, thinking when reasoning
 * summaries are shown), then message_delta with the stop reason and usage, then message_stop. Blocks never overlap:
 * a new one closes the open one, as Anthropic's own streams do. The non-streaming answer is folded from these same
 * events (messages-assemble.ts).
 */
import { isRecord, type JsonObject } from './json.js';
import { callId } from './output-items.js';
import { readTerminal, streamEndedEarly, type Terminal } from './terminal.js';
import type { AnthropicStopReason, AnthropicStreamEvent, AnthropicUsage } from './messages-types.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';

export interface MessagesStreamOptions {
  id: string;
  /** The model name the client asked for, echoed back. */
  model: string;
  /** Estimated prompt tokens for message_start (the backend reports real usage only at the end). */
  estimatedInputTokens: number;
  includeThinking: boolean;
}

interface OpenBlock {
  index: number;
  /** Output item id or index the block belongs to. */
  source: string;
  kind: 'text' | 'thinking' | 'tool_use';
  /** Tool arguments sent so far, to send only the missing tail at output_item.done. */
  sent: string;
  /** Which summary paragraph the last thinking text came from, to separate the next one by a blank line. */
  part?: string;
}

export class MessagesStreamTranslator {
  readonly #options: MessagesStreamOptions;
  #started = false;
  #finished = false;
  #open: OpenBlock | undefined;
  #nextIndex = 0;
  #madeToolCalls = false;
  #refused = false;

  constructor(options: MessagesStreamOptions) {
    this.#options = options;
  }

  push(event: ResponsesEvent): AnthropicStreamEvent[] {
    if (this.#finished) return [];
    const out = this.#start();
    switch (event.type) {
      case 'response.output_text.delta':
        out.push(...this.#textDelta(event, false));
        break;
      case 'response.refusal.delta':
        out.push(...this.#textDelta(event, true));
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (this.#options.includeThinking) out.push(...this.#thinkingDelta(event));
        break;
      case 'response.output_item.added':
        if (isRecord(event.item) && event.item.type === 'function_call') out.push(...this.#toolStarted(event, event.item));
        break;
      case 'response.function_call_arguments.delta':
        out.push(...this.#toolArguments(event));
        break;
      case 'response.output_item.done':
        out.push(...this.#itemDone(event));
        break;
      default:
        out.push(...this.#terminal(event));
    }
    return out;
  }

  /** The upstream stream ended: without its terminal event the answer may be cut short, which must not look complete. */
  finish(): AnthropicStreamEvent[] {
    if (this.#finished) return [];
    throw streamEndedEarly();
  }

  #start(): AnthropicStreamEvent[] {
    if (this.#started) return [];
    this.#started = true;
    const { id, model, estimatedInputTokens } = this.#options;
    return [
      {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: estimatedInputTokens, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
        },
      },
      { type: 'ping' },
    ];
  }

  #textDelta(event: ResponsesEvent, refusal: boolean): AnthropicStreamEvent[] {
    const text = typeof event.delta === 'string' ? event.delta : '';
    if (text === '') return [];
    if (refusal) this.#refused = true;
    const out = this.#ensureBlock(source(event.item_id, event.output_index), 'text');
    out.push({ type: 'content_block_delta', index: this.#open!.index, delta: { type: 'text_delta', text } });
    return out;
  }

  #thinkingDelta(event: ResponsesEvent): AnthropicStreamEvent[] {
    const text = typeof event.delta === 'string' ? event.delta : '';
    if (text === '') return [];
    const out = this.#ensureBlock(source(event.item_id, event.output_index), 'thinking');
    const block = this.#open!;
    const part = String(event.summary_index ?? event.content_index);
    const separator = block.part !== undefined && block.part !== part ? '\n\n' : '';
    block.part = part;
    out.push({ type: 'content_block_delta', index: block.index, delta: { type: 'thinking_delta', thinking: separator + text } });
    return out;
  }

  #toolStarted(event: ResponsesEvent, item: JsonObject): AnthropicStreamEvent[] {
    const out = this.#close();
    const index = this.#nextIndex++;
    const args = typeof item.arguments === 'string' ? item.arguments : '';
    this.#open = { index, source: source(item.id, event.output_index), kind: 'tool_use', sent: args };
    this.#madeToolCalls = true;
    out.push({
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id: callId(item, `toolu_${index}`), name: typeof item.name === 'string' ? item.name : '', input: {} },
    });
    if (args !== '') out.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: args } });
    return out;
  }

  #toolArguments(event: ResponsesEvent): AnthropicStreamEvent[] {
    const delta = typeof event.delta === 'string' ? event.delta : '';
    const block = this.#open;
    // Deltas of a call we never saw start are covered by its output_item.done.
    if (delta === '' || block?.kind !== 'tool_use' || !matches(block, event.item_id, event.output_index)) return [];
    block.sent += delta;
    return [{ type: 'content_block_delta', index: block.index, delta: { type: 'input_json_delta', partial_json: delta } }];
  }

  #itemDone(event: ResponsesEvent): AnthropicStreamEvent[] {
    const item = isRecord(event.item) ? event.item : {};
    if (item.type !== 'function_call') {
      return this.#open && matches(this.#open, item.id, event.output_index) ? this.#close() : [];
    }
    const out = this.#open && matches(this.#open, item.id, event.output_index) ? [] : this.#toolStarted(event, { ...item, arguments: '' });
    const block = this.#open!;
    const final = typeof item.arguments === 'string' ? item.arguments : '';
    const tail = final.startsWith(block.sent) ? final.slice(block.sent.length) : '';
    if (tail !== '') out.push({ type: 'content_block_delta', index: block.index, delta: { type: 'input_json_delta', partial_json: tail } });
    out.push(...this.#close());
    return out;
  }

  #terminal(event: ResponsesEvent): AnthropicStreamEvent[] {
    const terminal = readTerminal(event);
    if (!terminal) return [];
    this.#finished = true;
    return [
      ...this.#close(),
      { type: 'message_delta', delta: { stop_reason: this.#stopReason(terminal), stop_sequence: null }, usage: anthropicUsage(terminal.response.usage) },
      { type: 'message_stop' },
    ];
  }

  #stopReason(terminal: Terminal): AnthropicStopReason {
    if (terminal.outcome === 'length') return 'max_tokens';
    if (terminal.outcome === 'content_filter' || this.#refused) return 'refusal';
    return this.#madeToolCalls ? 'tool_use' : 'end_turn';
  }

  /** Opens a block of `kind` for `from` unless it is the open one. */
  #ensureBlock(from: string, kind: 'text' | 'thinking'): AnthropicStreamEvent[] {
    if (this.#open?.source === from && this.#open.kind === kind) return [];
    const out = this.#close();
    const index = this.#nextIndex++;
    this.#open = { index, source: from, kind, sent: '' };
    out.push({
      type: 'content_block_start',
      index,
      content_block: kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' },
    });
    return out;
  }

  #close(): AnthropicStreamEvent[] {
    const block = this.#open;
    if (!block) return [];
    this.#open = undefined;
    return [{ type: 'content_block_stop', index: block.index }];
  }
}

/** Responses usage → Anthropic's, where cached prompt tokens are counted apart from the rest of the input. */
export function anthropicUsage(usage: unknown): AnthropicUsage {
  const source = isRecord(usage) ? usage : {};
  const details = isRecord(source.input_tokens_details) ? source.input_tokens_details : {};
  const input = count(source.input_tokens);
  const cached = Math.min(count(details.cached_tokens), input);
  return { input_tokens: input - cached, output_tokens: count(source.output_tokens), cache_read_input_tokens: cached, cache_creation_input_tokens: 0 };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function source(itemId: unknown, outputIndex: unknown): string {
  return typeof itemId === 'string' ? `id:${itemId}` : `at:${String(outputIndex)}`;
}

function matches(block: OpenBlock, itemId: unknown, outputIndex: unknown): boolean {
  return block.source === source(itemId, outputIndex) || block.source === `at:${String(outputIndex)}`;
}
