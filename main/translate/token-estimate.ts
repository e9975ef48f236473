/**
 * An honest estimate of a request's prompt tokens, not a tokenizer count: one token per 4 characters of what is
 * sent upstream (instructions, tools, input items as JSON). Used by /v1/messages/count_tokens and for the input
 * figure of `message_start`, which Anthropic sends before the backend has reported real usage.
 */
import type { ResponsesRequest } from './types.js';

const CHARS_PER_TOKEN = 4;

export function estimateInputTokens(request: ResponsesRequest): number {
  const text = [request.instructions ?? '', JSON.stringify(request.tools ?? []), ...request.input.map((item) => JSON.stringify(item))].join('\n');
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}
