import { randomUUID } from 'node:crypto';
import { ChatCompletionCollector } from '../../translate/chat-assemble.js';
import { chatToResponsesRequest, isResponsesShaped } from '../../translate/chat-request.js';
import { ChatStreamTranslator } from '../../translate/chat-stream.js';
import { normalizeResponsesRequest } from '../../translate/responses-request.js';
import { openUpstream, type RequestContext, type UpstreamBody } from '../context.js';
import type { ResponsesEvent } from '../../upstream/sse-events.js';
import { sendJson } from '../http-io.js';
import { collectAnswer, relayStream } from '../relay.js';
import { readRoutedRequest } from './routed-request.js';

/** POST /v1/chat/completions: Chat Completions in, Responses upstream, Chat Completions out. */
export async function handleChatCompletions(ctx: RequestContext): Promise<void> {
  ctx.log.frontEnd = 'chat';
  const { body, alias, target, promptCacheKey } = await readRoutedRequest(ctx);
  // Cursor's agent mode posts Responses-shaped bodies here and still expects Chat Completions back.
  // Validation (types of every field, `stream` included) happens in the translation.
  const bodyFor: UpstreamBody = isResponsesShaped(body)
    ? (to) => normalizeResponsesRequest(body, to, { promptCacheKey })
    : (to) => chatToResponsesRequest(body, to, { promptCacheKey });
  const upstreamBody = bodyFor(target);
  ctx.log.messages = Array.isArray(body.messages) ? body.messages.length : Array.isArray(body.input) ? body.input.length : 1;
  ctx.log.tools = Array.isArray(body.tools) ? body.tools.length : 0;
  ctx.log.stream = body.stream === true;

  ctx.services.debug?.(`chat request ${alias}`, body);
  const open = (): Promise<AsyncIterable<ResponsesEvent>> => openUpstream(ctx, target, upstreamBody, promptCacheKey, bodyFor);
  const meta = { id: `chatcmpl-${randomUUID().replaceAll('-', '')}`, model: alias, created: Math.floor(Date.now() / 1000) };
  const includeReasoning = ctx.services.reasoningSummaries();

  if (body.stream === true) {
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    const translator = new ChatStreamTranslator({ ...meta, includeUsage: streamOptions?.include_usage === true, includeReasoning });
    await relayStream(ctx, open, {
      translate: (event) => translator.push(event),
      finish: () => translator.finish(),
      done: '[DONE]',
    });
    return;
  }

  const collector = new ChatCompletionCollector({ ...meta, includeReasoning });
  await collectAnswer(ctx, open, (event) => collector.push(event));
  sendJson(ctx.res, 200, collector.result());
}
