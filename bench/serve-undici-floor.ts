/**
 * Child: the second reference — node:http in, undici out (the bridge's own upstream client), response bytes piped
 * through untouched with `pipeline`. What a relay on the bridge's stack costs before it does any work; the lean
 * floor (serve-floor.ts) is what the bridge is judged against.
 * Env: BENCH_UPSTREAM (the fake's /backend-api base).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { serveControl } from './child-control.js';
import type { ServerReady } from './serve-bridge.js';

const upstream = process.env.BENCH_UPSTREAM;
if (!upstream) throw new Error('serve-floor needs BENCH_UPSTREAM');

// Same pool settings as the bridge's upstream client, so connection handling costs the same.
const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

const server = createServer(async (req, res) => {
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await request(`${upstream}${req.url ?? '/'}`, {
      method: 'POST',
      headers: forwardable(req.headers),
      body: Buffer.concat(chunks),
      dispatcher: agent,
      signal: controller.signal,
    });
    res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/octet-stream') });
    res.flushHeaders();
    await pipeline(answer.body, res);
  } catch {
    res.destroy();
  }
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveControl({ baseUrl: `http://127.0.0.1:${port}` } satisfies ServerReady, {}, async () => {
  server.closeAllConnections();
  await agent.close();
});
