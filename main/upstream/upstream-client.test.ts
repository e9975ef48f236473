import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import { startFakeBackend, type FakeBackend } from '../../test/support/fake-backend/server.js';
import { createUpstreamClient, type UpstreamClient } from './upstream-client.js';

let fake: FakeBackend | undefined;
let client: UpstreamClient | undefined;
afterEach(async () => {
  await client?.close();
  await fake?.close();
});

describe('a request the HTTP client refuses to send', () => {
  it('is the caller’s fault: a 400, never retried, nothing reaches the backend', async () => {
    fake = await startFakeBackend();
    const accessToken = fake.tokens.mintAuthJson().tokens.access_token;
    client = createUpstreamClient({
      config: { upstreamBase: fake.baseUrl, originator: 'codex_cli_rs', clientVersion: '0.171.0' },
      credentials: { getCredentials: async () => ({ accessToken, accountId: null }), recoverFromUnauthorized: async () => ({ accessToken, accountId: null }) },
    });
    const outcome = await client
      .openResponsesStream({ model: 'x' }, { sessionId: 'conv\r\nX-Injected: 1', lite: false, signal: new AbortController().signal })
      .then(() => undefined, (error: unknown) => error);
    expect(outcome).toBeInstanceOf(ApiError);
    expect((outcome as ApiError).status).toBe(400);
    expect(fake.responsesRequests()).toHaveLength(0);
  });
});
