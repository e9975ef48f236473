import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bridgeChat, directEquivalent } from './bench-context.js';
import { spawnChild } from './children.js';
import { staggered } from './load.js';
import type { ServerReady } from './serve-bridge.js';
import type { FakeReady } from './serve-fake.js';
import { readStream, type Dialect, type HttpCall } from './sse-reader.js';
import { median, percentile } from './stats.js';
const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-'));
const authPath = path.join(dir, 'auth.json');
import { compileChildren } from './compile-children.js';
const compiled = await compileChildren(path.join(dir,'build'));
const fake = await spawnChild<FakeReady>(path.resolve('bench/serve-fake.ts'), { env: { BENCH_AUTH_PATH: authPath } });
const bridge = await spawnChild<ServerReady>(path.join(compiled,'serve-bridge.js'), { nodeFlags: process.env.PROF ? ['--cpu-prof','--cpu-prof-dir=/tmp/prof'] : [], env: { BENCH_UPSTREAM: fake.ready.baseUrl, BENCH_TOKEN_URL: fake.ready.tokenUrl, BENCH_AUTH_PATH: authPath, BENCH_HOME: path.join(dir, 'h') } });
const ctx = { fake, bridge, floor: bridge };
const chat = bridgeChat(ctx, { stream: true });
const direct = await directEquivalent(ctx, chat);
const N = Number(process.argv[2] ?? 32);
async function round(call: HttpCall, d: Dialect, deltas: number) {
  await fake.call('enqueue', Array.from({ length: N }, () => ({ kind: 'paced', deltas, intervalMs: 20 })));
  const ts = await staggered(N, 20, () => readStream(call, d));
  const ttft = ts.map((t) => t.deltas[0]! - t.start);
  const gaps = ts.flatMap((t) => t.deltas.slice(1).map((x, i) => x - t.deltas[i]!));
  const e2e = ts.map((t) => t.end - t.start);
  console.log(d, 'ttft med', median(ttft).toFixed(1), 'p90', percentile(ttft, 90).toFixed(1), 'gap med', median(gaps).toFixed(2), 'p99', percentile(gaps, 99).toFixed(1), 'max', Math.max(...gaps).toFixed(1), 'e2e med', median(e2e).toFixed(1));
}
for (let r = 0; r < 3; r++) { await round(direct, 'responses', 100); await round(chat, 'chat', 100); }
console.log((await bridge.stats()).rssBytes / 1e6, (await fake.stats()).rssBytes / 1e6);
await bridge.stop(); await fake.stop();
