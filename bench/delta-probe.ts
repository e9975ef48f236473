/**
 * Runs inside the fake's process: notes when each marked content delta was written to a response, so the load
 * generator can tell the time a delta spent in transit (fake → [bridge] → client) from the fake's own pacing, which
 * drifts with CPU contention on a small machine.
 *
 * The fake has no hook for this, so the probe wraps ServerResponse#write in that process only. Markers are delta texts
 * of the form `p<stream>_<index> ` that the bench itself scripts.
 */
import { ServerResponse } from 'node:http';
import { monotonicMs } from './clock.js';

const MARKED_DELTA = /"delta":"(p\d+_\d+ )"/;

export function deltaMarker(stream: number, index: number): string {
  return `p${stream}_${index} `;
}

export function installDeltaProbe(): { take(): Record<string, number> } {
  let sent: Record<string, number> = {};
  const write = ServerResponse.prototype.write as (this: ServerResponse, ...args: unknown[]) => boolean;
  ServerResponse.prototype.write = function probedWrite(this: ServerResponse, ...args: unknown[]): boolean {
    const chunk = args[0];
    if (typeof chunk === 'string' && chunk.startsWith('event: response.output_text.delta')) {
      const marker = MARKED_DELTA.exec(chunk)?.[1];
      if (marker !== undefined) sent[marker] = monotonicMs();
    }
    return write.apply(this, args);
  } as typeof ServerResponse.prototype.write;
  return {
    take() {
      const taken = sent;
      sent = {};
      return taken;
    },
  };
}
