import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';

/** Where one request's time went, in ms since it arrived (one decimal). */
export interface TimingPhases {
  /** The bridge's own work before the upstream request (body, validation, translation). */
  bridgeMs: number;
  /** Upstream until its answer opened (status, headers and the first sign of progress). */
  upstreamMs?: number;
  /** Until the first output delta. */
  firstTokenMs?: number;
}

/** Marks of one request's phases, read by the `Server-Timing` header, the log and the history. */
export class RequestTiming {
  private readonly started = performance.now();
  private upstreamStarted: number | undefined;
  private upstreamOpened: number | undefined;
  private firstToken: number | undefined;

  /** The first upstream call begins (a fallback's second call keeps this mark). */
  upstreamStart(): void {
    this.upstreamStarted ??= performance.now();
  }

  upstreamOpen(): void {
    this.upstreamOpened = performance.now();
  }

  /** Cheap enough to call on every event: only the first call counts. */
  noteEvent(type: string): void {
    if (this.firstToken === undefined && type.endsWith('.delta')) this.firstToken = performance.now();
  }

  elapsedMs(): number {
    return round(performance.now() - this.started);
  }

  phases(): TimingPhases {
    const bridgeEnd = this.upstreamStarted ?? performance.now();
    return {
      bridgeMs: round(bridgeEnd - this.started),
      ...(this.upstreamStarted !== undefined && this.upstreamOpened !== undefined ? { upstreamMs: round(this.upstreamOpened - this.upstreamStarted) } : {}),
      ...(this.firstToken !== undefined ? { firstTokenMs: round(this.firstToken - this.started) } : {}),
    };
  }

  /** `bridge;dur=0.8, upstream;dur=412.3[, total;dur=980.1]`: total only when the answer is complete as it is sent. */
  serverTiming(withTotal: boolean): string {
    const { bridgeMs, upstreamMs } = this.phases();
    const parts = [`bridge;dur=${bridgeMs}`];
    if (upstreamMs !== undefined) parts.push(`upstream;dur=${upstreamMs}`);
    if (withTotal) parts.push(`total;dur=${this.elapsedMs()}`);
    return parts.join(', ');
  }
}

/**
 * The server's response class: every answer, whichever route or error path writes its head, carries a
 * `Server-Timing` header with the figures known at that moment. An event stream's head goes out before the answer
 * is complete, so it has no total.
 */
export class TimedResponse extends ServerResponse<IncomingMessage> {
  readonly timing = new RequestTiming();

  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this {
    if (!this.headersSent) {
      const given = typeof reasonOrHeaders === 'object' && !Array.isArray(reasonOrHeaders) ? reasonOrHeaders : headers;
      const type = (given && !Array.isArray(given) ? given['content-type'] : undefined) ?? this.getHeader('content-type');
      this.setHeader('server-timing', this.timing.serverTiming(!String(type ?? '').startsWith('text/event-stream')));
    }
    // Node reads a headers object in the second position as the headers (no reason phrase).
    return super.writeHead(statusCode, reasonOrHeaders as string, headers);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
