/**
 * `npm run attack`: what an adversary on the machine (or behind the tunnel) does to the running bridge, at once:
 * slow sockets (half a request head, a body a byte at a time), large concurrent bodies and long model names. The
 * bridge runs compiled in a child process, as users run it, pointed at the fake backend; this process attacks and
 * probes `/healthz` throughout. Prints /healthz latency during the attack and the bridge's RSS before, at its peak and
 * after. Exit code 0 when /healthz always answered within 100 ms, the peak stayed under 300 MB and the RSS after
 * is back within 50 MB of idle.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { spawnChild, type Child } from './children.js';
import { compileChildren } from './compile-children.js';
import { serveNodeFlags } from './launch-flags.js';
import type { ServerReady } from './serve-bridge.js';
import type { FakeReady } from './serve-fake.js';
import { percentile } from './stats.js';

const MB = 1024 * 1024;
const SLOW_HEADS = 200;
const SLOW_BODIES = 30;
const BIG_BODIES = 20;
const BIG_BODY_ROUNDS = 3;
const LONG_NAMES = 90;
const LONG_NAME_CONCURRENCY = 4;
const ATTACK_MS = 20_000;
const SETTLE_MS = 20_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sockets that send a little, then trickle or stall: each one costs the bridge a file descriptor while open. */
function slowSockets(url: URL, count: number, kind: 'head' | 'body', until: () => boolean): Promise<number> {
  let closedByServer = 0;
  const one = async (): Promise<void> => {
    while (until()) {
      const socket = net.connect(Number(url.port), url.hostname);
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        kind === 'head'
          ? 'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '
          : 'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      );
      const drip = setInterval(() => socket.write(kind === 'head' ? 'a' : ' '), 1_000);
      await Promise.race([closed, (async () => { while (until()) await sleep(200); })()]);
      clearInterval(drip);
      if (!socket.destroyed) socket.destroy();
      else closedByServer++;
    }
  };
  return Promise.all(Array.from({ length: count }, one)).then(() => closedByServer);
}

async function post(base: string, body: string, dispatcher: Agent): Promise<number> {
  try {
    const res = await request(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher });
    await res.body.dump({ limit: 1 });
    return res.statusCode;
  } catch {
    return 0;
  }
}

/** GET /healthz every 100 ms on one keep-alive connection, from a worker thread, until stopped. */
function healthProber(base: string): { stop(): Promise<{ health: number[]; healthFailures: number }> } {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const health = [];
    let failures = 0;
    let running = true;
    parentPort.once('message', () => (running = false));
    (async () => {
      while (running) {
        const start = performance.now();
        try {
          const res = await fetch(workerData.base + '/healthz', { signal: AbortSignal.timeout(5000) });
          await res.arrayBuffer();
          if (res.status === 200) health.push(performance.now() - start);
          else failures++;
        } catch {
          failures++;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      parentPort.postMessage({ health, healthFailures: failures });
    })();
  `;
  const worker = new Worker(code, { eval: true, workerData: { base } });
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once('message', (result: { health: number[]; healthFailures: number }) => void worker.terminate().then(() => resolve(result)));
        worker.postMessage('stop');
      }),
  };
}

async function attackRun(bridge: Child<ServerReady>, fake: Child<FakeReady>): Promise<{ lines: string[]; ok: boolean }> {
  const base = bridge.ready.baseUrl;
  const url = new URL(base);
  const attacker = new Agent({ connections: 64, keepAliveTimeout: 1_000 });
  await sleep(2_000);
  const idle = (await bridge.stats()).rssBytes;

  let attacking = true;
  let peak = idle;
  const sampler = (async () => {
    while (attacking) {
      peak = Math.max(peak, (await bridge.stats()).rssBytes);
      await sleep(100);
    }
  })();
  // Probed from a worker thread: this thread's own work (building and sending 8 MiB bodies) must not count as the bridge's.
  const prober = healthProber(base);
  const statuses = new Map<number, number>();
  const count = (status: number): void => void statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const until = (): boolean => attacking;
  const slow = Promise.all([slowSockets(url, SLOW_HEADS, 'head', until), slowSockets(url, SLOW_BODIES, 'body', until)]);
  const bigBody = JSON.stringify({ model: 'bridge-fast', messages: [{ role: 'user', content: 'b'.repeat(8 * MB - 200) }] });
  const bigBodies = (async () => {
    for (let round = 0; round < BIG_BODY_ROUNDS; round++) {
      await fake.call('enqueue', Array.from({ length: BIG_BODIES }, () => ({ kind: 'text', text: 'ok' })));
      (await Promise.all(Array.from({ length: BIG_BODIES }, () => post(base, bigBody, attacker)))).forEach(count);
    }
  })();
  const longName = JSON.stringify({ model: `bridge-${'n'.repeat(7 * MB)}`, messages: [{ role: 'user', content: 'hi' }] });
  let namesLeft = LONG_NAMES;
  const longNames = Promise.all(
    Array.from({ length: LONG_NAME_CONCURRENCY }, async () => {
      while (namesLeft-- > 0) count(await post(base, longName, attacker));
    }),
  );
  await Promise.all([bigBodies, longNames, sleep(ATTACK_MS)]);
  attacking = false;
  const [closedHeads, closedBodies] = await slow;
  await sampler;
  const { health, healthFailures } = await prober.stop();
  await attacker.close();

  await sleep(SETTLE_MS);
  const settled = await bridge.stats();
  const after = settled.rssBytes;

  const sorted = [...health].sort((a, b) => a - b);
  const maxHealth = sorted.at(-1) ?? Number.POSITIVE_INFINITY;
  const ok = healthFailures === 0 && maxHealth <= 100 && peak < 300 * MB && after - idle < 50 * MB;
  const answered = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
  return {
    ok,
    lines: [
      `/healthz during the attack: ${health.length} probes, p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${maxHealth.toFixed(1)} ms, failures ${healthFailures} (target: every probe within 100 ms)`,
      `bridge RSS: idle ${(idle / MB).toFixed(0)} MB → peak ${(peak / MB).toFixed(0)} MB (target < 300) → ${(after / MB).toFixed(0)} MB ${SETTLE_MS / 1000} s after (target: within 50 MB of idle; V8 heap in use then ${(settled.heapUsedBytes / MB).toFixed(0)} MB)`,
      `attack answers: ${answered} (big bodies and long names); slow sockets closed by the bridge: ${closedHeads} heads, ${closedBodies} bodies`,
    ],
  };
}

async function main(): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-attack-'));
  const authPath = path.join(dir, 'codex', 'auth.json');
  const children: Child<unknown>[] = [];
  try {
    const [fake, compiled] = await Promise.all([
      spawnChild<FakeReady>(fileURLToPath(new URL('serve-fake.ts', import.meta.url)), { env: { BENCH_AUTH_PATH: authPath } }),
      compileChildren(path.join(dir, 'build')),
    ]);
    children.push(fake);
    const bridge = await spawnChild<ServerReady>(path.join(compiled, 'serve-bridge.js'), {
      env: { BENCH_UPSTREAM: fake.ready.baseUrl, BENCH_TOKEN_URL: fake.ready.tokenUrl, BENCH_AUTH_PATH: authPath, BENCH_HOME: path.join(dir, 'home') },
      nodeFlags: serveNodeFlags(),
    });
    children.push(bridge);
    const load = os.loadavg()[0]!.toFixed(2);
    const { lines, ok } = await attackRun(bridge, fake);
    process.stdout.write(`${lines.join('\n')}\nmachine: ${os.availableParallelism()} cores, load average ${load} at start → ${os.loadavg()[0]!.toFixed(2)} at end\n${ok ? 'all targets met' : 'TARGET MISSED'}\n`);
    return ok ? 0 : 1;
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`attack: could not run — ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
