import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterEach, expect, it } from 'vitest';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend/server.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(REPO, 'main/cli/index.ts');

let fake: FakeBackend | undefined;
let dir: string | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `codex-cursor-bridge serve` as its own process; resolves with its port once the card is printed. */
function startServeProcess(env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '-p', '0', '--no-setup'], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /serving http:\/\/127\.0\.0\.1:(\d+)\/v1/.exec(out);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${out}`)));
  });
}

it('two bridge processes on one expired auth.json spend the refresh token once; both requests succeed', async () => {
  fake = await startFakeBackend();
  // A slow token endpoint keeps the first refresh in flight while the second process finds the token expired too.
  fake.tokens.refreshDelayMs = 400;
  dir = await mkdtemp(path.join(os.tmpdir(), 'two-bridges-'));
  const authPath = path.join(dir, 'codex', 'auth.json');
  const before = fake.tokens.writeAuthFile(authPath, { expiresInSec: -60 });
  const env = (name: string) => ({
    CODEX_AUTH_PATH: authPath,
    CODEX_BRIDGE_UPSTREAM: fake!.baseUrl,
    CODEX_BRIDGE_AUTH_ISSUER: fake!.origin,
    CODEX_BRIDGE_HOME: path.join(dir!, name),
  });
  const ports = await Promise.all([startServeProcess(env('a')), startServeProcess(env('b'))]);
  const answers = await Promise.all(
    ports.map((port, i) =>
      new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'bridge', maxRetries: 0 }).chat.completions.create({
        model: 'bridge-fast',
        messages: [{ role: 'user', content: `process ${i}` }],
      }),
    ),
  );
  expect(answers.map((a) => a.choices[0]!.message.content)).toEqual([
    'Hello from the fake backend. You said: process 0',
    'Hello from the fake backend. You said: process 1',
  ]);
  const refreshes = fake.tokens.refreshRequests.filter((r) => r.grant_type === 'refresh_token');
  expect(refreshes).toHaveLength(1);
  expect(refreshes[0]!.refresh_token).toBe(before.tokens.refresh_token);

  const after = JSON.parse(await readFile(authPath, 'utf8')) as { tokens: Record<string, string> };
  expect(after.tokens.refresh_token).not.toBe(before.tokens.refresh_token);
  expect(fake.tokens.verifyAccess(after.tokens.access_token!).ok).toBe(true);
  // Both processes sent the one new access token upstream.
  expect(new Set(fake.responsesRequests().map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${after.tokens.access_token}`]));
  expect(await readdir(path.dirname(authPath))).toEqual(['auth.json']);
}, 60_000);
