import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelTarget } from '../translate/model-target.js';
import type { ResponsesEvent } from '../upstream/sse-events.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import type { RequestLogEntry } from './request-log.js';

export interface ModelResolver {
  resolve(model: string): Promise<ModelTarget>;
}

/** What the routes need from the rest of the core; injected so tests and the Electron shell wire their own. */
export interface RouteServices {
  models: ModelResolver;
  upstream: Pick<UpstreamClient, 'openResponsesStream'>;
  /** Read per request so a settings change applies without a restart. */
  reasoningSummaries(): boolean;
  /** Interval of SSE keep-alive comments during silences (default 15 s). */
  keepAliveMs?: number;
  /** Set with CODEX_BRIDGE_DEBUG=1: receives request bodies (already redacted) as they pass through. */
  debug?(label: string, body: unknown): void;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  services: RouteServices;
  /** The request's JSON body, read within the server's limits (size, shared budget, nesting depth). */
  readJson(): Promise<unknown>;
  /** Aborted when the client goes away (or the bridge shuts down: then the reason is an ApiError), so the upstream request stops at once. */
  signal: AbortSignal;
  /** Filled in by the route as it learns things; the server adds status and latency. */
  log: Partial<RequestLogEntry>;
}

/** Sends the translated body upstream for this request and notes what the log needs. */
export async function openUpstream(ctx: RequestContext, body: object, target: ModelTarget, sessionId: string): Promise<AsyncIterable<ResponsesEvent>> {
  ctx.services.debug?.(`upstream request ${target.slug}`, body);
  const upstream = await ctx.services.upstream.openResponsesStream(body, { sessionId, lite: target.lite, signal: ctx.signal });
  ctx.log.attempts = upstream.attempts;
  return upstream.events;
}
