/**
 * Short requests under concurrency: requests per second, the bridge's CPU per request next to the floor proxy's,
 * and how many TCP connections the bridge opened to the fake for them (a keep-alive pool opens about one per
 * concurrent request, not one per request).
 */
import { bridgeChat, directEquivalent, viaFloor, type BenchContext } from '../bench-context.js';
import type { Child } from '../children.js';
import { runConcurrently } from '../load.js';
import type { Figure } from '../report.js';
import type { ServerReady } from '../serve-bridge.js';
import { timeFullRequest, type HttpCall } from '../sse-reader.js';

const REQUESTS = 2000;
const CONCURRENCY = 16;
const WARMUP = 200;

interface Run {
  perSecond: number;
  cpuMicrosPerRequest: number;
}

export async function throughput(ctx: BenchContext): Promise<Figure[]> {
  const chat = bridgeChat(ctx, { stream: false });
  const direct = await directEquivalent(ctx, chat);
  const run = async (call: HttpCall, server?: Child<ServerReady>): Promise<Run> => {
    await runConcurrently(WARMUP, CONCURRENCY, () => timeFullRequest(call));
    const before = await server?.stats();
    const start = performance.now();
    await runConcurrently(REQUESTS, CONCURRENCY, () => timeFullRequest(call));
    const perSecond = (REQUESTS * 1000) / (performance.now() - start);
    const after = await server?.stats();
    return { perSecond, cpuMicrosPerRequest: before && after ? (after.cpuMicros - before.cpuMicros) / REQUESTS : Number.NaN };
  };

  // Only the bridge talks to the fake while this is counted.
  const connectionsBefore = await ctx.fake.call<number>('connectionCount');
  const bridge = await run(chat, ctx.bridge);
  const opened = (await ctx.fake.call<number>('connectionCount')) - connectionsBefore;
  const floor = await run(viaFloor(ctx, direct), ctx.floor);
  const fake = await run(direct);
  const section = 'short requests';
  const load = `${REQUESTS} non-streaming, concurrency ${CONCURRENCY}`;
  return [
    {
      section,
      name: 'throughput through the bridge',
      value: bridge.perSecond,
      unit: 'req/s',
      detail: `${load}; fake alone ${fake.perSecond.toFixed(0)} req/s, via floor proxy ${floor.perSecond.toFixed(0)} req/s`,
      key: 'throughput',
    },
    {
      section,
      name: 'bridge CPU per short request',
      value: bridge.cpuMicrosPerRequest,
      unit: 'µs',
      detail: `floor proxy ${floor.cpuMicrosPerRequest.toFixed(0)} µs`,
    },
    {
      section,
      name: 'new upstream TCP connections',
      value: opened,
      unit: 'conn',
      target: { max: CONCURRENCY },
      detail: `for ${WARMUP + REQUESTS} requests at concurrency ${CONCURRENCY} (pool, not one per request)`,
      key: 'upstream conns',
    },
  ];
}
