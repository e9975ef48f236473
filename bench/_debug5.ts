import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnChild } from './children.js';
import { compileChildren } from './compile-children.js';
import { bridgeChat } from './bench-context.js';
import { runConcurrently } from './load.js';
import { timeFullRequest } from './sse-reader.js';
import type { ServerReady } from './serve-bridge.js';
import type { FakeReady } from './serve-fake.js';
const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-'));
const authPath = path.join(dir, 'auth.json');
const compiled = await compileChildren(path.join(dir, 'build'));
import { readFile, writeFile } from 'node:fs/promises';
if (process.env.PATCH) {
  const f = path.join(compiled, '..', 'main/upstream/sse-events.js');
  const src = await readFile(f, 'utf8');
  const patched = src.replace('for await (const chunk of body)', "for await (const chunk of ('iterator' in body ? (body as any).iterator({ destroyOnReturn: false }) : body))".replace(' as any', ''));
  if (patched === src) throw new Error('patch failed');
  await writeFile(f, patched);
}
const fake = await spawnChild<FakeReady>(path.resolve('bench/serve-fake.ts'), { env: { BENCH_AUTH_PATH: authPath } });
const env = { BENCH_UPSTREAM: fake.ready.baseUrl, BENCH_TOKEN_URL: fake.ready.tokenUrl, BENCH_AUTH_PATH: authPath, BENCH_HOME: path.join(dir, 'h') };
const bridge = await spawnChild<ServerReady>(path.join(compiled, 'serve-bridge.js'), { env });
const chat = bridgeChat({ fake, bridge, floor: bridge }, { stream: false });
for (const c of [1, 4, 16, 16, 16, 16]) {
  const before = await fake.call<number>('connectionCount');
  await runConcurrently(500, c, () => timeFullRequest(chat));
  console.log('concurrency', c, 'new conns', (await fake.call<number>('connectionCount')) - before);
}
await bridge.stop(); await fake.stop();
