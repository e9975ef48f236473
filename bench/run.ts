/**
 * `npm run bench [-- --profile[=DIR]] [--only=phase,…] [--bridge-flags="--node-flag …"]`: the bridge's speed and memory
 * against the project's fake backend on loopback (issue 3). The fake, the bridge (recording its usage history, as it
 * runs for users) and two floor proxies each run in a child process so the CPU and memory of each can be read apart;
 * this process is the load generator.
 * Exit code 0 when every target is met.
 *   --profile       the bridge child writes a V8 CPU profile to DIR (open it in Chrome DevTools); a summary is printed
 *   --only          run only the named phases (see PHASES), e.g. --only=paced,open-streams
 *   --bridge-flags  extra node flags for the bridge child, to try runtime settings (e.g. --max-semi-space-size=2); the
 *                   flags of `npm run serve` are always applied first
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchContext } from './bench-context.js';
import { serveNodeFlags } from './launch-flags.js';
import { spawnChild } from './children.js';
import { compileChildren } from './compile-children.js';
import { efficiency } from './phases/efficiency.js';
import { nonStreaming } from './phases/non-streaming.js';
import { openStreams, residentAfterBursts } from './phases/open-streams.js';
import { pacedStreaming } from './phases/paced.js';
import { promptCache } from './phases/prompt-cache.js';
import { throughput } from './phases/throughput.js';
import { summarizeNewestProfile } from './profile-summary.js';
import { renderTable, summaryLine, type Figure } from './report.js';
import type { ServerReady } from './serve-bridge.js';
import type { FakeReady } from './serve-fake.js';

/** Gentle phases first: the CPU-saturating ones (efficiency, throughput) leave V8's heap grown for the rest of the run. */
const PHASES: [string, (ctx: BenchContext) => Promise<Figure[]>][] = [
  ['paced', pacedStreaming],
  ['open-streams', openStreams],
  ['prompt-cache', promptCache],
  ['non-streaming', nonStreaming],
  ['efficiency', efficiency],
  ['throughput', throughput],
  ['memory-after-bursts', residentAfterBursts],
];

/** A bad command line: the message is all the user needs. */
class UsageError extends Error {}

interface Options {
  profile?: string;
  only?: Set<string>;
  bridgeFlags: string[];
}

const DEFAULT_PROFILE_DIR = path.join(os.tmpdir(), 'bridge-bench-profiles');

function parseOptions(argv: string[]): Options {
  let values: { profile?: string; only?: string; 'bridge-flags'?: string };
  try {
    ({ values } = parseArgs({
      // A bare --profile means the default folder (parseArgs wants a value for string options).
      args: argv.map((arg) => (arg === '--profile' ? `--profile=${DEFAULT_PROFILE_DIR}` : arg)),
      options: { profile: { type: 'string' }, only: { type: 'string' }, 'bridge-flags': { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !PHASES.some(([phase]) => phase === name)) ?? [];
  if (unknown.length > 0) throw new UsageError(`unknown phase ${unknown.join(', ')}; phases: ${PHASES.map(([name]) => name).join(', ')}`);
  return {
    ...(values.profile !== undefined && { profile: path.resolve(values.profile) }),
    ...(only && { only: new Set(only) }),
    bridgeFlags: values['bridge-flags']?.split(' ').filter(Boolean) ?? [],
  };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const profile = options.profile;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bridge-bench-'));
  const authPath = path.join(dir, 'codex', 'auth.json');
  const children: { stop(): Promise<void> }[] = [];
  const figures: Figure[] = [];
  const started = performance.now();
  // Figures from a machine busy with other work are inflated: say so next to them.
  const loadAtStart = os.loadavg()[0]!;
  try {
    const [fake, compiled] = await Promise.all([
      spawnChild<FakeReady>(fileURLToPath(new URL('serve-fake.ts', import.meta.url)), { env: { BENCH_AUTH_PATH: authPath } }),
      compileChildren(path.join(dir, 'build')),
    ]);
    children.push(fake);
    const upstream = { BENCH_UPSTREAM: fake.ready.baseUrl };
    const [bridge, floor, undiciFloor] = await Promise.all([
      spawnChild<ServerReady>(path.join(compiled, 'serve-bridge.js'), {
        env: { ...upstream, BENCH_TOKEN_URL: fake.ready.tokenUrl, BENCH_AUTH_PATH: authPath, BENCH_HOME: path.join(dir, 'bridge-home') },
        nodeFlags: [...serveNodeFlags(), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), ...options.bridgeFlags],
      }),
      spawnChild<ServerReady>(path.join(compiled, 'serve-floor.js'), { env: upstream }),
      spawnChild<ServerReady>(path.join(compiled, 'serve-undici-floor.js'), { env: upstream }),
    ]);
    children.push(bridge, floor, undiciFloor);
    for (const [name, phase] of PHASES.filter(([phaseName]) => !options.only || options.only.has(phaseName))) {
      const phaseStart = performance.now();
      figures.push(...(await phase({ fake, bridge, floor, undiciFloor })));
      process.stderr.write(`bench: ${name} done in ${((performance.now() - phaseStart) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await rm(dir, { recursive: true, force: true });
  }
  if (profile) process.stderr.write(`${await summarizeNewestProfile(profile)}\n`);
  const summary = summaryLine(figures);
  const machine = `${os.availableParallelism()} cores, load average ${loadAtStart.toFixed(2)} at start → ${os.loadavg()[0]!.toFixed(2)} at end`;
  const wall = `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const launch = `bridge launched as by npm run serve: node ${[...serveNodeFlags(), ...options.bridgeFlags].join(' ')}`;
  process.stdout.write(`\n${renderTable(figures)}\n\nmachine: ${machine}; wall time ${wall}\n${launch}\n${summary.text}\n`);
  return summary.allMet ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  const text = error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`bench: could not run — ${text}\n`);
  return 1;
});
