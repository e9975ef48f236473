import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, invalidRequest } from '../errors/api-error.js';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Reads and parses a JSON request body, refusing more than `limit` bytes without buffering them. */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) throw invalidRequest('The request body is empty: send a JSON object.');
  const text = Buffer.concat(chunks, size).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`The request body is not valid JSON: ${(error as Error).message}`, null, 'invalid_json');
  }
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, `The request body is larger than ${limit / 1024 / 1024} MiB.`, {
    type: 'invalid_request_error',
    code: 'request_too_large',
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

/** Anything thrown that is not an ApiError is our bug: the client gets a 500 without internals. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(500, 'The bridge hit an internal error; see its log for details.', { type: 'server_error', code: 'internal_error' });
}
