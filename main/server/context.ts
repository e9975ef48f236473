import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors/api-error.js';
import type { ClaudeModelMap } from '../models/claude-models.js';
import type { ModelTarget } from '../models/model-target.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import type { RequestLogEntry } from './request-log.js';
import type { TimedResponse } from './server-timing.js';

export interface ModelResolver {
  resolve(model: string): Promise<ModelTarget>;
}

/** What the routes need from the rest of the core; injected so tests and the Electron shell wire their own. */
export interface RouteServices {
  models: ModelResolver;
  upstream: Pick<UpstreamClient, 'openResponsesStream'>;
  /** Read per request so a settings change applies without a restart. */
  reasoningSummaries(): boolean;
  /** The alias to serve from when the plan's usage limit is reached (setting `onUsageLimit`); undefined = fail. */
  usageLimitFallback?(): string | undefined;
  /** Which alias each Claude model family routes to on /v1/messages; read per request like the above. */
  claudeModels(): ClaudeModelMap;
  /** Interval of SSE keep-alive comments during silences (default 15 s). */
  keepAliveMs?: number;
  /** Set with CODEX_BRIDGE_DEBUG=1: receives request bodies (already redacted) as they pass through. */
  debug?(label: string, body: unknown): void;
}

export interface RequestContext {
  req: IncomingMessage;
  /** Carries the request's timing marks (`res.timing`), sent as `Server-Timing`. */
  res: TimedResponse;
  services: RouteServices;
  /** The request's JSON body, read within the server's limits (size, shared budget, nesting depth). */
  readJson(): Promise<unknown>;
  /** Aborted when the client goes away (or the bridge shuts down: then the reason is an ApiError), so the upstream request stops at once. */
  signal: AbortSignal;
  /** Filled in by the route as it learns things; the server adds status and latency. */
  log: Partial<RequestLogEntry>;
}

/** The upstream body for a model target: the route's translation, run again only for a fallback target. */
export type UpstreamBody = (target: ModelTarget) => object;

/**
 * Sends the translated body upstream for this request and notes what the log needs. When the plan's usage limit is
 * reached and the user named a fallback alias, the request is sent once more to that alias's model.
 */
export async function openUpstream(
  ctx: RequestContext,
  target: ModelTarget,
  body: object,
  sessionId: string,
  bodyFor: UpstreamBody,
): Promise<AsyncIterable<ResponsesEvent>> {
  try {
    return await send(ctx, target, body, sessionId);
  } catch (error) {
    const fallback = ctx.services.usageLimitFallback?.();
    if (fallback === undefined || fallback === target.alias || !isUsageLimit(error) || ctx.signal.aborted) throw error;
    const to = await ctx.services.models.resolve(fallback).catch(() => undefined);
    if (!to) throw error;
    ctx.log.fallbackFrom = target.alias;
    ctx.log.upstreamModel = to.slug;
    ctx.res.setHeader('x-bridge-fallback', `${target.alias}->${to.alias}`);
    return send(ctx, to, bodyFor(to), sessionId);
  }
}

async function send(ctx: RequestContext, target: ModelTarget, body: object, sessionId: string): Promise<AsyncIterable<ResponsesEvent>> {
  ctx.services.debug?.(`upstream request ${target.slug}`, body);
  const sent = body as { reasoning?: { effort?: unknown }; service_tier?: unknown };
  if (typeof sent.reasoning?.effort === 'string') ctx.log.effort = sent.reasoning.effort;
  ctx.log.tier = typeof sent.service_tier === 'string' ? sent.service_tier : 'default';
  ctx.res.timing.upstreamStart();
  const before = ctx.log.attempts ?? 0;
  // Counted as they are sent, so the in-flight list shows retries while they happen.
  const onAttempt = (): void => {
    ctx.log.attempts = (ctx.log.attempts ?? 0) + 1;
  };
  const upstream = await ctx.services.upstream.openResponsesStream(body, { sessionId, lite: target.lite, signal: ctx.signal, onAttempt });
  ctx.res.timing.upstreamOpen();
  ctx.log.attempts = before + upstream.attempts;
  return upstream.events;
}

function isUsageLimit(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'usage_limit_reached';
}
