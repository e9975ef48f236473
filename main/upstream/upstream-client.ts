import { Agent, errors as undiciErrors, request, type Dispatcher } from '../http/undici-lite.js';
import { ApiError } from '../errors/api-error.js';
import { failureToApiError, retryAfterFromMessage } from '../errors/upstream-failure.js';
import type { BridgeConfig } from '../config/bridge-config.js';
import { AttemptBudget, backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffPolicy } from './backoff.js';
import { authHeaders, identityHeaders, turnHeaders, type Credentials } from './codex-headers.js';
import { upstreamHttpError } from './http-errors.js';
import { parseSseEvents, type ResponsesEvent } from './sse-events.js';

/** Where the upstream client gets its bearer token; the auth manager satisfies it. */
export interface CredentialSource {
  getCredentials(): Promise<Credentials>;
  recoverFromUnauthorized(rejectedAccessToken: string): Promise<Credentials>;
}

export interface UpstreamClientOptions {
  config: Pick<BridgeConfig, 'upstreamBase' | 'originator' | 'clientVersion'>;
  credentials: CredentialSource;
  backoff?: BackoffPolicy;
  /** Longest silence tolerated between two bytes of a stream before it is declared dead. */
  idleTimeoutMs?: number;
  /** A plain 429 with a Retry-After at most this long is waited out instead of passed on. */
  maxRetryAfterMs?: number;
  /** Sees the headers of every backend answer, errors included (they carry the account's usage limits). */
  onResponseHeaders?(headers: Record<string, string>): void;
}

export interface StreamRequest {
  sessionId: string;
  lite: boolean;
  signal: AbortSignal;
  /** Told as each HTTP attempt is sent (retries included), so a request in flight can show them as they happen. */
  onAttempt?(): void;
}

export interface UpstreamStream {
  /** Lower-cased response headers (rate-limit windows, request id, …). */
  headers: Record<string, string>;
  /** Ends after response.completed; throws ApiError when the stream breaks or ends without a terminal event. */
  events: AsyncIterable<ResponsesEvent>;
  /** How many HTTP attempts it took (retries on 5xx/network errors, 401 recovery). */
  attempts: number;
}

export interface UpstreamClient {
  openResponsesStream(body: object, request: StreamRequest): Promise<UpstreamStream>;
  /** GET a JSON resource under the backend base (catalog, usage), with the same auth and 401 recovery. */
  getJson(pathAndQuery: string, signal?: AbortSignal): Promise<unknown>;
  close(): Promise<void>;
}

const TERMINAL_EVENTS = new Set(['response.completed', 'response.failed', 'response.incomplete']);

/** How long an answer may stay silent before it ends with a 504, when the settings name no `idleTimeoutMs`. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const { config, credentials } = options;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
  // One keep-alive pool per origin; no connection cap because each open stream holds its own HTTP/1.1 connection.
  const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000, headersTimeout: idleTimeoutMs, bodyTimeout: idleTimeoutMs });
  const identity = identityHeaders(config);
  const reportHeaders = (headers: Record<string, string>): void => {
    try {
      options.onResponseHeaders?.(headers);
    } catch {
      // Informational only: a bad header must not cost the answer (nor leave its body unread).
    }
  };

  /**
   * One HTTP exchange with retries on network errors, 5xx and short 429s, each try taken from `budget`. A request the
   * HTTP client refuses to send (an invalid header value) is the caller's fault: a 400, never retried.
   */
  async function send(
    method: 'GET' | 'POST',
    path: string,
    extraHeaders: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
    budget: AttemptBudget,
    onAttempt?: () => void,
  ): Promise<{ response: Dispatcher.ResponseData; headers: Record<string, string> }> {
    let creds = await credentials.getCredentials();
    for (;;) {
      budget.take();
      onAttempt?.();
      let response: Dispatcher.ResponseData;
      try {
        response = await request(`${config.upstreamBase}${path}`, {
          method,
          dispatcher: agent,
          headers: { ...identity, ...authHeaders(creds), ...extraHeaders },
          body,
          signal,
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        if (error instanceof undiciErrors.InvalidArgumentError) throw unsendable(error);
        // A backend that accepted the connection but stayed silent for the whole idle timeout is not retried:
        // each retry would cost another full timeout.
        if (error instanceof undiciErrors.HeadersTimeoutError) throw idleTimeout(idleTimeoutMs);
        if (!budget.left) throw budget.exhausted(networkError(error));
        await sleep(backoffDelay(policy, budget.used), signal);
        continue;
      }
      const headers = flattenHeaders(response.headers);
      reportHeaders(headers);
      if (response.statusCode >= 200 && response.statusCode < 300) return { response, headers };

      const text = await response.body.text().catch(() => '');
      if (response.statusCode === 401 && budget.reauthenticate()) {
        // Like the CLI: adopt tokens rotated on disk, else refresh once, then re-send.
        creds = await credentials.recoverFromUnauthorized(creds.accessToken);
        continue;
      }
      const error = upstreamHttpError(response.statusCode, text, headers);
      const retryAfterMs = plainRetryAfterMs(response.statusCode, error, headers);
      const delay = retryAfterMs !== undefined && retryAfterMs <= maxRetryAfterMs
        ? retryAfterMs
        : response.statusCode >= 500 ? backoffDelay(policy, budget.used) : undefined;
      if (delay === undefined) throw error;
      if (!budget.left) throw budget.exhausted(error);
      await sleep(delay, signal);
    }
  }

  return {
    async openResponsesStream(body, req) {
      const payload = JSON.stringify(body);
      // One budget for the whole client request: HTTP retries and stream retries draw from the same attempts.
      const budget = new AttemptBudget(policy.maxAttempts);
      for (;;) {
        const { response, headers } = await send('POST', '/codex/responses', turnHeaders(req), payload, req.signal, budget, req.onAttempt);
        const events = checkedEvents(response.body, idleTimeoutMs);
        const primed = await prime(events, req.signal);
        if (primed.error) {
          const delay = streamRetryDelay(primed.error, policy, budget.used, maxRetryAfterMs);
          if (delay === undefined) throw primed.error;
          if (!budget.left) throw budget.exhausted(primed.error);
          await sleep(delay, req.signal);
          continue;
        }
        return { headers, events: replay(primed.events, events), attempts: budget.used };
      }
    },
    async getJson(pathAndQuery, signal) {
      const { response } = await send('GET', pathAndQuery, { accept: 'application/json' }, undefined, signal, new AttemptBudget(policy.maxAttempts));
      return response.body.json();
    },
    close: () => agent.close(),
  };
}

/**
 * Reads a new stream up to its first sign of progress (anything after response.created / in_progress). Until then
 * nothing has reached the client, so a cut stream or a retryable response.failed can still be retried invisibly.
 */
async function prime(events: AsyncGenerator<ResponsesEvent>, signal: AbortSignal): Promise<{ events: ResponsesEvent[]; error?: ApiError }> {
  const seen: ResponsesEvent[] = [];
  try {
    for (;;) {
      const next = await events.next();
      if (next.done) return { events: seen };
      const event = next.value;
      if (event.type === 'response.failed') {
        await events.return(undefined);
        return { events: seen, error: failureToApiError(event.response) };
      }
      seen.push(event);
      if (event.type !== 'response.created' && event.type !== 'response.in_progress') return { events: seen };
    }
  } catch (error) {
    if (signal.aborted || !(error instanceof ApiError)) throw error;
    return { events: seen, error };
  }
}

async function* replay(first: ResponsesEvent[], rest: AsyncGenerator<ResponsesEvent>): AsyncGenerator<ResponsesEvent> {
  try {
    yield* first;
    yield* rest;
  } finally {
    // A consumer that stops during the primed events must still release the upstream body (drain or destroy).
    await rest.return(undefined);
  }
}

/** How long to wait before re-sending after a stream failed before any output, or undefined to give up. */
function streamRetryDelay(error: ApiError, policy: BackoffPolicy, retryNumber: number, maxRetryAfterMs: number): number | undefined {
  if (error.status === 429) {
    // The message's "try again in 0.05s" is more precise than the whole-second Retry-After header.
    const seconds = (error.code === 'rate_limit_exceeded' ? retryAfterFromMessage(error.message) : undefined) ?? Number(error.headers['retry-after']);
    return Number.isFinite(seconds) && seconds * 1000 <= maxRetryAfterMs ? seconds * 1000 : undefined;
  }
  // 502: cut stream or a generic backend failure. 503 (overloaded) and 504 (dead upstream) are not worth repeating,
  // nor an oversized event, which a retry would only download again.
  return error.status === 502 && error.code !== 'upstream_event_too_large' ? backoffDelay(policy, retryNumber) : undefined;
}

/** Relays events, turning a broken or truncated stream into an ApiError the server can report. */
async function* checkedEvents(body: Dispatcher.ResponseData['body'], idleTimeoutMs: number): AsyncGenerator<ResponsesEvent> {
  let terminal = false;
  // Once the iterator below has returned, nothing listens for the body's errors any more, yet the request's abort
  // signal (client gone) can still fail it: an unheard 'error' event would crash the process.
  body.on('error', ignoreLateError);
  try {
    // Stopping at the terminal event must not destroy the body: the rest is drained below so the keep-alive
    // connection returns to the pool instead of costing a new TCP connection per request.
    for await (const event of parseSseEvents(body.iterator({ destroyOnReturn: false }))) {
      yield event;
      if (TERMINAL_EVENTS.has(event.type)) {
        terminal = true;
        return;
      }
    }
  } catch (error) {
    if (error instanceof undiciErrors.BodyTimeoutError) throw idleTimeout(idleTimeoutMs);
    if (isAbort(error) || error instanceof ApiError) throw error;
    throw new ApiError(502, 'The ChatGPT backend closed the stream before the answer was complete.', {
      type: 'upstream_error',
      code: 'stream_disconnected',
    });
  } finally {
    // After the terminal event the rest is read so the keep-alive connection goes back to the pool; a stream
    // abandoned early (client gone, error) is destroyed so the backend stops generating.
    if (terminal) await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    else body.destroy();
  }
  throw new ApiError(502, 'The ChatGPT backend closed the stream before the answer was complete.', {
    type: 'upstream_error',
    code: 'stream_disconnected',
  });
}

function ignoreLateError(): void {
  // Errors while iterating are handled where the iteration runs; this only catches the ones after it.
}

function idleTimeout(idleTimeoutMs: number): ApiError {
  const silence = idleTimeoutMs >= 10_000 ? `${Math.round(idleTimeoutMs / 1000)} s` : `${idleTimeoutMs} ms`;
  return new ApiError(504, `The ChatGPT backend sent nothing for ${silence}; the request was abandoned.`, {
    type: 'timeout_error',
    code: 'upstream_idle_timeout',
  });
}

function plainRetryAfterMs(status: number, error: ApiError, headers: Record<string, string>): number | undefined {
  if (status !== 429 || error.code === 'usage_limit_reached' || error.code === 'usage_not_included') return undefined;
  const raw = headers['retry-after'];
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** The request could not even be sent (undici refused a header value the client supplied): the client's fault. */
function unsendable(error: Error): ApiError {
  return new ApiError(400, `The request cannot be forwarded: ${error.message}.`, { type: 'invalid_request_error', code: 'invalid_request' });
}

function networkError(error: unknown): ApiError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ApiError(502, `Could not reach the ChatGPT backend: ${reason}`, { type: 'upstream_error', code: 'upstream_unreachable' });
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error instanceof undiciErrors.RequestAbortedError);
}

export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
