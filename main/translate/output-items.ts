/** Readers for the final output items of a Responses stream (`response.output_item.done`). */
import { isRecord, type JsonObject } from './json.js';
import type { ChatToolCall } from './types.js';

/** The `output_text` of a message item, concatenated. */
export function messageText(item: JsonObject): string {
  return contentParts(item)
    .map((part) => (part.type === 'output_text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

export function messageRefusal(item: JsonObject): string {
  return contentParts(item)
    .map((part) => (part.type === 'refusal' && typeof part.refusal === 'string' ? part.refusal : ''))
    .join('');
}

/** A reasoning item's summary paragraphs, separated by a blank line. */
export function reasoningSummary(item: JsonObject): string {
  const summary = Array.isArray(item.summary) ? item.summary : [];
  return summary
    .filter(isRecord)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n\n');
}

/** A function_call item as a Chat Completions tool call. */
export function functionCall(item: JsonObject, fallbackId: string): ChatToolCall {
  return {
    id: callId(item, fallbackId),
    type: 'function',
    function: {
      name: typeof item.name === 'string' ? item.name : '',
      arguments: typeof item.arguments === 'string' ? item.arguments : '',
    },
  };
}

export function callId(item: JsonObject, fallbackId: string): string {
  if (typeof item.call_id === 'string' && item.call_id !== '') return item.call_id;
  return typeof item.id === 'string' && item.id !== '' ? item.id : fallbackId;
}

function contentParts(item: JsonObject): JsonObject[] {
  return Array.isArray(item.content) ? item.content.filter(isRecord) : [];
}
