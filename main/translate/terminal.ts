/** How a Responses stream ended, as far as a Chat Completions client is concerned. */
import { ApiError } from '../errors/api-error.js';
import { failureToApiError } from '../errors/upstream-failure.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';
import { isRecord, type JsonObject } from './json.js';
import type { ChatFinishReason } from './types.js';

export interface Terminal {
  /** 'completed' becomes 'stop' or 'tool_calls' depending on what was produced. */
  outcome: 'completed' | 'length' | 'content_filter';
  response: JsonObject;
}

/**
 * The terminal outcome of `event`, or undefined when it is not a terminal event. Failures, and incomplete
 * responses a client cannot act on, throw the client-facing ApiError.
 */
export function readTerminal(event: ResponsesEvent): Terminal | undefined {
  const response = isRecord(event.response) ? event.response : {};
  if (event.type === 'response.completed') return { outcome: 'completed', response };
  if (event.type === 'response.failed') throw failureToApiError(response);
  if (event.type !== 'response.incomplete') return undefined;
  const reason = isRecord(response.incomplete_details) ? response.incomplete_details.reason : undefined;
  if (reason === 'max_output_tokens') return { outcome: 'length', response };
  if (reason === 'content_filter') return { outcome: 'content_filter', response };
  throw failureToApiError({ ...response, status: 'incomplete' });
}

export function finishReason(terminal: Terminal, madeToolCalls: boolean): ChatFinishReason {
  if (terminal.outcome !== 'completed') return terminal.outcome;
  return madeToolCalls ? 'tool_calls' : 'stop';
}

/** The stream stopped without a terminal event; the answer may be cut short, so it must not look complete. */
export function streamEndedEarly(): ApiError {
  return new ApiError(502, 'The Codex backend stream ended before the response was complete.', {
    type: 'upstream_error',
    code: 'stream_incomplete',
  });
}
