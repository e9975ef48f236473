/**
 * Writes Responses events as SSE (`event:` + `data:` lines, blank line) with an increasing `sequence_number`,
 * and provides the pauses that pace a stream. Once the client has gone (or the fake is closing) writes and
 * pauses become no-ops so a scenario simply runs out.
 */
import type { ServerResponse } from 'node:http';

export class SseWriter {
  private sequence = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly signal: AbortSignal,
  ) {}

  get closed(): boolean {
    return this.signal.aborted || this.res.destroyed || this.res.writableEnded;
  }

  /** Resolves once the chunk is handed to the socket, so a following `cut()` cannot swallow it. */
  send(type: string, payload: Record<string, unknown>): Promise<void> {
    if (this.closed) return Promise.resolve();
    const data = JSON.stringify({ type, sequence_number: this.sequence++, ...payload });
    return new Promise((resolve) => this.res.write(`event: ${type}\ndata: ${data}\n\n`, () => resolve()));
  }

  pause(ms: number): Promise<void> {
    return abortableSleep(ms, this.signal);
  }

  end(): void {
    if (!this.closed) this.res.end();
  }

  /** Drops the TCP connection without the terminating chunk: the client sees a truncated body. */
  cut(): void {
    this.res.socket?.destroy();
  }
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
