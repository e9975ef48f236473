import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../support/cli-runner.js';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend/server.js';

let fake: FakeBackend;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-shutdown-'));
  fake = await startFakeBackend();
  await fake.tokens.writeAuthFile(path.join(dir, 'auth.json'));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Ctrl-C while a stream is in flight', () => {
  it('stops accepting, lets the stream finish, then exits 0 right after it', async () => {
    const serve = await startServe(['--no-setup'], {
      env: {
        CODEX_BRIDGE_UPSTREAM: fake.baseUrl,
        CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
        CODEX_AUTH_PATH: path.join(dir, 'auth.json'),
        CODEX_BRIDGE_HOME: path.join(dir, 'home'),
      },
    });
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${serve.port}/v1`, apiKey: 'x', maxRetries: 0 });
    const words = Array.from({ length: 10 }, (_, i) => `w${i} `);
    fake.enqueue({ kind: 'text', deltas: words, intervalMs: 60 });
    const stream = await client.chat.completions.create({ model: 'bridge-fast', stream: true, messages: [{ role: 'user', content: 'long' }] });
    let text = '';
    const reading = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })();
    await new Promise((r) => setTimeout(r, 150));
    serve.stop('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    // No new connections once shutting down.
    await expect(fetch(`http://127.0.0.1:${serve.port}/healthz`)).rejects.toThrow();

    await reading;
    const streamDone = Date.now();
    expect(text).toBe(words.join(''));
    expect(await serve.exit).toBe(0);
    // The client's now-idle keep-alive connection does not hold the exit until the 5 s grace period ends.
    expect(Date.now() - streamDone).toBeLessThan(1_000);
    expect(serve.out.join('\n')).toContain('SIGINT: finishing in-flight requests');
  });
});
