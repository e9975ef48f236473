/**
 * The fake chatgpt.com/backend-api + auth.openai.com on plain node:http (spec §11).
 *
 *   POST /backend-api/codex/responses   validated Responses request → SSE turn (scripted by enqueue(), else echo;
 *                                       a model in usageLimitedModels always gets the usage-limit 429)
 *   GET  /backend-api/codex/models      the catalog + ETag (304 on If-None-Match)
 *   GET  /backend-api/wham/usage        the /status limits panel
 *   POST /oauth/token                   refresh grant (JSON or form body), see tokens.ts; authorization_code grant, issuer.ts
 *   GET  /oauth/authorize, POST /oauth/revoke, /api/accounts/deviceauth/*, GET /codex/device   sign-in, see issuer.ts
 *   WebSocket upgrade on /codex/responses → 426, so clients fall back to HTTP like the real CLI
 *
 * Every /backend-api route needs a Bearer access token minted by `tokens` (and the matching ChatGPT-Account-ID).
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { authenticate, type AuthOutcome } from './backend-auth.js';
import { ModelCatalog } from './catalog.js';
import { readBody, recordOf, refuseUpgrade, sendJson } from './http-io.js';
import { defaultRateLimits, exhausted, rateLimitHeaders, usageLimitBody, whamUsageBody } from './rate-limits.js';
import { verifyEncryptedContent } from './reasoning-blob.js';
import { playStep, type TurnContext } from './scenarios.js';
import { abortableSleep } from './sse-writer.js';
import { FakeIssuer, type IssuerAnswer } from './issuer.js';
import { FakeTokenAuthority } from './tokens.js';
import type { FakeBackend, FakeBackendOptions, FakeStep, RecordedRequest } from './types.js';
import { PromptCache, estimateTokens, serializePrompt } from './usage.js';
import { validateResponsesRequest } from './validate.js';

export type { FakeBackend, FakeBackendOptions, FakeStep, RecordedRequest } from './types.js';

const RESPONSES_PATH = '/backend-api/codex/responses';
const LITE_HEADER = 'x-openai-internal-codex-responses-lite';

type Handler = (ctx: RequestContext) => Promise<void>;

interface RequestContext {
  res: ServerResponse;
  record: RecordedRequest;
  requestId: string;
  signal: AbortSignal;
}

export async function startFakeBackend(opts: FakeBackendOptions = {}): Promise<FakeBackend> {
  const tokens = opts.tokens ?? new FakeTokenAuthority();
  let origin = '';
  const issuer = new FakeIssuer(tokens, () => origin);
  const catalog = new ModelCatalog(opts.catalog);
  const requireAccountHeader = opts.requireAccountHeader ?? true;
  const promptCacheEnabled = opts.promptCache ?? true;
  const verifyBlobs = opts.verifyEncryptedContent ?? true;
  const rateLimits = defaultRateLimits(opts.rateLimits);
  const promptCache = new PromptCache();
  const queue: FakeStep[] = [];
  const requests: RecordedRequest[] = [];
  const usageLimitedModels = new Set<string>();
  const lifetime = new AbortController();
  // Every in-flight request listens on it; benchmarks run far more than the default 10 at once.
  setMaxListeners(0, lifetime.signal);
  let connections = 0;

  const nowSec = () => Math.floor(Date.now() / 1000);

  function backendRoute(handler: (ctx: RequestContext, auth: Extract<AuthOutcome, { ok: true }>) => Promise<void> | void): Handler {
    return async (ctx) => {
      const auth = authenticate(ctx.record.headers, tokens, requireAccountHeader);
      if (!auth.ok) return sendJson(ctx.res, auth.status, auth.body, { ...auth.headers, 'x-request-id': ctx.requestId });
      await handler(ctx, auth);
    };
  }

  const postResponses = backendRoute(async (ctx, auth) => {
    const { record, res } = ctx;
    const errorHeaders = { 'x-request-id': ctx.requestId, 'x-oai-request-id': ctx.requestId };
    if (record.body === undefined) return sendJson(res, 400, { detail: 'Request body must be valid JSON' }, errorHeaders);
    const verdict = validateResponsesRequest(record.body, {
      catalog,
      plan: auth.plan,
      liteHeader: record.headers[LITE_HEADER]?.toLowerCase() === 'true',
      ...(verifyBlobs && { verifyEncryptedContent: (blob: string) => verifyEncryptedContent(blob, tokens.secret) }),
    });
    if (!verdict.ok) return sendJson(res, verdict.failure.status, verdict.failure.body, errorHeaders);

    const body = record.body as Record<string, unknown>;
    const prompt = serializePrompt(body);
    const turn: TurnContext = {
      res,
      signal: ctx.signal,
      model: verdict.model.slug,
      body,
      inputTokens: estimateTokens(prompt),
      cachedTokens: promptCacheEnabled ? promptCache.lookup(body.prompt_cache_key, prompt) : 0,
      defaultIntervalMs: opts.defaultDeltaIntervalMs ?? 0,
      secret: tokens.secret,
      successHeaders: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        ...errorHeaders,
        'openai-model': verdict.model.slug,
        'x-models-etag': catalog.etag,
        ...rateLimitHeaders(rateLimits, auth.plan, nowSec()),
      },
      errorHeaders,
      usageLimit: (planType, resetsIn) => ({
        headers: rateLimitHeaders(exhausted(rateLimits, resetsIn), planType ?? auth.plan, nowSec()),
        body: usageLimitBody(planType ?? auth.plan, resetsIn, nowSec()),
      }),
    };
    await playStep(usageLimitedModels.has(verdict.model.slug) ? { kind: 'usage_limit' } : queue.shift(), turn);
  });

  const getModels = backendRoute((ctx) => {
    if (ctx.record.headers['if-none-match'] === catalog.etag) {
      ctx.res.writeHead(304, { etag: catalog.etag, 'x-request-id': ctx.requestId });
      return void ctx.res.end();
    }
    ctx.res.writeHead(200, { 'content-type': 'application/json', etag: catalog.etag, 'x-request-id': ctx.requestId });
    ctx.res.end(catalog.body);
  });

  const getUsage = backendRoute((ctx, auth) =>
    sendJson(ctx.res, 200, whamUsageBody(rateLimits, auth.plan, nowSec()), { 'x-request-id': ctx.requestId }),
  );

  const postToken: Handler = async (ctx) => {
    const { record } = ctx;
    if (record.body === undefined) {
      const error = { message: 'The request body could not be parsed.', type: 'invalid_request_error', param: null, code: 'invalid_request' };
      return sendJson(ctx.res, 400, { error });
    }
    const fields = record.body as Record<string, unknown>;
    if (fields.grant_type === 'authorization_code') return sendAnswer(ctx.res, issuer.exchangeCode(fields));
    await abortableSleep(tokens.refreshDelayMs, ctx.signal);
    const result = tokens.handleTokenRequest(record.body);
    sendJson(ctx.res, result.status, result.body);
  };

  const issuerRoute =
    (answer: (record: RecordedRequest) => IssuerAnswer): Handler =>
    async (ctx) =>
      sendAnswer(ctx.res, answer(ctx.record));

  const routes: Record<string, Partial<Record<string, Handler>>> = {
    [RESPONSES_PATH]: { POST: postResponses },
    '/backend-api/codex/models': { GET: getModels },
    '/backend-api/wham/usage': { GET: getUsage },
    '/oauth/token': { POST: postToken },
    '/oauth/authorize': { GET: issuerRoute((r) => issuer.authorize(r.query)) },
    '/oauth/revoke': { POST: issuerRoute((r) => issuer.revoke(r.body)) },
    '/api/accounts/deviceauth/usercode': { POST: issuerRoute((r) => issuer.deviceUserCode(r.body)) },
    '/api/accounts/deviceauth/token': { POST: issuerRoute((r) => issuer.deviceToken(r.body)) },
    '/codex/device': { GET: issuerRoute(() => issuer.devicePage()) },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const decoded = await readBody(req);
    const record = recordOf(req, decoded.ok ? decoded.text : '');
    requests.push(record);
    if (!decoded.ok) return sendJson(res, decoded.status, { detail: decoded.detail });

    const route = routes[record.path];
    const handler = route?.[record.method];
    if (!route) return sendJson(res, 404, { detail: 'Not Found' });
    if (!handler) return sendJson(res, 405, { detail: 'Method Not Allowed' });

    const perRequest = new AbortController();
    const abort = () => perRequest.abort();
    lifetime.signal.addEventListener('abort', abort, { once: true });
    res.on('close', abort);
    try {
      await handler({ res, record, requestId: `req_${randomBytes(12).toString('hex')}`, signal: perRequest.signal });
    } finally {
      lifetime.signal.removeEventListener('abort', abort);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      sendJson(res, 500, { detail: `Fake backend error: ${error instanceof Error ? error.message : String(error)}` });
    });
  });
  server.on('connection', () => {
    connections++;
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    const record = recordOf(req, '');
    requests.push(record);
    if (record.path === RESPONSES_PATH) refuseUpgrade(socket, 426, 'Upgrade Required');
    else refuseUpgrade(socket, 404, 'Not Found');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;

  return {
    origin,
    baseUrl: `${origin}/backend-api`,
    tokenUrl: `${origin}/oauth/token`,
    tokens,
    issuer,
    requests,
    rateLimits,
    responsesRequests: () => requests.filter((r) => r.method === 'POST' && r.path === RESPONSES_PATH),
    usageLimitedModels,
    enqueue: (...steps) => void queue.push(...steps),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      usageLimitedModels.clear();
      promptCache.clear();
      tokens.reset();
      issuer.reset();
    },
    get connectionCount() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        lifetime.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function sendAnswer(res: ServerResponse, answer: IssuerAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.text);
}
