import type { IncomingMessage, ServerResponse } from 'node:http';
import { toAnthropicError } from '../errors/anthropic-error.js';
import { ApiError, invalidRequest } from '../errors/api-error.js';
import type { ServerLimits } from './limits.js';

/** Takes body bytes from the server's shared budget for this request; false when they do not fit. */
export type BodyLease = (bytes: number) => boolean;

/**
 * Reads and parses a JSON request body: refuses more than `maxBodyBytes` without buffering them, takes its bytes from
 * the shared budget as they arrive (a 503 when concurrent bodies would exceed it), and refuses nesting deeper than
 * `maxJsonDepth` before parsing, so no recursive walk of the body (hashing, translation, serialisation) can
 * overflow the stack.
 */
export async function readJsonBody(req: IncomingMessage, limits: Pick<ServerLimits, 'maxBodyBytes' | 'maxJsonDepth'>, lease: BodyLease): Promise<unknown> {
  const limit = limits.maxBodyBytes;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  let leased = Number.isFinite(declared) && declared > 0 ? declared : 0;
  if (leased > 0 && !lease(leased)) throw busy();
  // A declared length (which Node's parser enforces) is read straight into one buffer: no list of chunks plus a
  // concatenated copy of them. A chunked body is collected and joined once.
  const declaredBody = leased > 0 ? Buffer.allocUnsafe(leased) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) throw tooLarge(limit);
    if (size + chunk.length > leased) {
      if (!lease(size + chunk.length - leased)) throw busy();
      leased = size + chunk.length;
    }
    if (declaredBody) chunk.copy(declaredBody, size);
    else chunks.push(chunk);
    size += chunk.length;
  }
  if (size === 0) throw invalidRequest('The request body is empty: send a JSON object.');
  const bytes = declaredBody ? declaredBody.subarray(0, size) : Buffer.concat(chunks, size);
  chunks.length = 0;
  if (nestingExceeds(bytes, limits.maxJsonDepth)) {
    throw invalidRequest(`The request body nests arrays and objects more than ${limits.maxJsonDepth} levels deep.`, null, 'json_too_deep');
  }
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalidRequest(`The request body is not valid JSON: ${(error as Error).message}`, null, 'invalid_json');
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * One pass over the raw bytes; string contents are skipped with a native search for their closing quote (UTF-8
 * continuation bytes never equal an ASCII bracket or quote). An unterminated string is left to the JSON parser.
 */
function nestingExceeds(bytes: Buffer, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = closingQuote(bytes, i);
      if (i === -1) return false;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** Index of the quote that ends the string opened at `open` (one not escaped by an odd run of backslashes), or -1. */
function closingQuote(bytes: Buffer, open: number): number {
  for (let quote = bytes.indexOf(QUOTE, open + 1); quote !== -1; quote = bytes.indexOf(QUOTE, quote + 1)) {
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, `The request body is larger than ${limit / 1024 / 1024} MiB.`, {
    type: 'invalid_request_error',
    code: 'request_too_large',
  });
}

function busy(): ApiError {
  return new ApiError(503, 'The bridge is reading too many large request bodies at once; retry in a moment.', {
    type: 'server_error',
    code: 'server_busy',
    headers: { 'retry-after': '1' },
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, error.toBody(), error.headers);
}

/** Errors of the /v1/messages routes, in Anthropic's shape. */
export function sendAnthropicError(res: ServerResponse, error: ApiError): void {
  const { status, body, headers } = toAnthropicError(error);
  sendJson(res, status, body, headers);
}

/** Anything thrown that is not an ApiError is our bug: the client gets a 500 without internals. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(500, 'The bridge hit an internal error; see its log for details.', { type: 'server_error', code: 'internal_error' });
}
