import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI from 'openai';
import { beforeEach, expect, it } from 'vitest';
import { startServe } from '../../../test/support/cli-runner.js';
import type { FakeBackend } from '../../../test/support/fake-backend/server.js';
import { CODEX_CLIENT_ID } from '../../../test/support/fake-backend/tokens.js';
import { runCommand, useSignInFixture } from '../../../test/support/login-runner.js';

const fixture = useSignInFixture();
let fake: FakeBackend;
let authPath: string;
beforeEach(() => {
  ({ fake, authPath } = fixture);
});

it('revokes the refresh token, removes the login, and the next request gets a 401 saying how to sign in', async () => {
  const login = fake.tokens.writeAuthFile(authPath);
  const serve = await startServe(['--no-setup'], { env: fixture.env });
  try {
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${serve.port}/v1`, apiKey: 'bridge', maxRetries: 0 });
    const ask = () => client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'hi' }] });
    await ask();

    const logout = runCommand(['logout'], { env: fixture.env });
    expect(await logout.exit).toBe(0);
    expect(logout.out.join('\n')).toBe(
      `Signed out: removed the login from ${authPath} and revoked it at ChatGPT. This file is shared with the Codex CLI, so the Codex CLI is signed out too.`,
    );
    expect(fake.issuer.revocations).toEqual([{ token: login.tokens.refresh_token, token_type_hint: 'refresh_token', client_id: CODEX_CLIENT_ID }]);
    // The revoked refresh token no longer works at the issuer.
    expect(fake.tokens.handleTokenRequest({ grant_type: 'refresh_token', client_id: CODEX_CLIENT_ID, refresh_token: login.tokens.refresh_token }).status).toBe(401);
    // Nothing else was in the file, so it is gone, as after `codex logout`.
    expect(existsSync(authPath)).toBe(false);

    // The bridge looks at auth.json at most once a second per request.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const error = await ask().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toContain(`No ChatGPT login found at ${authPath}: sign in with \`codex-cursor-bridge login\``);
  } finally {
    serve.stop();
    await serve.exit;
  }
});

it('keeps the fields of auth.json that are not the login, and says nothing about the Codex CLI for a file of its own', async () => {
  const ownPath = path.join(fixture.dir, 'bridge-auth.json');
  const login = fake.tokens.mintAuthJson();
  await writeFile(ownPath, JSON.stringify({ ...login, OPENAI_API_KEY: 'sk-kept', extra_setting: { keep: true } }, null, 2), { mode: 0o600 });
  const logout = runCommand(['logout', '--auth-path', ownPath], { env: fixture.env });
  expect(await logout.exit).toBe(0);
  expect(logout.out.join('\n')).toBe(`Signed out: removed the login from ${ownPath} and revoked it at ChatGPT.`);
  expect(JSON.parse(await readFile(ownPath, 'utf8'))).toEqual({ OPENAI_API_KEY: 'sk-kept', extra_setting: { keep: true } });
});

it('still removes the login when the issuer cannot be reached, and says so', async () => {
  fake.tokens.writeAuthFile(authPath);
  const logout = runCommand(['logout'], { env: { ...fixture.env, CODEX_BRIDGE_AUTH_ISSUER: 'http://127.0.0.1:1' } });
  expect(await logout.exit).toBe(0);
  expect(logout.out.join('\n')).toContain('(it could not be revoked at ChatGPT: Could not reach http://127.0.0.1:1');
  expect(existsSync(authPath)).toBe(false);
});
