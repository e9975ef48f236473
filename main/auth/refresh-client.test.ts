import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBackend } from '../../test/support/fake-backend/server.js';
import type { FakeBackend } from '../../test/support/fake-backend/types.js';
import { CODEX_CLIENT_ID } from '../config/bridge-config.js';
import { ApiError } from '../errors/api-error.js';
import { isPermanentRefreshFailure, requestTokenRefresh, type RefreshClientOptions } from './refresh-client.js';

const capture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../test/fixtures/codex-cli/04-refresh-request.json', import.meta.url)), 'utf8'),
) as { method: string; path: string; body_raw_text: string; headers: [string, string][] };
const capturedHeader = (name: string) => capture.headers.find(([key]) => key === name)?.[1];

let backend: FakeBackend;
let client: RefreshClientOptions;

beforeAll(async () => {
  backend = await startFakeBackend();
  client = {
    refreshTokenUrl: backend.tokenUrl,
    clientId: CODEX_CLIENT_ID,
    originator: capturedHeader('originator')!,
    userAgent: capturedHeader('user-agent')!,
  };
});
afterAll(() => backend.close());
beforeEach(() => backend.reset());

function mintedRefreshToken(): string {
  return backend.tokens.mintAuthJson().tokens.refresh_token;
}

async function refreshFailure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('requestTokenRefresh', () => {
  it('sends exactly what codex-cli 0.171.0 sends', async () => {
    const refreshToken = mintedRefreshToken();
    await requestTokenRefresh(client, refreshToken, 'proactive_expiry');
    const [sent] = backend.requests;
    expect(sent?.method).toBe(capture.method);
    expect(sent?.path).toBe(capture.path);
    expect(sent?.rawBody).toBe(capture.body_raw_text.replace('<REFRESH_TOKEN>', refreshToken));
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers.originator).toBe('codex_exec');
    expect(sent?.headers['user-agent']).toBe(capturedHeader('user-agent'));
  });

  it('names the reason of a reactive refresh', async () => {
    await requestTokenRefresh(client, mintedRefreshToken(), 'unauthorized_recovery');
    expect(backend.tokens.refreshRequests[0]?.refresh_reason).toBe('unauthorized_recovery');
  });

  it('returns the rotated tokens', async () => {
    const refreshToken = mintedRefreshToken();
    const tokens = await requestTokenRefresh(client, refreshToken, 'proactive_expiry');
    expect(backend.tokens.verifyAccess(tokens.accessToken!).ok).toBe(true);
    expect(tokens.refreshToken).toMatch(/^rt_/);
    expect(tokens.refreshToken).not.toBe(refreshToken);
    expect(tokens.idToken?.split('.')).toHaveLength(3);
  });

  it.each([
    ['refresh_token_reused', 'already used'],
    ['refresh_token_expired', 'has expired'],
    ['refresh_token_invalidated', 'revoked'],
  ] as const)('treats %s as permanent: 401 telling the user to sign in again', async (code, why) => {
    backend.tokens.failNextRefresh(code);
    const refreshToken = mintedRefreshToken();
    const error = await refreshFailure(requestTokenRefresh(client, refreshToken, 'proactive_expiry'));
    expect(isPermanentRefreshFailure(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, type: 'authentication_error', code });
    expect(error.message).toContain(why);
    expect(error.message).toContain('Sign in again with `codex-cursor-bridge login`');
    expect(error.message).not.toContain(refreshToken);
  });

  it('treats any other 401 as permanent too', async () => {
    // The fake answers 401 invalid_grant for a refresh token it never minted.
    const error = await refreshFailure(requestTokenRefresh(client, 'rt_not-ours.x', 'proactive_expiry'));
    expect(isPermanentRefreshFailure(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, code: 'refresh_token_rejected' });
    expect(error.message).toContain('`codex-cursor-bridge login`');
  });

  it('treats a 5xx as transient, with the status in the message', async () => {
    backend.tokens.failNextRefresh('server_error');
    const error = await refreshFailure(requestTokenRefresh(client, mintedRefreshToken(), 'proactive_expiry'));
    expect(isPermanentRefreshFailure(error)).toBe(false);
    expect(error.status).toBe(502);
    expect(error.message).toContain('500');
  });

  it('treats an unreachable endpoint as transient (503)', async () => {
    const closed = await startFakeBackend();
    await closed.close();
    const error = await refreshFailure(
      requestTokenRefresh({ ...client, refreshTokenUrl: closed.tokenUrl }, 'rt', 'proactive_expiry'),
    );
    expect(isPermanentRefreshFailure(error)).toBe(false);
    expect(error).toMatchObject({ status: 503, code: 'token_refresh_unavailable' });
  });
});

describe('requestTokenRefresh against a misbehaving endpoint', () => {
  let reply: { status: number; body: string };
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['`error` as a string', '{"error":"refresh_token_expired"}', 'refresh_token_expired'],
    ['top-level `code`, any case', '{"code":"REFRESH_TOKEN_REUSED"}', 'refresh_token_reused'],
    ['no JSON at all', 'Unauthorized', 'refresh_token_rejected'],
  ])('finds the 401 code where the CLI looks: %s', async (_, body, code) => {
    reply = { status: 401, body };
    const error = await refreshFailure(requestTokenRefresh({ ...client, refreshTokenUrl: url }, 'rt', 'proactive_expiry'));
    expect(error).toMatchObject({ status: 401, code });
  });

  it('rejects a 200 without tokens as transient', async () => {
    reply = { status: 200, body: '{"token_type":"Bearer"}' };
    const error = await refreshFailure(requestTokenRefresh({ ...client, refreshTokenUrl: url }, 'rt', 'proactive_expiry'));
    expect(error).toMatchObject({ status: 502, code: 'token_refresh_failed' });
  });

  it('never repeats the refresh token an error page echoes back', async () => {
    reply = { status: 503, body: '<html>\n  upstream failed for rt_secret-value\n</html>' };
    const error = await refreshFailure(
      requestTokenRefresh({ ...client, refreshTokenUrl: url }, 'rt_secret-value', 'proactive_expiry'),
    );
    expect(error.status).toBe(502);
    expect(error.message).toBe('Failed to refresh the ChatGPT token: 503: <html> upstream failed for <redacted> </html>');
  });
});
