/**
 * The fake auth.openai.com: mints codex-style JWTs and auth.json files, verifies access tokens for the fake
 * backend, and implements the refresh grant with the real rules (rotation, single use, the real error codes).
 *
 * Tokens are HMAC-signed with `secret`, so a fake restarted with the same secret still accepts what it minted.
 * Refresh tokens are signed too (`rt_<payload>.<mac>`); only the "already used" set lives in memory.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { base64url, mac, safeEqual, signJwt, verifyJwt } from './jwt.js';

export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
export const DEFAULT_FAKE_SECRET = 'codex-cursor-bridge-fake-backend';
export const AUTH_NAMESPACE = 'https://api.openai.com/auth';
const ISSUER = 'https://auth.openai.com';
/** Real access tokens name the API as audience, id tokens the OAuth client: that is how the fake tells them apart. */
const ACCESS_AUDIENCE = 'https://api.openai.com/v1';

export interface FakeAuthClaims {
  chatgpt_plan_type: string;
  chatgpt_account_id: string;
  chatgpt_user_id: string;
}

export interface FakeTokenClaims {
  iss: string;
  aud: string[];
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  email: string;
  [AUTH_NAMESPACE]: FakeAuthClaims;
  [key: string]: unknown;
}

export interface AuthDotJson {
  auth_mode?: 'chatgpt';
  OPENAI_API_KEY: null;
  tokens: { id_token: string; access_token: string; refresh_token: string; account_id: string };
  last_refresh: string;
}

export interface FakeTokenAuthorityOptions {
  secret?: string;
  /** Lifetime of minted access tokens and the `expires_in` of refresh answers. Default 3600. */
  accessTtlSec?: number;
  plan?: string;
  accountId?: string;
  email?: string;
  userId?: string;
  /** Clock in epoch ms (tests can move time instead of waiting). Default Date.now. */
  now?: () => number;
}

export interface MintOptions {
  /** Seconds until the access/id tokens expire; negative = already expired. Default accessTtlSec. */
  expiresInSec?: number;
  plan?: string;
  accountId?: string;
  email?: string;
  /** Write `"auth_mode":"chatgpt"` like a current login does. Default true. */
  authModeField?: boolean;
}

export type RefreshFailureKind =
  | 'refresh_token_expired'
  | 'refresh_token_reused'
  | 'refresh_token_invalidated'
  | 'server_error';

export type VerifyResult = { ok: true; claims: FakeTokenClaims } | { ok: false; reason: 'unknown' | 'expired' };

export interface TokenEndpointResult {
  status: number;
  body: unknown;
}

interface Subject {
  plan: string;
  accountId: string;
  email: string;
  userId: string;
}

const REFRESH_FAILURES: Record<RefreshFailureKind, TokenEndpointResult> = {
  refresh_token_reused: oauthError(
    401,
    'Your refresh token has already been used to generate a new access token. Please try signing in again.',
    'refresh_token_reused',
  ),
  refresh_token_expired: oauthError(401, 'Your refresh token has expired. Please try signing in again.', 'refresh_token_expired'),
  refresh_token_invalidated: oauthError(
    401,
    'Your refresh token has been invalidated. Please try signing in again.',
    'refresh_token_invalidated',
  ),
  server_error: oauthError(500, 'An error occurred while processing your request.', 'server_error', 'server_error'),
};

export class FakeTokenAuthority {
  readonly secret: string;
  readonly accessTtlSec: number;
  /** Every token-endpoint request body, in arrival order (failed ones included). */
  readonly refreshRequests: Record<string, unknown>[] = [];
  /** Delay the HTTP layer applies before answering each token request, so tests can prove refresh coalescing. */
  refreshDelayMs = 0;

  private readonly defaults: Subject;
  private readonly now: () => number;
  private readonly usedRefreshTokens = new Set<string>();
  private readonly scriptedFailures: RefreshFailureKind[] = [];

  constructor(opts: FakeTokenAuthorityOptions = {}) {
    this.secret = opts.secret ?? DEFAULT_FAKE_SECRET;
    this.accessTtlSec = opts.accessTtlSec ?? 3600;
    this.now = opts.now ?? Date.now;
    this.defaults = {
      plan: opts.plan ?? 'pro',
      accountId: opts.accountId ?? 'acct-123',
      email: opts.email ?? 'dev@example.com',
      userId: opts.userId ?? 'user-1',
    };
  }

  mintAuthJson(opts: MintOptions = {}): AuthDotJson {
    const subject: Subject = {
      plan: opts.plan ?? this.defaults.plan,
      accountId: opts.accountId ?? this.defaults.accountId,
      email: opts.email ?? this.defaults.email,
      userId: this.defaults.userId,
    };
    const minted = this.mintTokens(subject, opts.expiresInSec ?? this.accessTtlSec);
    const auth: AuthDotJson = {
      OPENAI_API_KEY: null,
      tokens: {
        id_token: minted.id_token,
        access_token: minted.access_token,
        refresh_token: minted.refresh_token,
        account_id: subject.accountId,
      },
      last_refresh: new Date(this.now()).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
    };
    return opts.authModeField === false ? auth : { auth_mode: 'chatgpt', ...auth };
  }

  /** Writes a fresh auth.json (2-space JSON, mode 0600, parent created, atomic rename) and returns it. */
  writeAuthFile(path: string, opts: MintOptions = {}): AuthDotJson {
    const auth = this.mintAuthJson(opts);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temp = join(dirname(path), `.auth-${randomUUID()}.tmp`);
    writeFileSync(temp, JSON.stringify(auth, null, 2), { mode: 0o600 });
    renameSync(temp, path);
    return auth;
  }

  /** A fresh token set for the default account, as a sign-in (code exchange) hands it out. */
  issueLoginTokens(): { id_token: string; access_token: string; refresh_token: string } {
    return this.mintTokens(this.defaults, this.accessTtlSec);
  }

  /** `POST /oauth/revoke`: a revoked refresh token is refused like a used one. True when it was ours. */
  revokeRefreshToken(token: string): boolean {
    if (!this.readRefreshToken(token)) return false;
    this.usedRefreshTokens.add(token);
    return true;
  }

  verifyAccess(token: string): VerifyResult {
    const claims = verifyJwt(token, this.secret);
    if (!claims || !isAccessClaims(claims)) return { ok: false, reason: 'unknown' };
    if (claims.exp <= this.nowSec()) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  /** Scripts the next `times` refresh attempts to fail (checked after client_id/grant validation). */
  failNextRefresh(kind: RefreshFailureKind, times = 1): void {
    for (let i = 0; i < times; i++) this.scriptedFailures.push(kind);
  }

  /** Forgets recorded requests, scripted failures and the used-token set. */
  reset(): void {
    this.refreshRequests.length = 0;
    this.scriptedFailures.length = 0;
    this.usedRefreshTokens.clear();
    this.refreshDelayMs = 0;
  }

  /** `POST /oauth/token` with an already-decoded body (JSON or form fields). */
  handleTokenRequest(body: unknown): TokenEndpointResult {
    const fields = isRecord(body) ? body : {};
    this.refreshRequests.push({ ...fields });
    if (fields.grant_type !== 'refresh_token') {
      return oauthError(400, `Unsupported grant type: ${String(fields.grant_type)}`, 'unsupported_grant_type');
    }
    if (fields.client_id !== CODEX_CLIENT_ID) return oauthError(401, 'Invalid client.', 'invalid_client');
    if (typeof fields.refresh_token !== 'string' || fields.refresh_token === '') {
      return oauthError(400, 'Missing required parameter: refresh_token.', 'invalid_request');
    }
    const scripted = this.scriptedFailures.shift();
    if (scripted) return REFRESH_FAILURES[scripted];

    const subject = this.readRefreshToken(fields.refresh_token);
    // A token we never minted: a permanent 401 whose code the CLI does not special-case.
    if (!subject) return oauthError(401, 'Invalid refresh token.', 'invalid_grant');
    if (this.usedRefreshTokens.has(fields.refresh_token)) return REFRESH_FAILURES.refresh_token_reused;
    this.usedRefreshTokens.add(fields.refresh_token);

    const minted = this.mintTokens(subject, this.accessTtlSec);
    return {
      status: 200,
      body: {
        access_token: minted.access_token,
        refresh_token: minted.refresh_token,
        id_token: minted.id_token,
        expires_in: this.accessTtlSec,
        token_type: 'Bearer',
        scope: 'openid profile email offline_access',
      },
    };
  }

  private mintTokens(subject: Subject, expiresInSec: number) {
    const iat = this.nowSec();
    const exp = iat + expiresInSec;
    const common = {
      iss: ISSUER,
      sub: `auth0|${subject.userId}`,
      iat,
      exp,
      email: subject.email,
      [AUTH_NAMESPACE]: {
        chatgpt_plan_type: subject.plan,
        chatgpt_account_id: subject.accountId,
        chatgpt_user_id: subject.userId,
      },
    };
    return {
      access_token: signJwt({ ...common, aud: [ACCESS_AUDIENCE], jti: randomUUID() }, this.secret),
      id_token: signJwt({ ...common, aud: [CODEX_CLIENT_ID], jti: randomUUID() }, this.secret),
      refresh_token: this.mintRefreshToken(subject),
    };
  }

  private mintRefreshToken(subject: Subject): string {
    const payload = base64url(JSON.stringify({ ...subject, jti: randomUUID() }));
    return `rt_${payload}.${mac(payload, this.secret)}`;
  }

  private readRefreshToken(token: string): Subject | null {
    const match = /^rt_([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!match || !safeEqual(match[2]!, mac(match[1]!, this.secret))) return null;
    const parsed: unknown = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8'));
    if (!isRecord(parsed)) return null;
    const { plan, accountId, email, userId } = parsed;
    if (typeof plan !== 'string' || typeof accountId !== 'string' || typeof email !== 'string' || typeof userId !== 'string') {
      return null;
    }
    return { plan, accountId, email, userId };
  }

  private nowSec(): number {
    return Math.floor(this.now() / 1000);
  }
}

function oauthError(status: number, message: string, code: string, type = 'invalid_request_error'): TokenEndpointResult {
  return { status, body: { error: { message, type, param: null, code } } };
}

function isAccessClaims(claims: Record<string, unknown>): claims is FakeTokenClaims {
  const auth = claims[AUTH_NAMESPACE];
  return (
    Array.isArray(claims.aud) &&
    claims.aud.includes(ACCESS_AUDIENCE) &&
    typeof claims.exp === 'number' &&
    isRecord(auth) &&
    typeof auth.chatgpt_account_id === 'string'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
