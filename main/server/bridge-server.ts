import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors/api-error.js';
import type { RequestContext, RouteServices } from './context.js';
import { checkRequest, corsHeaders, type GuardPolicy } from './guard.js';
import { asApiError, sendError, sendJson } from './http-io.js';
import type { RequestLog, RequestLogEntry } from './request-log.js';
import { TimedResponse } from './server-timing.js';
import { handleChatCompletions } from './routes/chat-completions.js';
import { handleCountTokens, handleMessages, sendAnthropicError } from './routes/messages.js';
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
}

export interface BridgeServer {
  readonly server: http.Server<typeof IncomingMessage, typeof TimedResponse>;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight streams finish for up to `graceMs`, then cuts what is left. */
  close(graceMs?: number): Promise<void>;
}

type Route = (ctx: RequestContext) => Promise<void>;

export function createBridgeServer(options: BridgeServerOptions): BridgeServer {
  const startedAt = Date.now();
  const routes: Record<string, Partial<Record<string, Route>>> = {
    '/healthz': {
      GET: async ({ res }) => sendJson(res, 200, { status: 'ok', version: options.version, uptime_s: Math.round((Date.now() - startedAt) / 1000) }),
    },
    '/v1/models': {
      GET: async ({ res }) => sendModelList(res, await options.listAliases(), Math.floor(startedAt / 1000)),
    },
    '/v1/chat/completions': { POST: handleChatCompletions },
    '/v1/responses': { POST: handleResponses },
    '/v1/messages': { POST: handleMessages },
    '/v1/messages/count_tokens': { POST: handleCountTokens },
  };

  async function handle(req: IncomingMessage, res: TimedResponse): Promise<void> {
    const path = routePath(req.url ?? '/');
    const log: Partial<RequestLogEntry> = {};
    const id = randomUUID();
    const userAgent = boundedUserAgent(req.headers['user-agent']);
    options.log.start({ id, startedAt: new Date().toISOString(), method: req.method ?? 'GET', path, ...(userAgent === undefined ? {} : { userAgent }) }, log);
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
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
      await route({ req, res, services: options.services, signal: controller.signal, log });
    } catch (error) {
      if (!(error instanceof ApiError) && !controller.signal.aborted) options.onInternalError?.(error);
      const apiError = asApiError(error);
      log.error ??= controller.signal.aborted ? 'client disconnected' : apiError.message;
      if (!controller.signal.aborted) log.errorCode ??= apiError.code ?? undefined;
      if (!res.headersSent && !controller.signal.aborted) (path.startsWith('/v1/messages') ? sendAnthropicError : sendError)(res, apiError);
      else if (!res.writableEnded) res.end();
    } finally {
      if (controller.signal.aborted) log.error ??= 'client disconnected';
      options.log.add({
        id,
        at: new Date().toISOString(),
        method: req.method ?? 'GET',
        path,
        // 499: the client closed the connection before the answer was complete (nginx's convention).
        status: controller.signal.aborted ? 499 : res.statusCode,
        latencyMs: Math.round(res.timing.elapsedMs()),
        ...(log.frontEnd ? { userAgent, ...res.timing.phases() } : {}),
        ...log,
      });
    }
  }

  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, ServerResponse: TimedResponse }, (req, res) => {
    void handle(req, res);
  });

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
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(timer);
    },
  };
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
