import type { IncomingMessage } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { ApiError } from '../errors/api-error.js';

/** Who may call the bridge; read per request so the tunnel coming up or a settings change applies at once. */
export interface GuardPolicy {
  /** Host names (no port) the bridge answers to: loopback names, the bind address, the tunnel host. */
  allowedHosts(): ReadonlySet<string>;
  /** Browser origins the user allowed (exact `scheme://host[:port]`). */
  allowedOrigins(): readonly string[];
  /** The bearer token `/v1/*` requires, or undefined when no token is required. */
  requiredToken(): string | undefined;
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];

/**
 * Rejects what a web page could do to a local server: a foreign `Host` (DNS rebinding) and a foreign `Origin`
 * (cross-site requests), and enforces the bearer token when one is required. Returns the error to answer with.
 */
export function checkRequest(req: IncomingMessage, path: string, policy: GuardPolicy): ApiError | undefined {
  const host = hostName(req.headers.host);
  if (host === undefined || !policy.allowedHosts().has(host)) {
    return new ApiError(403, `Requests for host "${req.headers.host ?? ''}" are not served: this bridge answers only to its own address.`, {
      type: 'permission_error',
      code: 'host_not_allowed',
    });
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !policy.allowedOrigins().includes(origin)) {
    return new ApiError(403, `Browser requests from origin "${origin}" are not allowed. Add it to allowedOrigins in the bridge settings if you trust it.`, {
      type: 'permission_error',
      code: 'origin_not_allowed',
    });
  }
  const token = policy.requiredToken();
  // Browsers send preflights without credentials: an allowed origin's OPTIONS must pass to reach the real request.
  const exempt = path === '/healthz' || req.method === 'OPTIONS';
  // Anthropic clients send the key as `x-api-key` (ANTHROPIC_API_KEY) or as a bearer token (ANTHROPIC_AUTH_TOKEN).
  if (token !== undefined && !exempt && !bearerMatches(req.headers.authorization, token) && !keyMatches(req.headers['x-api-key'], token)) {
    return new ApiError(401, 'Missing or wrong bearer token: send `Authorization: Bearer <bridge token>` or `x-api-key: <bridge token>` (run `codex-cursor-bridge token` to see it).', {
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
  }
  return undefined;
}

/** CORS headers for an allowed origin, or undefined when the origin gets none. */
export function corsHeaders(req: IncomingMessage, policy: GuardPolicy): Record<string, string> | undefined {
  const origin = req.headers.origin;
  if (origin === undefined || !policy.allowedOrigins().includes(origin)) return undefined;
  // The OpenAI JS SDK sends a family of x-stainless-* headers; CORS has no wildcard for names, so the origin the
  // user trusts gets back exactly the headers its preflight asks for.
  const requested = req.headers['access-control-request-headers'];
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': requested ?? 'authorization, content-type',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}

function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 0 ? value.slice(0, end + 1) : undefined;
  }
  const colon = value.indexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return match?.[1] !== undefined && keyMatches(match[1], token);
}

function keyMatches(key: string | string[] | undefined, token: string): boolean {
  if (typeof key !== 'string' || key.trim() === '') return false;
  // Hashing first gives equal-length inputs, so the comparison time reveals nothing about the token.
  const given = createHash('sha256').update(key.trim()).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}
