import { createParser } from 'eventsource-parser';

/** The JSON `data:` of one Responses SSE event; the backend's `type` field is authoritative, not the `event:` line. */
export interface ResponsesEvent {
  type: string;
  [key: string]: unknown;
}

/**
 * Parses a byte stream of Server-Sent Events into Responses events as they arrive (no buffering beyond one
 * partial event). Data lines that are not JSON objects with a `type` are skipped, as the Codex CLI does.
 */
export async function* parseSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ResponsesEvent> {
  let ready: ResponsesEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      const event = parseEvent(message.data);
      if (event) ready.push(event);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
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
