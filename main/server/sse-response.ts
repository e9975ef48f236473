import type { ServerResponse } from 'node:http';
import type { ApiError } from '../errors/api-error.js';

export const KEEP_ALIVE_INTERVAL_MS = 15_000;

/**
 * A Server-Sent Events answer whose headers are sent lazily: an upstream failure before the first byte can still be
 * answered with a proper HTTP status, while a long silent reasoning phase gets keep-alive comments every 15 s so
 * tunnels and proxies do not drop the connection.
 */
export class SseResponse {
  private started = false;
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  /** data: events written so far (for the request log). */
  chunks = 0;

  constructor(
    private readonly res: ServerResponse,
    keepAliveMs = KEEP_ALIVE_INTERVAL_MS,
    /** What a silence is filled with: a comment by default, Anthropic's `ping` event for Messages streams. */
    private readonly keepAliveFrame = ': keep-alive\n\n',
  ) {
    this.heartbeat = setInterval(() => this.keepAlive(), keepAliveMs);
    this.heartbeat.unref();
    res.once('close', () => this.dispose());
  }

  get hasStarted(): boolean {
    return this.started;
  }

  /** Writes one `data:` event (and an `event:` line when named), unbuffered. */
  send(data: unknown, event?: string): void {
    if (this.closed) return;
    this.start();
    this.chunks++;
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    this.res.write(event ? `event: ${event}\ndata: ${payload}\n\n` : `data: ${payload}\n\n`);
  }

  /** Resolves once a slow client has taken what was written, so memory stays flat however fast upstream is. */
  async drained(): Promise<void> {
    if (this.closed || !this.res.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** Ends the stream with an error event the openai SDKs raise as an APIError. */
  fail(error: ApiError): void {
    this.send(error.toBody());
    this.end();
  }

  end(): void {
    this.dispose();
    if (!this.res.writableEnded) this.res.end();
  }

  private keepAlive(): void {
    if (this.closed) return;
    this.start();
    this.res.write(this.keepAliveFrame);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // No flushHeaders(): a write always follows in the same tick, and Node sends the head with it in one packet.
  }

  /** Stops the keep-alive timer without answering, for when the caller answers with a plain HTTP error instead. */
  dispose(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
  }
}
