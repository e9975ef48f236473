import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelTarget } from '../translate/model-target.js';
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
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  services: RouteServices;
  /** Aborted when the client goes away, so the upstream request stops at once. */
  signal: AbortSignal;
  /** Filled in by the route as it learns things; the server adds status and latency. */
  log: Partial<RequestLogEntry>;
}
