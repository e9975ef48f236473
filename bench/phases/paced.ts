/**
 * What a user feels: 32 concurrent streams paced like a model (200 deltas, 20 ms apart), read straight from the fake
 * and through the bridge, alternately, with the same reader. The difference is what the bridge adds.
 *
 * The fake paces with timers, which drift when the machine is busy — and the bridge's own CPU use makes the fake's
 * timers drift on a 2-core box, which a real remote backend would not. So per-delta delay and stream time are taken
 * against the moment the fake wrote each delta (delta-probe.ts), not against an ideal schedule.
 */
import { bridgeChat, directEquivalent, type BenchContext } from '../bench-context.js';
import { deltaMarker } from '../delta-probe.js';
import { staggered } from '../load.js';
import type { Figure } from '../report.js';
import { assertComplete, readStream, type Dialect, type HttpCall, type StreamTiming } from '../sse-reader.js';
import { mean, median, percentile } from '../stats.js';

const STREAMS = 32;
const DELTAS = 200;
const INTERVAL_MS = 20;
/**
 * Starts spread over a second, then all 32 streams run together for ~3 s: this measures the latency added while 32
 * streams are in flight, not the CPU cost of 32 request set-ups in the same instant (the non-streaming figures
 * measure that cost).
 */
const START_SPREAD_MS = 1000;
const WARMUP_DELTAS = 50;
const ROUNDS = 2;

interface Measured {
  timing: StreamTiming;
  /** When the fake wrote each delta, by delta index. */
  sent: number[];
}

export async function pacedStreaming(ctx: BenchContext): Promise<Figure[]> {
  const chat = bridgeChat(ctx, { stream: true });
  const direct = await directEquivalent(ctx, chat);
  const round = async (call: HttpCall, dialect: Dialect, deltas: number): Promise<Measured[]> => {
    // A `text` step with an interval is paced exactly like `paced`, but its deltas carry markers for the probe.
    const steps = Array.from({ length: STREAMS }, (_, s) => ({
      kind: 'text',
      deltas: Array.from({ length: deltas }, (_, i) => deltaMarker(s, i)),
      intervalMs: INTERVAL_MS,
    }));
    await ctx.fake.call('enqueue', steps);
    const timings = await staggered(STREAMS, START_SPREAD_MS, () => readStream(call, dialect));
    assertComplete(timings, deltas, call.url);
    const sentAt = await ctx.fake.call<Record<string, number>>('takeDeltaSendTimes');
    return timings.map((timing) => ({
      timing,
      sent: timing.texts.map((text) => {
        const at = sentAt[text];
        if (at === undefined) throw new Error(`no send time for delta '${text}'`);
        return at;
      }),
    }));
  };

  await round(direct, 'responses', WARMUP_DELTAS);
  await round(chat, 'chat', WARMUP_DELTAS);
  const fromFake: Measured[] = [];
  const viaBridge: Measured[] = [];
  // Alternating rounds so a slow moment of the machine does not land on one side only.
  for (let r = 0; r < ROUNDS; r++) {
    fromFake.push(...(await round(direct, 'responses', DELTAS)));
    viaBridge.push(...(await round(chat, 'chat', DELTAS)));
  }
  return [timeToFirstToken(fromFake, viaBridge), streamTime(fromFake, viaBridge), perDeltaDelay(fromFake, viaBridge)];
}

const section = 'paced streams';

function timeToFirstToken(fromFake: Measured[], viaBridge: Measured[]): Figure {
  const ttft = (m: Measured) => m.timing.deltas[0]! - m.timing.start;
  const fake = median(fromFake.map(ttft));
  const bridge = median(viaBridge.map(ttft));
  return {
    section,
    name: 'added time to first token (median)',
    value: bridge - fake,
    unit: 'ms',
    target: { max: 2 },
    detail: `fake ${fake.toFixed(2)} ms → bridge ${bridge.toFixed(2)} ms (${STREAMS} streams × ${ROUNDS} rounds)`,
    key: 'TTFT',
  };
}

/** Client-side stream time minus the time the fake took between its first and last delta. */
function streamTime(fromFake: Measured[], viaBridge: Measured[]): Figure {
  const overhead = (m: Measured) => m.timing.end - m.timing.start - (m.sent.at(-1)! - m.sent[0]!);
  const raw = (list: Measured[]) => median(list.map((m) => m.timing.end - m.timing.start)).toFixed(0);
  return {
    section,
    name: 'added end-to-end stream time (median)',
    value: median(viaBridge.map(overhead)) - median(fromFake.map(overhead)),
    unit: 'ms',
    target: { max: 5 },
    detail: `beyond the fake's own pacing; raw ${DELTAS}×${INTERVAL_MS} ms streams: fake ${raw(fromFake)} ms, bridge ${raw(viaBridge)} ms`,
    key: 'stream',
  };
}

/** Transit time of every delta (fake wrote it → client got it), bridge minus direct. */
function perDeltaDelay(fromFake: Measured[], viaBridge: Measured[]): Figure {
  const transits = (list: Measured[]) => list.flatMap((m) => m.timing.deltas.map((at, i) => at - m.sent[i]!));
  const fake = transits(fromFake);
  const bridge = transits(viaBridge);
  return {
    section,
    name: 'mean delay added to each delta',
    value: mean(bridge) - mean(fake),
    unit: 'ms',
    target: { max: 2 },
    detail: `transit fake→client mean ${mean(fake).toFixed(2)} → ${mean(bridge).toFixed(2)} ms via bridge; median ${median(fake).toFixed(2)} → ${median(bridge).toFixed(2)} ms; p99 ${percentile(fake, 99).toFixed(2)} → ${percentile(bridge, 99).toFixed(2)} ms`,
    key: 'per-delta',
  };
}
