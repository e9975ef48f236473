/** Small HTTP helpers for the fake: body decoding (incl. compressed bodies), request records, JSON answers. */
import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import * as zlib from 'node:zlib';
import type { RecordedRequest } from './types.js';

export type DecodedBody = { ok: true; text: string } | { ok: false; status: number; detail: string };

type Decoder = (data: Buffer) => Buffer;

/** zstd is what the real CLI sends; Node only gained a zstd decoder in 22.15, so it is used when present. */
const zstdDecompressSync = (zlib as unknown as { zstdDecompressSync?: Decoder }).zstdDecompressSync;

const DECODERS: Record<string, Decoder | undefined> = {
  identity: (data) => data,
  gzip: zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: zlib.brotliDecompressSync,
  zstd: zstdDecompressSync,
};

export async function readBody(req: IncomingMessage): Promise<DecodedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decode = DECODERS[encoding];
  if (!decode) return { ok: false, status: 415, detail: `Unsupported Content-Encoding: ${encoding}` };
  try {
    return { ok: true, text: decode(raw).toString('utf8') };
  } catch {
    return { ok: false, status: 400, detail: `Request body is not valid ${encoding} data` };
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function recordOf(req: IncomingMessage, rawBody: string): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://fake.invalid');
  const headers = flattenHeaders(req.headers);
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    rawBody,
    body: parseBody(rawBody, headers['content-type']),
    receivedAt: Date.now(),
  };
}

/** Answers an upgrade request with a plain HTTP error and closes the socket (no WebSocket is ever opened). */
export function refuseUpgrade(socket: Socket, status: number, detail: string): void {
  const text = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Token requests may be form-encoded; everything else is JSON. Unparseable → undefined. */
function parseBody(text: string, contentType: string | undefined): unknown {
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
