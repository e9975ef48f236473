import { ResponseCollector } from '../../translate/responses-assemble.js';
import { normalizeResponsesRequest } from '../../translate/responses-request.js';
import type { ResponsesEvent } from '../../upstream/sse-events.js';
import { openUpstream, type RequestContext, type UpstreamBody } from '../context.js';
import { sendJson } from '../http-io.js';
import { collectAnswer, relayStream } from '../relay.js';
import { readRoutedRequest } from './routed-request.js';

/** POST /v1/responses: the Responses API passed through, normalised to what the Codex backend accepts. */
export async function handleResponses(ctx: RequestContext): Promise<void> {
  ctx.log.frontEnd = 'responses';
  const { body, alias, target, promptCacheKey } = await readRoutedRequest(ctx);
  const bodyFor: UpstreamBody = (to) => normalizeResponsesRequest(body, to, { promptCacheKey });
  const upstreamBody = bodyFor(target);
  ctx.log.messages = Array.isArray(body.input) ? body.input.length : 1;
  ctx.log.tools = Array.isArray(body.tools) ? body.tools.length : 0;
  ctx.log.stream = body.stream === true;

  ctx.services.debug?.(`responses request ${alias}`, body);
  const open = (): Promise<AsyncIterable<ResponsesEvent>> => openUpstream(ctx, target, upstreamBody, promptCacheKey, bodyFor);

  if (body.stream === true) {
    await relayStream<ResponsesEvent>(ctx, open, {
      translate: (event) => [event],
      finish: () => [],
      eventName: (event) => event.type,
    });
    return;
  }
  const collector = new ResponseCollector();
  await collectAnswer(ctx, open, (event) => collector.push(event));
  sendJson(ctx.res, 200, collector.result());
}
