import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServe } from '../support/cli-runner.js';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend/server.js';
import { runCommand } from '../support/login-runner.js';

const CHROMIUM = '/usr/bin/chromium';
/** Debian's Chromium, offline, as the window tests run it. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let fake: FakeBackend;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`This test drives Debian's Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\`.`);
  dir = await mkdtemp(path.join(os.tmpdir(), 'sign-in-browser-'));
  [fake, browser] = await Promise.all([startFakeBackend(), chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })]);
});
afterAll(async () => {
  await browser?.close();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

it('`login --no-browser` prints the URL; Chromium follows it, the issuer approves, auth.json is written 0600 and a bridge started afterwards serves a chat', async () => {
  const codexHome = path.join(dir, 'codex');
  const env = { CODEX_HOME: codexHome, CODEX_BRIDGE_AUTH_ISSUER: fake.origin, CODEX_BRIDGE_UPSTREAM: fake.baseUrl, CODEX_BRIDGE_HOME: path.join(dir, 'home') };
  const login = runCommand(['login', '--no-browser'], { env, signIn: { callbackPorts: [0] } });
  const url = new URL(await login.line(/^http:\/\/.*\/oauth\/authorize\?/));
  expect(login.out).toContain(url.href);
  expect(url.origin).toBe(fake.origin);
  expect(url.searchParams.get('client_id')).toBe('app_EMoamEEZ73f0CkXaXp7hrann');
  expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+\/auth\/callback$/);
  expect([...url.searchParams.keys()]).toEqual([
    'response_type', 'client_id', 'redirect_uri', 'scope', 'code_challenge', 'code_challenge_method',
    'id_token_add_organizations', 'codex_cli_simplified_flow', 'state', 'originator',
  ]);
  expect(Object.fromEntries(url.searchParams)).toMatchObject({
    response_type: 'code',
    scope: 'openid profile email offline_access api.connectors.read api.connectors.invoke',
    code_challenge_method: 'S256',
    id_token_add_organizations: 'true',
    codex_cli_simplified_flow: 'true',
    originator: 'codex_exec',
  });

  const page = await browser.newPage();
  await page.goto(url.href);
  await expect.poll(() => page.textContent('body')).toContain('You can close this window');
  expect(new URL(page.url()).pathname).toBe('/auth/callback');
  await page.close();

  expect(await login.exit).toBe(0);
  const authPath = path.join(codexHome, 'auth.json');
  expect(login.out.join('\n')).toContain(`Signed in with ChatGPT (dev@example.com, Pro). The login is saved in ${authPath}`);
  expect((await stat(authPath)).mode & 0o777).toBe(0o600);
  const auth = JSON.parse(await readFile(authPath, 'utf8')) as { auth_mode: string; tokens: Record<string, string>; last_refresh: string };
  expect(auth.auth_mode).toBe('chatgpt');
  expect(auth.tokens.account_id).toBe('acct-123');
  expect(fake.tokens.verifyAccess(auth.tokens.access_token!).ok).toBe(true);
  expect(fake.issuer.codeExchanges).toHaveLength(1);

  const serve = await startServe(['--no-setup'], { env });
  try {
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${serve.port}/v1`, apiKey: 'bridge', maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'bridge-fast', messages: [{ role: 'user', content: 'after sign-in' }] });
    expect(completion.choices[0]!.message.content).toBe('Hello from the fake backend. You said: after sign-in');
    expect(fake.responsesRequests().at(-1)!.headers.authorization).toBe(`Bearer ${auth.tokens.access_token}`);
  } finally {
    serve.stop();
    await serve.exit;
  }
}, 60_000);
