/**
 * What the work costs: CPU time of the bridge process per relayed delta on unpaced streams, next to the
 * byte-forwarding floor proxy under the same load. Both are measured inside their own process, so the load
 * generator and the fake do not count.
 */
import { bridgeChat, directEquivalent, viaFloor, type BenchContext } from '../bench-context.js';
import type { Child } from '../children.js';
import type { Figure } from '../report.js';
import type { ServerReady } from '../serve-bridge.js';
import { assertComplete, readStream, type Dialect, type HttpCall } from '../sse-reader.js';

const STREAMS = 8;
const DELTAS = 2000;
const ROUNDS = 3;
const WARMUP_DELTAS = 500;

export async function efficiency(ctx: BenchContext): Promise<Figure[]> {
  const chat = bridgeChat(ctx, { stream: true });
  const floorCall = viaFloor(ctx, await directEquivalent(ctx, chat));
  const burst = async (call: HttpCall, dialect: Dialect, deltas: number): Promise<number> => {
    const words = Array.from({ length: deltas }, (_, i) => `w${i} `);
    await ctx.fake.call('enqueue', Array.from({ length: STREAMS }, () => ({ kind: 'text', deltas: words, intervalMs: 0 })));
    const timings = await Promise.all(Array.from({ length: STREAMS }, () => readStream(call, dialect)));
    assertComplete(timings, deltas, call.url);
    return STREAMS * deltas;
  };
  const cpuPerDelta = async (server: Child<ServerReady>, call: HttpCall, dialect: Dialect): Promise<number> => {
    await burst(call, dialect, WARMUP_DELTAS);
    const before = await server.stats();
    let relayed = 0;
    for (let r = 0; r < ROUNDS; r++) relayed += await burst(call, dialect, DELTAS);
    const after = await server.stats();
    return (after.cpuMicros - before.cpuMicros) / relayed;
  };

  const floor = await cpuPerDelta(ctx.floor, floorCall, 'responses');
  const bridge = await cpuPerDelta(ctx.bridge, chat, 'chat');
  const section = 'efficiency';
  const sample = `${STREAMS} concurrent unpaced streams × ${DELTAS} deltas × ${ROUNDS}`;
  return [
    { section, name: 'bridge CPU per relayed delta', value: bridge, unit: 'µs', detail: sample },
    { section, name: 'floor proxy CPU per delta', value: floor, unit: 'µs', detail: 'node:http + undici, bytes piped through' },
    { section, name: 'bridge / floor CPU', value: bridge / floor, unit: '×', target: { max: 2.5 }, key: 'CPU' },
    { section, name: 'relayed deltas per CPU-second', value: 1e6 / bridge, unit: '/s', key: 'deltas/CPU-s' },
  ];
}
