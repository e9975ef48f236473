import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/index.js';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend/server.js';
import { freePort } from '../support/free-port.js';

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
  it('stops accepting, lets the stream finish, then exits 0', async () => {
    const port = await freePort();
    const out: string[] = [];
    let stop!: (signal: string) => void;
    const exit = runCli(['-p', String(port), '--no-setup'], {
      env: {
        CODEX_BRIDGE_UPSTREAM: fake.baseUrl,
        CODEX_REFRESH_TOKEN_URL_OVERRIDE: fake.tokenUrl,
        CODEX_AUTH_PATH: path.join(dir, 'auth.json'),
        CODEX_BRIDGE_HOME: path.join(dir, 'home'),
      },
      stdout: (line) => out.push(line),
      stderr: (line) => out.push(line),
      stopSignal: new Promise((resolve) => (stop = resolve)),
    });
    for (let i = 0; i < 200 && !out.includes('Requests:'); i++) await new Promise((r) => setTimeout(r, 20));

    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 });
    fake.enqueue({ kind: 'text', deltas: Array.from({ length: 10 }, (_, i) => `w${i} `), intervalMs: 60 });
    const stream = await client.chat.completions.create({ model: 'bridge-fast', stream: true, messages: [{ role: 'user', content: 'long' }] });
    let text = '';
    const reading = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })();
    await new Promise((r) => setTimeout(r, 150));
    stop('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    // No new connections once shutting down.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();

    await reading;
    expect(text).toBe(Array.from({ length: 10 }, (_, i) => `w${i} `).join(''));
    expect(await exit).toBe(0);
    expect(out.join('\n')).toContain('SIGINT: finishing in-flight requests');
  });
});
