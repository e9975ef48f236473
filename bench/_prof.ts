import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnChild } from './children.js';
import { compileChildren } from './compile-children.js';
import { bridgeChat } from './bench-context.js';
import { runConcurrently } from './load.js';
import { timeFullRequest, readStream } from './sse-reader.js';
import type { ServerReady } from './serve-bridge.js';
import type { FakeReady } from './serve-fake.js';
const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-'));
const authPath = path.join(dir, 'auth.json');
const compiled = await compileChildren(path.join(dir, 'build'));
import { readFile, writeFile } from 'node:fs/promises';
if (process.env.PATCH) {
  const f = path.join(compiled, '..', 'main/upstream/sse-events.js');
  const src = await readFile(f, 'utf8');
  const patched = src.replace('for await (const chunk of body)', "for await (const chunk of ('iterator' in body ? body.iterator({ destroyOnReturn: false }) : body))");
  if (patched === src) throw new Error('patch failed');
  await writeFile(f, patched);
}
const fake = await spawnChild<FakeReady>(path.resolve('bench/serve-fake.ts'), { env: { BENCH_AUTH_PATH: authPath } });
const env = { BENCH_UPSTREAM: fake.ready.baseUrl, BENCH_TOKEN_URL: fake.ready.tokenUrl, BENCH_AUTH_PATH: authPath, BENCH_HOME: path.join(dir, 'h') };
const bridge = await spawnChild<ServerReady>(path.join(compiled, 'serve-bridge.js'), { env, nodeFlags: ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] });
const ctx = { fake, bridge, floor: bridge };
const mode = process.argv[2];
if (mode === 'nonstream') {
  const chat = bridgeChat(ctx, { stream: false });
  await runConcurrently(300, 4, () => timeFullRequest(chat));
  const s0 = await bridge.stats();
  await runConcurrently(2000, 4, () => timeFullRequest(chat));
  const s1 = await bridge.stats();
  console.log('cpu µs/request', (s1.cpuMicros - s0.cpuMicros) / 2000);
} else {
  const chat = bridgeChat(ctx, { stream: true });
  const words = Array.from({ length: 2000 }, (_, i) => `w${i} `);
  await fake.call('enqueue', Array.from({ length: 40 }, () => ({ kind: 'text', deltas: words, intervalMs: 0 })));
  const s0 = await bridge.stats();
  await runConcurrently(40, 8, () => readStream(chat, 'chat'));
  const s1 = await bridge.stats();
  console.log('cpu µs/delta', (s1.cpuMicros - s0.cpuMicros) / 80000);
}
await bridge.stop(); await fake.stop();
