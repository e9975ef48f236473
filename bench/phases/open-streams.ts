/**
 * Memory with many slow streams open at once: the bridge child's peak RSS (the kernel's high-water mark, VmHWM) while
 * 200 streams of 40 deltas 250 ms apart are in flight, next to the lean floor proxy's under the same streams (what the
 * Node runtime and 400 sockets cost by themselves). The high-water mark covers the process's life so far; this phase
 * runs second, after the gentle paced one.
 * It runs before the phases that saturate the CPU: under a synthetic burst V8 grows its young generation (up to
 * ~32 MB more RSS that it keeps), which says little about what streams cost. The RSS after those bursts is reported
 * separately at the end (residentAfterBursts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessStats } from '../child-protocol.js';
import { bridgeChat, directEquivalent, viaFloor, type BenchContext } from '../bench-context.js';
import type { Child } from '../children.js';
import { staggered } from '../load.js';
import type { Figure } from '../report.js';
import type { ServerReady } from '../serve-bridge.js';
import { assertComplete, readStream, type Dialect, type HttpCall } from '../sse-reader.js';

const STREAMS = 200;
const DELTAS = 40;
const INTERVAL_MS = 250;
const SAMPLE_EVERY_MS = 100;
const MB = 1024 * 1024;

interface Footprint {
  idle: ProcessStats;
  /** The largest RSS sampled while the streams were open. */
  peak: ProcessStats;
  /** VmHWM once the streams ended: the true peak, whenever it happened. */
  highWaterBytes: number;
}

export async function openStreams(ctx: BenchContext): Promise<Figure[]> {
  const chat = bridgeChat(ctx, { stream: true });
  const floorCall = viaFloor(ctx, await directEquivalent(ctx, chat));
  const bridge = await footprint(ctx, ctx.bridge, chat, 'chat');
  const floor = await footprint(ctx, ctx.floor, floorCall, 'responses');
  const mb = (stats: ProcessStats) => `${(stats.rssBytes / MB).toFixed(1)} MB`;
  return [
    {
      section: 'open streams',
      name: `bridge peak RSS (VmHWM) with ${STREAMS} streams open`,
      value: bridge.highWaterBytes / MB,
      unit: 'MB',
      target: { max: 100 },
      detail:
        `largest sampled RSS ${mb(bridge.peak)} (V8 heap in use ${(bridge.peak.heapUsedBytes / MB).toFixed(1)} MB), ` +
        `${mb(bridge.idle)} before (VmHWM then ${(bridge.idle.peakRssBytes / MB).toFixed(1)} MB); ` +
        `lean floor proxy ${mb(floor.idle)} → ${mb(floor.peak)}, VmHWM ${(floor.highWaterBytes / MB).toFixed(1)} MB`,
      key: 'RSS',
    },
  ];
}

async function footprint(ctx: BenchContext, server: Child<ServerReady>, call: HttpCall, dialect: Dialect): Promise<Footprint> {
  const idle = await server.stats();
  await ctx.fake.call('enqueue', Array.from({ length: STREAMS }, () => ({ kind: 'paced', deltas: DELTAS, intervalMs: INTERVAL_MS })));
  let peak = idle;
  let running = true;
  const sampler = (async () => {
    while (running) {
      const sample = await server.stats();
      if (sample.rssBytes > peak.rssBytes) peak = sample;
      await sleep(SAMPLE_EVERY_MS);
    }
  })();
  const timings = await staggered(STREAMS, INTERVAL_MS, () => readStream(call, dialect));
  running = false;
  await sampler;
  const highWaterBytes = (await server.stats()).peakRssBytes;
  assertComplete(timings, DELTAS, call.url);
  // All open at once: the last stream got its first delta before the first stream ended.
  const lastFirstDelta = Math.max(...timings.map((t) => t.deltas[0]!));
  const firstEnd = Math.min(...timings.map((t) => t.end));
  if (lastFirstDelta >= firstEnd) throw new Error('the streams were not all open at the same time; lengthen them');
  return { idle, peak, highWaterBytes };
}

/** Reported only: the bridge's RSS once every CPU-saturating phase has run. */
export async function residentAfterBursts(ctx: BenchContext): Promise<Figure[]> {
  const stats = await ctx.bridge.stats();
  return [
    {
      section: 'open streams',
      name: 'bridge RSS after the CPU-bound bursts',
      value: stats.rssBytes / MB,
      unit: 'MB',
      detail: `V8 heap in use ${(stats.heapUsedBytes / MB).toFixed(1)} MB; the rest is mostly heap V8 keeps reserved after the bursts`,
    },
  ];
}
