import { ApiError } from '../errors/api-error.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';
import type { RequestContext } from './context.js';
import { asApiError } from './http-io.js';
import { SseResponse } from './sse-response.js';

export interface RelayPlan<T> {
  /** Maps one upstream event to what the client receives (possibly nothing). */
  translate(event: ResponsesEvent): T[];
  /** What to send after the upstream stream ended normally. */
  finish(): T[];
  /** Final sentinel, e.g. Chat Completions' `[DONE]`. */
  done?: string;
  /** SSE `event:` name of an item, for Responses-style streams. */
  eventName?(item: T): string | undefined;
}

/**
 * Opens the upstream stream and relays its events to the client as SSE. A failure before the first byte is rethrown so the server answers
 * with a real HTTP status; after that the stream ends with an error event (never a silent "stop").
 */
export async function relayStream<T>(ctx: RequestContext, open: () => Promise<AsyncIterable<ResponsesEvent>>, plan: RelayPlan<T>): Promise<void> {
  // Created before the upstream call so keep-alive comments also cover a slow queue before the first event.
  const sse = new SseResponse(ctx.res, ctx.services.keepAliveMs);
  try {
    const events = await open();
    for await (const event of events) {
      if (event.type === 'response.completed') noteUsage(ctx, event);
      for (const item of plan.translate(event)) sse.send(item, plan.eventName?.(item));
      await sse.drained();
    }
    for (const item of plan.finish()) sse.send(item, plan.eventName?.(item));
    if (plan.done) sse.send(plan.done);
    sse.end();
  } catch (error) {
    // A shutdown aborts with the ApiError to report; any other abort means the client is gone.
    const stopped = ctx.signal.reason instanceof ApiError ? ctx.signal.reason : undefined;
    if (ctx.signal.aborted && !stopped) {
      sse.end();
      return;
    }
    const apiError = stopped ?? asApiError(error);
    if (!sse.hasStarted) {
      sse.dispose();
      throw apiError;
    }
    ctx.log.error = apiError.message;
    sse.fail(apiError);
  } finally {
    ctx.log.chunks = sse.chunks;
  }
}

function noteUsage(ctx: RequestContext, event: ResponsesEvent): void {
  const usage = (event.response as { usage?: { input_tokens?: number; input_tokens_details?: { cached_tokens?: number } } } | undefined)?.usage;
  if (!usage) return;
  ctx.log.promptTokens = usage.input_tokens;
  ctx.log.cachedTokens = usage.input_tokens_details?.cached_tokens;
}
