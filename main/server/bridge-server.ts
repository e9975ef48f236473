import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors/api-error.js';
import type { RequestContext, RouteServices } from './context.js';
import { checkRequest, corsHeaders, type GuardPolicy } from './guard.js';
import { asApiError, readJsonBody, sendAnthropicError, sendError, sendJson } from './http-io.js';
import { BodyBudget, DEFAULT_LIMITS, type ServerLimits } from './limits.js';
import type { RequestLog, RequestLogEntry } from './request-log.js';
import { TimedResponse } from './server-timing.js';
import { handleChatCompletions } from './routes/chat-completions.js';
import { sendModelList, type AliasListing } from './routes/models.js';
import { handleResponses } from './routes/responses.js';

export interface BridgeServerOptions {
  services: RouteServices;
  listAliases(): Promise<AliasListing[]>;
  guard: GuardPolicy;
  log: RequestLog;
  version: string;
  /** A bug (not an ApiError) reached the top: the client got a 500, this gets the details. */
  onInternalError?(error: unknown): void;
  /** Overrides of DEFAULT_LIMITS (timeouts, connection cap, body bounds). */
  limits?: Partial<ServerLimits>;
}

export interface BridgeServer {
  readonly server: http.Server<typeof IncomingMessage, typeof TimedResponse>;
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Stops accepting, lets in-flight streams finish for up to `graceMs`, then ends what is left with an error the
   * client's SDK raises (an SSE error event, or a 503 when nothing was sent yet) and closes the connections.
   */
  close(graceMs?: number): Promise<void>;
}

type Route = (ctx: RequestContext) => Promise<void>;

/** The Anthropic front-end loads with its first request: OpenAI clients never pay its start-up time or memory. */
const messagesRoutes = (): Promise<typeof import('./routes/messages.js')> => import('./routes/messages.js');

/** Statuses after which the rest of an unwanted request body is not worth reading: the connection is closed. */
const CLOSE_AFTER = new Set([401, 403, 413]);
/** Time the shutdown error events get to reach their clients before the connections are cut. */
const SHUTDOWN_FLUSH_MS = 500;

export function createBridgeServer(options: BridgeServerOptions): BridgeServer {
  const startedAt = Date.now();
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const budget = new BodyBudget(limits.bodyBudgetBytes);
  /** Every request being handled, so a shutdown can end each one with an error instead of a silent cut. */
  const inFlight = new Set<AbortController>();
  const routes: Record<string, Partial<Record<string, Route>>> = {
    '/healthz': {
      GET: async ({ res }) => sendJson(res, 200, { status: 'ok', version: options.version, uptime_s: Math.round((Date.now() - startedAt) / 1000) }),
    },
    '/v1/models': {
      GET: async ({ res }) => sendModelList(res, await options.listAliases(), Math.floor(startedAt / 1000)),
    },
    '/v1/chat/completions': { POST: handleChatCompletions },
    '/v1/responses': { POST: handleResponses },
    '/v1/messages': { POST: async (ctx) => (await messagesRoutes()).handleMessages(ctx) },
    '/v1/messages/count_tokens': { POST: async (ctx) => (await messagesRoutes()).handleCountTokens(ctx) },
  };

  async function handle(req: IncomingMessage, res: TimedResponse): Promise<void> {
    const path = routePath(req.url ?? '/');
    const log: Partial<RequestLogEntry> = {};
    const id = randomUUID();
    const userAgent = boundedUserAgent(req.headers['user-agent']);
    options.log.start({ id, startedAt: new Date().toISOString(), method: req.method ?? 'GET', path, ...(userAgent === undefined ? {} : { userAgent }) }, log);
    const controller = new AbortController();
    // A shutdown aborts with the ApiError the client must see; anything else means the client went away.
    const clientGone = (): boolean => controller.signal.aborted && !(controller.signal.reason instanceof ApiError);
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    inFlight.add(controller);
    let leased = 0;
    const readJson = (): Promise<unknown> =>
      readJsonBody(req, limits, (bytes) => {
        if (!budget.take(bytes)) return false;
        leased += bytes;
        return true;
      });
    try {
      // Set before any rejection, so a browser can read the error of an allowed origin's request.
      const cors = corsHeaders(req, options.guard);
      if (cors) for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
      const rejection = checkRequest(req, path, options.guard);
      if (rejection) throw rejection;
      if (req.method === 'OPTIONS') {
        res.writeHead(cors ? 204 : 403).end();
        return;
      }
      const byMethod = routes[path];
      const route = byMethod?.[req.method ?? 'GET'];
      if (!byMethod) throw new ApiError(404, `Unknown path ${path}. The bridge serves /v1/chat/completions, /v1/responses, /v1/messages, /v1/models and /healthz.`, { code: 'unknown_url' });
      if (!route) throw new ApiError(405, `${req.method} is not allowed on ${path}.`, { code: 'method_not_allowed' });
      await route({ req, res, services: options.services, signal: controller.signal, log, readJson });
    } catch (caught) {
      const error: unknown = controller.signal.reason instanceof ApiError ? controller.signal.reason : caught;
      if (!(error instanceof ApiError) && !clientGone()) options.onInternalError?.(error);
      const apiError = asApiError(error);
      log.error ??= clientGone() ? 'client disconnected' : apiError.message;
      if (!clientGone()) log.errorCode ??= apiError.code ?? undefined;
      if (!res.headersSent && !clientGone()) {
        // Reading the rest of a refused body (or holding the socket for it) only serves an attacker.
        if (CLOSE_AFTER.has(apiError.status) || bodyUnread(req)) res.shouldKeepAlive = false;
        (path.startsWith('/v1/messages') ? sendAnthropicError : sendError)(res, apiError);
      } else if (!res.writableEnded) res.end();
    } finally {
      inFlight.delete(controller);
      budget.give(leased);
      if (clientGone()) log.error ??= 'client disconnected';
      options.log.add({
        id,
        at: new Date().toISOString(),
        method: req.method ?? 'GET',
        path,
        // 499: the client closed the connection before the answer was complete (nginx's convention).
        status: clientGone() ? 499 : res.statusCode,
        latencyMs: Math.round(res.timing.elapsedMs()),
        ...(log.frontEnd ? { userAgent, ...res.timing.phases() } : {}),
        ...log,
      });
    }
  }

  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the two timeouts above are checked (Node's default, 30 s, would let a slow socket live that long).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
      ServerResponse: TimedResponse,
    },
    (req, res) => {
      void handle(req, res);
    },
  );
  server.maxConnections = limits.maxConnections;

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(graceMs = 5_000) {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A keep-alive connection whose stream just finished turns idle only then: keep closing idle ones so the
      // process exits as soon as the last answer is out, not when the grace period ends.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      let cut: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        const stop = new ApiError(503, 'The bridge is shutting down: this answer was cut short before it was complete. Retry once it is back.', {
          type: 'server_error',
          code: 'bridge_shutting_down',
        });
        for (const controller of inFlight) controller.abort(stop);
        cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_FLUSH_MS);
      }, graceMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(timer);
      clearTimeout(cut);
    },
  };
}

/** Whether the request has a body that was not (completely) read. */
function bodyUnread(req: IncomingMessage): boolean {
  return !req.complete && (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0);
}

/** Accepts both `/v1/x` and `/x`: clients differ on whether the base URL they were given ends in /v1. */
function routePath(url: string): string {
  const path = url.split('?', 1)[0] ?? '/';
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed === '/healthz' || trimmed.startsWith('/v1/')) return trimmed;
  if (['/models', '/chat/completions', '/responses'].includes(trimmed)) return `/v1${trimmed}`;
  return trimmed;
}

const MAX_USER_AGENT = 200;

function boundedUserAgent(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.slice(0, MAX_USER_AGENT);
}
