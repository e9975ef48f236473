import { createParser } from 'eventsource-parser';
import { ApiError } from '../errors/api-error.js';

/** The JSON `data:` of one Responses SSE event; the backend's `type` field is authoritative, not the `event:` line. */
export interface ResponsesEvent {
  type: string;
  [key: string]: unknown;
}

/** Largest single event accepted (real ones are kilobytes; a whole-response event with big tool output, a few MiB). */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * Parses a byte stream of Server-Sent Events into Responses events as they arrive (no buffering beyond one
 * partial event, itself at most `maxEventBytes`). Data lines that are not JSON objects with a `type` are skipped, as
 * the Codex CLI does.
 */
export async function* parseSseEvents(body: AsyncIterable<Uint8Array>, maxEventBytes = MAX_EVENT_BYTES): AsyncGenerator<ResponsesEvent> {
  let ready: ResponsesEvent[] = [];
  // Bytes since the last complete event or comment: what the parser may be holding (within one chunk's size).
  let pending = 0;
  const parser = createParser({
    onEvent(message) {
      pending = 0;
      const event = parseEvent(message.data);
      if (event) ready.push(event);
    },
    onComment() {
      pending = 0;
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    pending += chunk.byteLength;
    if (pending > maxEventBytes) throw eventTooLarge(maxEventBytes);
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (ready.length === 0) continue;
    const batch = ready;
    ready = [];
    yield* batch;
  }
  parser.feed(decoder.decode());
  yield* ready;
}

function parseEvent(data: string): ResponsesEvent | undefined {
  if (data === '' || data === '[DONE]') return undefined;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as ResponsesEvent;
    }
  } catch {
    // Not JSON: skipped, like the official client does.
  }
  return undefined;
}

function eventTooLarge(maxEventBytes: number): ApiError {
  return new ApiError(502, `The ChatGPT backend sent a stream event larger than ${maxEventBytes / 1024 / 1024} MiB; the answer was abandoned.`, {
    type: 'upstream_error',
    code: 'upstream_event_too_large',
  });
}
