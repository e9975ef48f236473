import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeBackend } from '../../test/support/fake-backend/server.js';
import type { AuthDotJson } from '../../test/support/fake-backend/tokens.js';
import type { FakeBackend } from '../../test/support/fake-backend/types.js';
import { CODEX_CLIENT_ID } from '../config/bridge-config.js';
import { ApiError } from '../errors/api-error.js';
import { createAuthManager, type AuthManager, type AuthManagerOptions } from './auth-manager.js';

let backend: FakeBackend;
let dir: string;
let authPath: string;
/** Added to the manager's clock, so tests can move time forward. */
let clockOffsetMs: number;

beforeAll(async () => {
  backend = await startFakeBackend();
});
afterAll(() => backend.close());
beforeEach(() => {
  backend.reset();
  dir = mkdtempSync(path.join(tmpdir(), 'auth-manager-'));
  authPath = path.join(dir, 'auth.json');
  clockOffsetMs = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function manager(overrides: Partial<AuthManagerOptions> = {}): AuthManager {
  return createAuthManager({
    authPath,
    refreshTokenUrl: backend.tokenUrl,
    clientId: CODEX_CLIENT_ID,
    originator: 'codex_exec',
    userAgent: 'codex-cursor-bridge-test',
    now: () => Date.now() + clockOffsetMs,
    ...overrides,
  });
}

/** What `codex login` leaves behind, `expiresInSec` from expiry. */
function login(expiresInSec: number): AuthDotJson {
  return backend.tokens.writeAuthFile(authPath, { expiresInSec });
}

function onDisk(): AuthDotJson {
  return JSON.parse(readFileSync(authPath, 'utf8')) as AuthDotJson;
}

function refreshCount(): number {
  return backend.tokens.refreshRequests.length;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('getCredentials', () => {
  it('uses the stored token as is while it is more than 5 minutes from expiry', async () => {
    const auth = login(6 * 60);
    expect(await manager().getCredentials()).toEqual({ accessToken: auth.tokens.access_token, accountId: 'acct-123' });
    expect(refreshCount()).toBe(0);
  });

  it('refreshes proactively within 5 minutes of expiry and saves the new tokens', async () => {
    const before = login(4 * 60);
    const credentials = await manager().getCredentials();
    expect(backend.tokens.refreshRequests).toEqual([
      {
        client_id: CODEX_CLIENT_ID,
        grant_type: 'refresh_token',
        refresh_reason: 'proactive_expiry',
        refresh_token: before.tokens.refresh_token,
      },
    ]);
    expect(credentials.accessToken).not.toBe(before.tokens.access_token);
    expect(backend.tokens.verifyAccess(credentials.accessToken).ok).toBe(true);
    const after = onDisk();
    expect(after.tokens.access_token).toBe(credentials.accessToken);
    expect(after.tokens.refresh_token).not.toBe(before.tokens.refresh_token);
    expect(after.tokens.id_token).not.toBe(before.tokens.id_token);
  });

  it('rewrites auth.json like the CLI: atomically, mode 0600 from 0644, other fields and key order kept', async () => {
    const minted = backend.tokens.mintAuthJson({ expiresInSec: 60 });
    const original = {
      auth_mode: minted.auth_mode,
      OPENAI_API_KEY: null,
      tokens: { ...minted.tokens, future_token_field: 'kept' },
      agent_identity: { kept: true },
      last_refresh: '2026-11-16T22:48:56.000000Z',
    };
    writeFileSync(authPath, JSON.stringify(original, null, 2));
    chmodSync(authPath, 0o644);
    const inodeBefore = statSync(authPath).ino;

    const startedAt = Date.now();
    await manager().getCredentials();

    const text = readFileSync(authPath, 'utf8');
    const after = JSON.parse(text);
    expect(text).toBe(JSON.stringify(after, null, 2));
    expect(Object.keys(after)).toEqual(['auth_mode', 'OPENAI_API_KEY', 'tokens', 'agent_identity', 'last_refresh']);
    expect(Object.keys(after.tokens)).toEqual(['id_token', 'access_token', 'refresh_token', 'account_id', 'future_token_field']);
    expect(after.tokens.account_id).toBe('acct-123');
    expect(after.tokens.future_token_field).toBe('kept');
    expect(after.agent_identity).toEqual({ kept: true });
    expect(after.last_refresh).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    expect(Date.parse(after.last_refresh)).toBeGreaterThanOrEqual(startedAt);
    expect(statSync(authPath).mode & 0o777).toBe(0o600);
    expect(statSync(authPath).ino).not.toBe(inodeBefore);
    expect(readdirSync(dir)).toEqual(['auth.json']);
  });

  it('honours a custom refresh window', async () => {
    const auth = login(4 * 60);
    expect((await manager({ refreshWindowSec: 60 }).getCredentials()).accessToken).toBe(auth.tokens.access_token);
    expect(refreshCount()).toBe(0);
  });

  it('coalesces 20 concurrent callers into one refresh request', async () => {
    login(60);
    backend.tokens.refreshDelayMs = 100;
    const auth = manager();
    const results = await Promise.all(Array.from({ length: 20 }, () => auth.getCredentials()));
    expect(refreshCount()).toBe(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
    expect(results[0]?.accessToken).toBe(onDisk().tokens.access_token);
  });

  it('adopts tokens another process wrote instead of refreshing', async () => {
    login(60);
    const auth = manager();
    const rotatedByCli = login(3600);
    expect((await auth.getCredentials()).accessToken).toBe(rotatedByCli.tokens.access_token);
    expect(refreshCount()).toBe(0);
  });

  it('falls back to the JWT account id when auth.json has none', async () => {
    const minted = backend.tokens.mintAuthJson({ accountId: 'acct-from-jwt' });
    writeFileSync(authPath, JSON.stringify({ ...minted, tokens: { ...minted.tokens, account_id: null } }));
    expect((await manager().getCredentials()).accountId).toBe('acct-from-jwt');
  });
});

describe('recoverFromUnauthorized', () => {
  it('adopts tokens the Codex CLI rotated on disk without calling the token endpoint', async () => {
    const rejected = login(3600).tokens.access_token;
    const auth = manager();
    await auth.getCredentials();
    const rotatedByCli = login(3600);
    expect(await auth.recoverFromUnauthorized(rejected)).toEqual({
      accessToken: rotatedByCli.tokens.access_token,
      accountId: 'acct-123',
    });
    expect(refreshCount()).toBe(0);
  });

  it('refreshes (unauthorized_recovery) when the rejected token is still the stored one', async () => {
    const before = login(3600);
    const credentials = await manager().recoverFromUnauthorized(before.tokens.access_token);
    expect(backend.tokens.refreshRequests).toEqual([
      expect.objectContaining({ refresh_reason: 'unauthorized_recovery', refresh_token: before.tokens.refresh_token }),
    ]);
    expect(credentials.accessToken).not.toBe(before.tokens.access_token);
    expect(onDisk().tokens.access_token).toBe(credentials.accessToken);
  });

  it('reports a refresh it could not save, without the tokens', async () => {
    const rejected = login(3600).tokens.access_token;
    backend.tokens.refreshDelayMs = 200;
    const recovering = manager().recoverFromUnauthorized(rejected);
    // The folder is replaced by a file while the token request is on the wire, so the rewrite cannot happen.
    await vi.waitFor(() => expect(backend.requests).toHaveLength(1), { interval: 5 });
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'not a folder');
    const error = await rejection(recovering);
    expect(error).toMatchObject({ status: 500, code: 'auth_file_write_failed' });
    expect(error.message).toContain(`could not be saved to ${authPath}`);
    expect(error.message).toContain("sign in again with `codex-cursor-bridge login`");
    expect(error.message).not.toContain(rejected);
  });

  it('coalesces concurrent recoveries for the same token into one refresh', async () => {
    const rejected = login(3600).tokens.access_token;
    backend.tokens.refreshDelayMs = 50;
    const auth = manager();
    const results = await Promise.all(Array.from({ length: 10 }, () => auth.recoverFromUnauthorized(rejected)));
    expect(refreshCount()).toBe(1);
    expect(new Set(results.map((r) => r.accessToken))).toEqual(new Set([onDisk().tokens.access_token]));
  });
});

describe('permanent refresh failures', () => {
  /** The Codex CLI spent the refresh token but its new tokens never reached this file. */
  function spendRefreshTokenElsewhere(auth: AuthDotJson): void {
    const result = backend.tokens.handleTokenRequest({
      client_id: CODEX_CLIENT_ID,
      grant_type: 'refresh_token',
      refresh_token: auth.tokens.refresh_token,
    });
    expect(result.status).toBe(200);
    backend.tokens.refreshRequests.length = 0;
  }

  it('refresh_token_reused: keeps the still-valid token, does not retry, and tells the user to sign in again', async () => {
    const stored = login(4 * 60);
    spendRefreshTokenElsewhere(stored);
    const auth = manager();

    expect((await auth.getCredentials()).accessToken).toBe(stored.tokens.access_token);
    expect(refreshCount()).toBe(1);
    expect(backend.tokens.verifyAccess(stored.tokens.access_token).ok).toBe(true);

    expect((await auth.getCredentials()).accessToken).toBe(stored.tokens.access_token);
    const error = await rejection(auth.recoverFromUnauthorized(stored.tokens.access_token));
    expect(error).toMatchObject({ status: 401, type: 'authentication_error', code: 'refresh_token_reused' });
    expect(error.message).toContain('Sign in again with `codex-cursor-bridge login`');
    expect(error.message).not.toContain(stored.tokens.refresh_token);
    expect(refreshCount()).toBe(1);
    expect(onDisk()).toEqual(stored);

    const status = await auth.describe();
    expect(status.state).toBe('refresh-failed');
    expect(status.message).toContain('`codex-cursor-bridge login`');
  });

  it('fails with the 401 once the stored token has expired', async () => {
    const stored = login(-60);
    backend.tokens.failNextRefresh('refresh_token_expired');
    const auth = manager();
    expect(await rejection(auth.getCredentials())).toMatchObject({ status: 401, code: 'refresh_token_expired' });
    expect(await rejection(auth.getCredentials())).toMatchObject({ status: 401, code: 'refresh_token_expired' });
    expect(refreshCount()).toBe(1);
    expect(onDisk()).toEqual(stored);
  });

  it('tries again once auth.json changes (after `codex login`)', async () => {
    login(-60);
    backend.tokens.failNextRefresh('refresh_token_invalidated');
    const auth = manager();
    await rejection(auth.getCredentials());
    const relogin = login(60);
    const credentials = await auth.getCredentials();
    expect(refreshCount()).toBe(2);
    expect(backend.tokens.refreshRequests[1]?.refresh_token).toBe(relogin.tokens.refresh_token);
    expect(backend.tokens.verifyAccess(credentials.accessToken).ok).toBe(true);
    expect((await auth.describe()).state).toBe('ok');
  });
});

describe('transient refresh failures', () => {
  it('keeps the still-valid token and retries only after a pause', async () => {
    const stored = login(4 * 60);
    backend.tokens.failNextRefresh('server_error');
    const auth = manager();

    expect((await auth.getCredentials()).accessToken).toBe(stored.tokens.access_token);
    expect((await auth.getCredentials()).accessToken).toBe(stored.tokens.access_token);
    expect(refreshCount()).toBe(1);
    const status = await auth.describe();
    expect(status.state).toBe('ok');
    expect(status.message).toContain('500');

    clockOffsetMs = 31_000;
    const credentials = await auth.getCredentials();
    expect(refreshCount()).toBe(2);
    expect(credentials.accessToken).not.toBe(stored.tokens.access_token);
    expect((await auth.describe()).message).toBeUndefined();
  });

  it('surfaces the failure when the stored token has already expired', async () => {
    login(-60);
    backend.tokens.failNextRefresh('server_error');
    const error = await rejection(manager().getCredentials());
    expect(error.status).toBe(502);
    expect(error.message).toContain('500');
  });
});

describe('unusable logins', () => {
  it('missing file: 401 naming the path and how to sign in', async () => {
    const auth = manager();
    const error = await rejection(auth.getCredentials());
    expect(error).toMatchObject({ status: 401, type: 'authentication_error' });
    expect(error.message).toContain(`No ChatGPT login found at ${authPath}: sign in with \`codex-cursor-bridge login\``);
    expect(await auth.describe()).toMatchObject({ state: 'missing', authPath, message: error.message });
  });

  it('API key only: 401 explaining it is not a ChatGPT login', async () => {
    writeFileSync(authPath, JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: 'sk-live-secret' }));
    const auth = manager();
    const error = await rejection(auth.recoverFromUnauthorized('whatever'));
    expect(error.status).toBe(401);
    expect(error.message).toContain('holds an API key, not a ChatGPT login: sign in with ChatGPT with `codex-cursor-bridge login`');
    const status = await auth.describe();
    expect(status.state).toBe('api-key-only');
    expect(JSON.stringify(status)).not.toContain('sk-live-secret');
  });

  it('garbage file: 401 and state unreadable', async () => {
    writeFileSync(authPath, 'not json at all');
    const auth = manager();
    expect((await rejection(auth.getCredentials())).status).toBe(401);
    expect((await auth.describe()).state).toBe('unreadable');
  });
});

describe('describe', () => {
  it('reports plan, email, account and expiry, and never a token', async () => {
    const stored = backend.tokens.writeAuthFile(authPath, { plan: 'plus', email: 'me@example.com', expiresInSec: 3600 });
    const status = await manager().describe();
    expect(status).toMatchObject({
      state: 'ok',
      authPath,
      plan: 'plus',
      planLabel: 'Plus',
      email: 'me@example.com',
      accountId: 'acct-123',
    });
    expect(Math.abs(status.expiresAt!.getTime() - (Date.now() + 3600_000))).toBeLessThan(5_000);
    expect(status.lastRefresh?.toISOString()).toBe(new Date(stored.last_refresh).toISOString());
    const serialised = JSON.stringify(status);
    for (const token of Object.values(stored.tokens)) {
      if (token !== 'acct-123') expect(serialised).not.toContain(token);
    }
  });
});
