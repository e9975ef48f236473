import { readFile, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnChild } from './children.js';
import { compileChildren } from './compile-children.js';
import { bridgeChat, directEquivalent } from './bench-context.js';
import { runConcurrently } from './load.js';
import { timeFullRequest } from './sse-reader.js';
import { percentile } from './stats.js';
import type { ServerReady } from './serve-bridge.js';
import type { FakeReady } from './serve-fake.js';
const PATCHES: Record<string, [string, string, string]> = {
  conn: ['main/upstream/sse-events.js', 'for await (const chunk of body)', "for await (const chunk of ('iterator' in body ? body.iterator({ destroyOnReturn: false }) : body))"],
  auth: ['main/auth/auth-file.js', 'current = stampOf(await stat(this.authPath, { bigint: true }));', "if (this.cached && Date.now() - (this.at ?? 0) < 1000) return this.cached; this.at = Date.now(); current = stampOf(await stat(this.authPath, { bigint: true }));"],
  settings: ['main/settings/settings-store.js', 'const stat = fs.statSync(file);', 'if (cached && Date.now() - (globalThis.__st ?? 0) < 1000) return cached.settings; globalThis.__st = Date.now(); const stat = fs.statSync(file);'],
};
const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-'));
const authPath = path.join(dir, 'auth.json');
const compiled = await compileChildren(path.join(dir, 'build'));
for (const name of (process.env.PATCH ?? '').split(',').filter(Boolean)) {
  const [file, from, to] = PATCHES[name]!;
  const f = path.join(compiled, '..', file);
  const src = await readFile(f, 'utf8');
  if (!src.includes(from)) throw new Error('patch failed ' + name);
  await writeFile(f, src.replace(from, to));
}
const fake = await spawnChild<FakeReady>(path.resolve('bench/serve-fake.ts'), { env: { BENCH_AUTH_PATH: authPath } });
const env = { BENCH_UPSTREAM: fake.ready.baseUrl, BENCH_TOKEN_URL: fake.ready.tokenUrl, BENCH_AUTH_PATH: authPath, BENCH_HOME: path.join(dir, 'h') };
const bridge = await spawnChild<ServerReady>(path.join(compiled, 'serve-bridge.js'), { env, nodeFlags: (process.env.FLAGS ?? '').split(' ').filter(Boolean) });
const ctx = { fake, bridge, floor: bridge };
const chat = bridgeChat(ctx, { stream: false });
const direct = await directEquivalent(ctx, chat);
await runConcurrently(300, 16, () => timeFullRequest(chat));
const c0 = await fake.call<number>('connectionCount');
const s0 = await bridge.stats();
await runConcurrently(2000, 16, () => timeFullRequest(chat));
const s1 = await bridge.stats();
const c1 = await fake.call<number>('connectionCount');
const d: number[] = [], b: number[] = [];
for (let i = 0; i < 400; i++) { d.push(await timeFullRequest(direct)); b.push(await timeFullRequest(chat)); }
console.log(process.env.PATCH ?? 'none', 'cpu µs/req', ((s1.cpuMicros - s0.cpuMicros) / 2000).toFixed(0), 'conns', c1 - c0, 'added p50', (percentile(b, 50) - percentile(d, 50)).toFixed(2), 'p99', (percentile(b, 99) - percentile(d, 99)).toFixed(2));
await bridge.stop(); await fake.stop();
