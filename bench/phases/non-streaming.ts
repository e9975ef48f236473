/**
 * Latency a non-streaming request gains by going through the bridge: sequential, so nothing queues. The floor proxy
 * runs in the same loop to show what any extra Node hop costs on this machine.
 * p99 is the 20th worst of 2,000 samples, every sample kept: on a shared machine a few requests land on a moment
 * when another process holds the CPU, and those moments are the p99. The load average during the phase is printed
 * beside it.
 */
import os from 'node:os';
import { bridgeChat, directEquivalent, viaFloor, type BenchContext } from '../bench-context.js';
import type { Figure } from '../report.js';
import { timeFullRequest } from '../sse-reader.js';
import { percentile } from '../stats.js';

const REQUESTS = 2000;
const WARMUP = 200;

export async function nonStreaming(ctx: BenchContext): Promise<Figure[]> {
  const chat = bridgeChat(ctx, { stream: false });
  // The fake has no non-streaming mode: its equivalent is the whole SSE answer read to the end.
  const direct = await directEquivalent(ctx, chat);
  const floor = viaFloor(ctx, direct);
  const fromFake: number[] = [];
  const viaProxy: number[] = [];
  const viaBridge: number[] = [];
  const loadBefore = os.loadavg()[0]!;
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    // Interleaved, so drift in the machine's speed affects every side alike.
    const d = await timeFullRequest(direct);
    const f = await timeFullRequest(floor);
    const b = await timeFullRequest(chat);
    if (i < WARMUP) continue;
    fromFake.push(d);
    viaProxy.push(f);
    viaBridge.push(b);
  }
  const load = `load average ${loadBefore.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}`;
  const row = (p: number, max: number, key: string): Figure => {
    const [fake, proxy, bridge] = [fromFake, viaProxy, viaBridge].map((samples) => percentile(samples, p)) as [number, number, number];
    return {
      section: 'non-streaming',
      name: `added latency p${p}`,
      value: bridge - fake,
      unit: 'ms',
      target: { max },
      detail: `fake ${fake.toFixed(2)} ms → bridge ${bridge.toFixed(2)} ms; floor proxy ${proxy.toFixed(2)} ms (${REQUESTS} sequential, ${load})`,
      key,
    };
  };
  return [row(50, 1, 'non-stream p50'), row(99, 5, 'p99')];
}
