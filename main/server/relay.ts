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
  /** The event that reports a failure after output started; default the OpenAI `{"error":…}` data event. */
  errorEvent?(error: ApiError): T;
  /** A complete SSE frame sent during silences instead of the keep-alive comment (Anthropic's `ping`). */
  keepAliveFrame?: string;
}

/**
 * Opens the upstream stream and relays its events to the client as SSE. A failure before the first byte is rethrown so the server answers
 * with a real HTTP status; after that the stream ends with an error event (never a silent "stop").
 */
export async function relayStream<T>(ctx: RequestContext, open: () => Promise<AsyncIterable<ResponsesEvent>>, plan: RelayPlan<T>): Promise<void> {
  // Created before the upstream call so keep-alive comments also cover a slow queue before the first event.
  const sse = new SseResponse(ctx.res, ctx.services.keepAliveMs, plan.keepAliveFrame);
  try {
    const events = await open();
    for await (const event of events) {
      noteEvent(ctx, event);
      for (const item of plan.translate(event)) sse.send(item, plan.eventName?.(item));
      ctx.log.chunks = sse.chunks; // read by the in-flight list, never waited for
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
    ctx.log.errorCode = apiError.code ?? undefined;
    if (!plan.errorEvent) return sse.fail(apiError);
    const item = plan.errorEvent(apiError);
    sse.send(item, plan.eventName?.(item));
    sse.end();
  } finally {
    ctx.log.chunks = sse.chunks;
  }
}

/** Reads a non-streaming answer's events into `push` (the route's collector), noting what the log needs. */
export async function collectAnswer(ctx: RequestContext, open: () => Promise<AsyncIterable<ResponsesEvent>>, push: (event: ResponsesEvent) => void): Promise<void> {
  for await (const event of await open()) {
    noteEvent(ctx, event);
    push(event);
  }
}

interface ResponsesUsage {
  input_tokens?: number;
  input_tokens_details?: { cached_tokens?: number };
  output_tokens?: number;
  output_tokens_details?: { reasoning_tokens?: number };
}

function noteEvent(ctx: RequestContext, event: ResponsesEvent): void {
  ctx.res.timing.noteEvent(event.type);
  if (event.type !== 'response.completed') return;
  const usage = (event.response as { usage?: ResponsesUsage } | undefined)?.usage;
  if (!usage) return;
  ctx.log.promptTokens = usage.input_tokens;
  ctx.log.cachedTokens = usage.input_tokens_details?.cached_tokens;
  ctx.log.outputTokens = usage.output_tokens;
  ctx.log.reasoningTokens = usage.output_tokens_details?.reasoning_tokens;
}
