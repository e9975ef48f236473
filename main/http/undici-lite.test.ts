import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as undici from 'undici';
import { Agent, errors, request } from './undici-lite.js';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/silent') return; // never answers: the headers timeout fires
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => res.end(JSON.stringify({ method: req.method, url: req.url, body, header: req.headers['x-probe'] ?? null })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('undici-lite', () => {
  it('sends a request with its path, query, headers and body on a given agent and on the global one', async () => {
    const agent = new Agent();
    const onAgent = await request(`${base}/a/b?x=1`, { method: 'POST', dispatcher: agent, headers: { 'x-probe': 'yes' }, body: 'hello' });
    expect(onAgent.statusCode).toBe(200);
    expect(await onAgent.body.json()).toEqual({ method: 'POST', url: '/a/b?x=1', body: 'hello', header: 'yes' });
    const global = await request(`${base}/g`, { method: 'GET' });
    expect(await global.body.json()).toMatchObject({ method: 'GET', url: '/g' });
    await agent.close();
  });

  it('raises the error classes the callers test with instanceof, which are undici’s own', async () => {
    const agent = new Agent({ headersTimeout: 50 });
    await expect(request(`${base}/silent`, { method: 'GET', dispatcher: agent })).rejects.toBeInstanceOf(errors.HeadersTimeoutError);
    await expect(request(`${base}/x`, { method: 'GET', dispatcher: agent, headers: { 'x-probe': 'bad\nvalue' } })).rejects.toBeInstanceOf(
      errors.InvalidArgumentError,
    );
    expect(errors.HeadersTimeoutError).toBe(undici.errors.HeadersTimeoutError);
    await agent.destroy();
  });

  it('does not load undici’s index (fetch, WebSocket, cache…) for the bridge’s upstream and login clients', () => {
    const script = [
      "await import('./main/upstream/upstream-client.ts');",
      "await import('./main/auth/auth-manager.ts');",
      "const { createRequire } = await import('node:module');",
      'const index = createRequire(import.meta.url).resolve("undici");',
      'process.stdout.write(String(Object.keys((await import("node:module")).default._cache).includes(index)));',
    ].join('\n');
    const loaded = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' });
    expect(loaded).toBe('false');
  });

  it('keeps undici’s WebAssembly parser out of V8’s optimizing recompile, whose compiler memory would be the peak RSS', () => {
    // Measured in a fresh process: before the fix the peak grew by ~35 MB a moment after the first requests.
    const script = [
      "import http from 'node:http';",
      "import { readFileSync } from 'node:fs';",
      "const { Agent, request } = await import('./main/http/undici-lite.ts');",
      "const peakKb = () => Number(readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\\s+(\\d+)/)[1]);",
      "const server = http.createServer((req, res) => res.end('ok'));",
      "await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));",
      'const agent = new Agent();',
      'const before = peakKb();',
      'for (let i = 0; i < 50; i++) await (await request(`http://127.0.0.1:${server.address().port}/`, { method: "GET", dispatcher: agent })).body.text();',
      'await new Promise((resolve) => setTimeout(resolve, 1500));',
      'process.stdout.write(String(peakKb() - before));',
      'process.exit(0);',
    ].join('\n');
    const grownKb = Number(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url), encoding: 'utf8' }));
    expect(grownKb).toBeLessThan(15 * 1024);
  });
});
