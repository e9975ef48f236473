/**
 * Child: the leanest Node relay in front of the fake — node:http in, an `http.request` out on a keep-alive agent,
 * the request body and the answer piped raw. Its CPU per delta is the floor any Node relay pays; the bridge is
 * judged against it.
 * Env: BENCH_UPSTREAM (the fake's /backend-api base).
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveControl } from './child-control.js';
import type { ServerReady } from './serve-bridge.js';

const upstream = process.env.BENCH_UPSTREAM;
if (!upstream) throw new Error('serve-floor needs BENCH_UPSTREAM');

const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string' && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

const server = http.createServer((req, res) => {
  const outgoing = http.request(`${upstream}${req.url ?? '/'}`, { method: req.method, headers: forwardable(req.headers), agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/octet-stream' });
    answer.pipe(res);
  });
  outgoing.on('error', () => res.destroy());
  res.once('close', () => {
    if (!res.writableFinished) outgoing.destroy();
  });
  req.pipe(outgoing);
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveControl({ baseUrl: `http://127.0.0.1:${port}` } satisfies ServerReady, {}, async () => {
  server.closeAllConnections();
  agent.destroy();
});
