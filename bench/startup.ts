/**
 * `npm run bench:startup`: how long each way of starting the bridge takes to answer `GET /healthz` — the installed
 * command (compiled, `bin/codex-cursor-bridge.js`) and `npm run serve` (bin/run-current.js: compiled when out/ is
 * current, else the sources through tsx) — three runs each, from spawn to the first 200. Each run gets a fresh home
 * folder. Run it after `npm run build`, or it measures the fallback.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/free-port.js';
import { median } from './stats.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 3;
const TIMEOUT_MS = 30_000;

const LAUNCHERS: [string, (port: number) => [string, string[]]][] = [
  // Run as the installed command runs: through its shebang (node and its flags).
  ['installed command (compiled)', (port) => ['bin/codex-cursor-bridge.js', ['serve', '--port', String(port)]]],
  ['npm run serve', (port) => ['npm', ['run', '--silent', 'serve', '--', '--port', String(port)]]],
  // What `npm run serve` runs, without npm's own start-up.
  ['node bin/run-current.js serve', (port) => [process.execPath, ['bin/run-current.js', 'serve', '--port', String(port)]]],
];

async function timeToHealthz(command: string, args: string[], port: number): Promise<number> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'bridge-startup-'));
  const started = performance.now();
  // Its own process group, so npm's child node is stopped with it.
  const child = spawn(command, args, {
    cwd: repoRoot,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, CODEX_BRIDGE_HOME: home, CODEX_AUTH_PATH: path.join(home, 'auth.json') },
  });
  try {
    for (;;) {
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`${command} ${args.join(' ')} did not serve /healthz within ${TIMEOUT_MS / 1000} s`);
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with code ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((res) => res.ok, () => false);
      if (ok) return performance.now() - started;
      await sleep(5);
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    await rm(home, { recursive: true, force: true });
  }
}

const loadAtStart = os.loadavg()[0]!;
for (const [name, launch] of LAUNCHERS) {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const port = await freePort();
    const [command, args] = launch(port);
    times.push(await timeToHealthz(command, args, port));
  }
  process.stdout.write(`${name}: ${times.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')} (median ${(median(times) / 1000).toFixed(2)} s)\n`);
}
process.stdout.write(`machine: ${os.availableParallelism()} cores, load average ${loadAtStart.toFixed(2)} at start → ${os.loadavg()[0]!.toFixed(2)} at end\n`);
