/**
 * /v1/responses with `stream:false`: the backend only streams, so the final response object is rebuilt from the
 * events. `response.completed` (or `response.incomplete`) supplies the object; its `output` is filled from the
 * `output_item.done` items when the backend left it empty.
 */
import { failureToApiError } from '../errors/upstream-failure.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';
import { isRecord, type JsonObject } from './json.js';
import { streamEndedEarly } from './terminal.js';

export class ResponseCollector {
  #items: Array<{ at: number; item: JsonObject }> = [];
  #response: JsonObject | undefined;

  /** Throws the client-facing ApiError on `response.failed`. */
  push(event: ResponsesEvent): void {
    if (this.#response) return;
    switch (event.type) {
      case 'response.output_item.done':
        if (isRecord(event.item)) {
          const at = typeof event.output_index === 'number' ? event.output_index : this.#items.length;
          this.#items.push({ at, item: event.item });
        }
        return;
      case 'response.completed':
      case 'response.incomplete':
        this.#response = isRecord(event.response) ? event.response : {};
        return;
      case 'response.failed':
        throw failureToApiError(event.response);
    }
  }

  result(): JsonObject {
    const response = this.#response;
    if (!response) {
      throw streamEndedEarly();
    }
    if (Array.isArray(response.output) && response.output.length > 0) return response;
    const output = [...this.#items].sort((a, b) => a.at - b.at).map(({ item }) => item);
    return { ...response, output };
  }
}
