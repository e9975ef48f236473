import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBackend } from './server.js';
import { send } from './test-helpers.js';
import { AUTH_NAMESPACE, CODEX_CLIENT_ID, FakeTokenAuthority } from './tokens.js';
import type { FakeBackend } from './types.js';

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function refreshBody(refreshToken: string, extra: Record<string, unknown> = {}) {
  return { client_id: CODEX_CLIENT_ID, grant_type: 'refresh_token', refresh_reason: 'proactive_expiry', refresh_token: refreshToken, ...extra };
}

describe('FakeTokenAuthority', () => {
  it('mints an auth.json shaped like a codex login, with claims the CLI reads', () => {
    const authority = new FakeTokenAuthority({ plan: 'plus', accountId: 'acct-9', email: 'a@b.c' });
    const auth = authority.mintAuthJson({ expiresInSec: 600 });
    expect(Object.keys(auth)).toEqual(['auth_mode', 'OPENAI_API_KEY', 'tokens', 'last_refresh']);
    expect(auth.OPENAI_API_KEY).toBeNull();
    expect(auth.tokens.account_id).toBe('acct-9');
    expect(auth.last_refresh).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    for (const jwt of [auth.tokens.access_token, auth.tokens.id_token]) {
      const claims = payloadOf(jwt);
      expect(claims.email).toBe('a@b.c');
      expect((claims.exp as number) - (claims.iat as number)).toBe(600);
      expect(claims[AUTH_NAMESPACE]).toEqual({ chatgpt_plan_type: 'plus', chatgpt_account_id: 'acct-9', chatgpt_user_id: 'user-1' });
    }
    expect(authority.mintAuthJson({ authModeField: false })).not.toHaveProperty('auth_mode');
  });

  it('verifies its own access tokens only, and reports expiry', () => {
    let now = Date.parse('2026-11-26T12:00:00Z');
    const authority = new FakeTokenAuthority({ now: () => now });
    const auth = authority.mintAuthJson({ expiresInSec: 60 });
    expect(authority.verifyAccess(auth.tokens.access_token).ok).toBe(true);
    expect(authority.verifyAccess(auth.tokens.id_token)).toEqual({ ok: false, reason: 'unknown' });
    expect(new FakeTokenAuthority({ secret: 'other' }).verifyAccess(auth.tokens.access_token)).toEqual({ ok: false, reason: 'unknown' });
    expect(authority.verifyAccess('not.a.jwt')).toEqual({ ok: false, reason: 'unknown' });
    now += 61_000;
    expect(authority.verifyAccess(auth.tokens.access_token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('accepts tokens minted by an earlier instance with the same secret (restart)', () => {
    const first = new FakeTokenAuthority({ secret: 's1' });
    const auth = first.mintAuthJson();
    const restarted = new FakeTokenAuthority({ secret: 's1' });
    expect(restarted.verifyAccess(auth.tokens.access_token).ok).toBe(true);
    expect(restarted.handleTokenRequest(refreshBody(auth.tokens.refresh_token)).status).toBe(200);
  });

  it('rotates refresh tokens and rejects reuse with the real error body', () => {
    const authority = new FakeTokenAuthority({ accessTtlSec: 900 });
    const auth = authority.mintAuthJson();
    const first = authority.handleTokenRequest(refreshBody(auth.tokens.refresh_token));
    expect(first.status).toBe(200);
    const body = first.body as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 900, token_type: 'Bearer' });
    expect(body.refresh_token).not.toBe(auth.tokens.refresh_token);
    expect(authority.verifyAccess(body.access_token as string).ok).toBe(true);
    expect(payloadOf(body.id_token as string)[AUTH_NAMESPACE]).toMatchObject({ chatgpt_account_id: 'acct-123' });

    expect(authority.handleTokenRequest(refreshBody(auth.tokens.refresh_token))).toEqual({
      status: 401,
      body: {
        error: {
          message: 'Your refresh token has already been used to generate a new access token. Please try signing in again.',
          type: 'invalid_request_error',
          param: null,
          code: 'refresh_token_reused',
        },
      },
    });
    expect(authority.handleTokenRequest(refreshBody(body.refresh_token as string)).status).toBe(200);
    expect(authority.refreshRequests.map((r) => r.refresh_reason)).toEqual(['proactive_expiry', 'proactive_expiry', 'proactive_expiry']);
  });

  it('checks client_id and grant_type, and refuses refresh tokens it never minted', () => {
    const authority = new FakeTokenAuthority();
    const { refresh_token } = authority.mintAuthJson().tokens;
    expect(authority.handleTokenRequest(refreshBody(refresh_token, { client_id: 'app_other' }))).toMatchObject({
      status: 401,
      body: { error: { code: 'invalid_client' } },
    });
    expect(authority.handleTokenRequest(refreshBody(refresh_token, { grant_type: 'password' }))).toMatchObject({
      status: 400,
      body: { error: { code: 'unsupported_grant_type' } },
    });
    expect(authority.handleTokenRequest(refreshBody('rt_forged.abc'))).toMatchObject({ status: 401, body: { error: { code: 'invalid_grant' } } });
    // None of the rejected attempts burnt the real token.
    expect(authority.handleTokenRequest(refreshBody(refresh_token)).status).toBe(200);
  });

  it('plays scripted failures first and keeps the token usable afterwards', () => {
    const authority = new FakeTokenAuthority();
    const { refresh_token } = authority.mintAuthJson().tokens;
    authority.failNextRefresh('refresh_token_expired');
    authority.failNextRefresh('server_error', 2);
    authority.failNextRefresh('refresh_token_invalidated');
    const codes = Array.from({ length: 4 }, () => authority.handleTokenRequest(refreshBody(refresh_token)));
    expect(codes.map((r) => r.status)).toEqual([401, 500, 500, 401]);
    expect(codes.map((r) => (r.body as { error: { code: string } }).error.code)).toEqual([
      'refresh_token_expired',
      'server_error',
      'server_error',
      'refresh_token_invalidated',
    ]);
    expect(authority.handleTokenRequest(refreshBody(refresh_token)).status).toBe(200);
  });

  it('writes auth.json atomically with mode 0600, creating the folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-auth-'));
    try {
      const path = join(dir, 'nested', 'auth.json');
      const written = new FakeTokenAuthority().writeAuthFile(path, { expiresInSec: -10 });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const text = readFileSync(path, 'utf8');
      expect(text).toBe(JSON.stringify(written, null, 2));
      expect((payloadOf(written.tokens.access_token).exp as number) * 1000).toBeLessThan(Date.now());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('POST /oauth/token over HTTP', () => {
  let backend: FakeBackend;
  beforeAll(async () => {
    backend = await startFakeBackend();
  });
  afterAll(() => backend.close());
  beforeEach(() => backend.reset());

  it('accepts JSON and form bodies, recording each', async () => {
    const { refresh_token } = backend.tokens.mintAuthJson().tokens;
    const json = await send(backend.tokenUrl, 'POST', JSON.stringify(refreshBody(refresh_token)), { 'content-type': 'application/json' });
    expect(json.status).toBe(200);
    const next = (JSON.parse(json.text) as { refresh_token: string }).refresh_token;
    const form = new URLSearchParams({ client_id: CODEX_CLIENT_ID, grant_type: 'refresh_token', refresh_token: next }).toString();
    const formAnswer = await send(backend.tokenUrl, 'POST', form, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(formAnswer.status).toBe(200);
    expect(JSON.parse(formAnswer.text)).toHaveProperty('access_token');
    expect(backend.tokens.refreshRequests).toHaveLength(2);
    expect(backend.requests.map((r) => r.body)).toEqual([refreshBody(refresh_token), Object.fromEntries(new URLSearchParams(form))]);
  });

  it('delays answers by refreshDelayMs, so two racing refreshes of one token end 200 + refresh_token_reused', async () => {
    const { refresh_token } = backend.tokens.mintAuthJson().tokens;
    backend.tokens.refreshDelayMs = 150;
    const started = Date.now();
    const body = JSON.stringify(refreshBody(refresh_token));
    const answers = await Promise.all(
      [1, 2].map(() => send(backend.tokenUrl, 'POST', body, { 'content-type': 'application/json' })),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    expect(answers.find((a) => a.status === 401)!.text).toContain('refresh_token_reused');
  });

  it('answers 400 to an unparseable body', async () => {
    const answer = await send(backend.tokenUrl, 'POST', '{nope', { 'content-type': 'application/json' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'invalid_request' } });
  });
});
