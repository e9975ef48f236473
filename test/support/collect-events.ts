import { ChatCompletionCollector, type ChatCompletionMeta } from '../../main/translate/chat-assemble.js';
import { ResponseCollector } from '../../main/translate/responses-assemble.js';
import type { ResponsesEvent } from '../../main/upstream/sse-events.js';

/** Feeds a whole recorded stream to the collector the non-streaming route uses. */
export function assembleChatCompletion(events: Iterable<ResponsesEvent>, meta: ChatCompletionMeta) {
  const collector = new ChatCompletionCollector(meta);
  for (const event of events) collector.push(event);
  return collector.result();
}

export function assembleResponse(events: Iterable<ResponsesEvent>) {
  const collector = new ResponseCollector();
  for (const event of events) collector.push(event);
  return collector.result();
}
