/**
 * What the work costs: CPU time of the bridge process per relayed delta on unpaced streams, next to the lean floor
 * proxy (node:http both ways) and the undici + pipeline one under the same load. Each is measured inside its own
 * process, so the load generator and the fake do not count.
 */
import { bridgeChat, directEquivalent, viaFloor, type BenchContext } from '../bench-context.js';
import type { Child } from '../children.js';
import type { Figure } from '../report.js';
import type { ServerReady } from '../serve-bridge.js';
import { assertComplete, readStream, type Dialect, type HttpCall } from '../sse-reader.js';

const STREAMS = 16;
const DELTAS = 2000;
const ROUNDS = 3;
const WARMUP_DELTAS = 500;

interface Tally {
  cpuMicros: number;
  deltas: number;
}

export async function efficiency(ctx: BenchContext): Promise<Figure[]> {
  const chat = bridgeChat(ctx, { stream: true });
  const direct = await directEquivalent(ctx, chat);
  const floorCall = viaFloor(ctx, direct);
  const undiciCall = viaFloor(ctx, direct, ctx.undiciFloor);
  const burst = async (call: HttpCall, dialect: Dialect, deltas: number): Promise<number> => {
    const words = Array.from({ length: deltas }, (_, i) => `w${i} `);
    await ctx.fake.call('enqueue', Array.from({ length: STREAMS }, () => ({ kind: 'text', deltas: words, intervalMs: 0 })));
    const timings = await Promise.all(Array.from({ length: STREAMS }, () => readStream(call, dialect)));
    assertComplete(timings, deltas, call.url);
    return STREAMS * deltas;
  };
  /** Adds one burst's CPU time (measured inside the server) and relayed deltas to `tally`. */
  const measure = async (tally: Tally, server: Child<ServerReady>, call: HttpCall, dialect: Dialect): Promise<void> => {
    const before = await server.stats();
    tally.deltas += await burst(call, dialect, DELTAS);
    tally.cpuMicros += (await server.stats()).cpuMicros - before.cpuMicros;
  };

  await burst(floorCall, 'responses', WARMUP_DELTAS);
  await burst(undiciCall, 'responses', WARMUP_DELTAS);
  await burst(chat, 'chat', WARMUP_DELTAS);
  const floorTally: Tally = { cpuMicros: 0, deltas: 0 };
  const undiciTally: Tally = { cpuMicros: 0, deltas: 0 };
  const bridgeTally: Tally = { cpuMicros: 0, deltas: 0 };
  // Alternating bursts: how events coalesce into TCP reads (and so the cost per delta) shifts with the machine's load.
  for (let r = 0; r < ROUNDS; r++) {
    await measure(floorTally, ctx.floor, floorCall, 'responses');
    await measure(undiciTally, ctx.undiciFloor, undiciCall, 'responses');
    await measure(bridgeTally, ctx.bridge, chat, 'chat');
  }
  const floor = floorTally.cpuMicros / floorTally.deltas;
  const undici = undiciTally.cpuMicros / undiciTally.deltas;
  const bridge = bridgeTally.cpuMicros / bridgeTally.deltas;
  const section = 'efficiency';
  const sample = `${STREAMS} concurrent unpaced streams × ${DELTAS} deltas × ${ROUNDS}`;
  return [
    { section, name: 'bridge CPU per relayed delta', value: bridge, unit: 'µs', detail: sample },
    { section, name: 'lean floor proxy CPU per delta', value: floor, unit: 'µs', detail: 'node:http request, bytes piped raw' },
    { section, name: 'undici floor proxy CPU per delta', value: undici, unit: 'µs', detail: `node:http + undici + pipeline; bridge / this ${(bridge / undici).toFixed(2)}×` },
    { section, name: 'bridge / lean floor CPU', value: bridge / floor, unit: '×', target: { max: 2.5 }, key: 'CPU' },
    { section, name: 'relayed deltas per CPU-second', value: 1e6 / bridge, unit: '/s', key: 'deltas/CPU-s' },
  ];
}
