import { randomUUID } from 'node:crypto';
import { ApiError } from '../../errors/api-error.js';
import { toAnthropicError } from '../../errors/anthropic-error.js';
import { claudeAlias, describeClaudeModels } from '../../models/claude-models.js';
import { MessageAssembler } from '../../translate/messages-assemble.js';
import { messagesToResponsesRequest } from '../../translate/messages-request.js';
import { MessagesStreamTranslator } from '../../translate/messages-stream.js';
import type { AnthropicStreamEvent } from '../../translate/messages-types.js';
import { estimateInputTokens } from '../../translate/token-estimate.js';
import type { ResponsesEvent } from '../../upstream/sse-events.js';
import { openUpstream, type RequestContext } from '../context.js';
import { sendJson } from '../http-io.js';
import { collectAnswer, relayStream } from '../relay.js';
import { readRoutedRequest, type RoutedRequest } from './routed-request.js';

const PING_FRAME = `event: ping\ndata: ${JSON.stringify({ type: 'ping' })}\n\n`;

/** POST /v1/messages: the Anthropic Messages API in, Responses upstream, Messages events or one Message out. */
export async function handleMessages(ctx: RequestContext): Promise<void> {
  ctx.log.frontEnd = 'messages';
  const routed = await readMessagesRequest(ctx);
  const { body, alias, target, promptCacheKey } = routed;
  const { request, upstream } = messagesToResponsesRequest(body, target, { promptCacheKey });
  ctx.log.messages = request.messages.length;
  ctx.log.tools = request.tools.length;
  ctx.log.stream = request.stream;

  ctx.services.debug?.(`messages request ${alias}`, body);
  // A usage-limit fallback target gets the same request translated for it.
  const bodyFor = (to: typeof target): object => messagesToResponsesRequest(body, to, { promptCacheKey }).upstream;
  const open = (): Promise<AsyncIterable<ResponsesEvent>> => openUpstream(ctx, target, upstream, promptCacheKey, bodyFor);
  const translator = new MessagesStreamTranslator({
    id: `msg_${randomUUID().replaceAll('-', '')}`,
    model: typeof body.model === 'string' ? body.model : alias,
    estimatedInputTokens: estimateInputTokens(upstream),
    // Thinking blocks only for a client that asked for thinking, and only when the user chose to show summaries.
    includeThinking: ctx.services.reasoningSummaries() && request.thinking !== undefined && request.thinking.type !== 'disabled',
  });

  if (request.stream) {
    await relayStream<AnthropicStreamEvent | ReturnType<typeof toAnthropicError>['body']>(ctx, open, {
      translate: (event) => translator.push(event),
      finish: () => translator.finish(),
      eventName: (event) => event.type,
      errorEvent: (error) => toAnthropicError(error).body,
      keepAliveFrame: PING_FRAME,
    });
    return;
  }
  const assembler = new MessageAssembler();
  await collectAnswer(ctx, open, (event) => {
    for (const out of translator.push(event)) assembler.push(out);
  });
  for (const out of translator.finish()) assembler.push(out);
  sendJson(ctx.res, 200, assembler.result());
}

/** POST /v1/messages/count_tokens: the same translation, then an estimate (see token-estimate.ts), nothing sent upstream. */
export async function handleCountTokens(ctx: RequestContext): Promise<void> {
  const { body, target, promptCacheKey } = await readMessagesRequest(ctx);
  const { upstream } = messagesToResponsesRequest(body, target, { promptCacheKey });
  sendJson(ctx.res, 200, { input_tokens: estimateInputTokens(upstream) });
}

/** The shared prologue with Claude names mapped; an unknown model is Anthropic's 404, listing what is accepted. */
async function readMessagesRequest(ctx: RequestContext): Promise<RoutedRequest> {
  const claude = ctx.services.claudeModels();
  try {
    return await readRoutedRequest(ctx, (model) => claudeAlias(model, claude) ?? model);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'model_not_found') throw error;
    throw new ApiError(404, `${error.message} Claude model names are accepted too: ${describeClaudeModels(claude)}.`, {
      type: 'not_found_error',
      param: 'model',
      code: 'model_not_found',
    });
  }
}
