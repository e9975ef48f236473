/**
 * A raw SSE client for the load generator. The same reader serves the fake, the floor proxy and the bridge so that
 * the comparison is fair; each content delta is stamped with the monotonic clock when its bytes arrived (before any
 * parsing), so the reader's own work does not blur the figures.
 */
import { Agent, request } from 'undici';
import { monotonicMs } from './clock.js';

/** Which stream dialect carries the content deltas. */
export type Dialect = 'responses' | 'chat';

/** Times in monotonic ms (see clock.ts). */
export interface StreamTiming {
  start: number;
  /** Arrival of each content delta, in order. */
  deltas: number[];
  /** The text of each content delta. */
  texts: string[];
  end: number;
  /** Set when the stream ended with an error instead of normally. */
  error?: string;
}

export interface HttpCall {
  url: string;
  headers: Record<string, string>;
  body: string;
}

// Unlimited connections, no pipelining: every concurrent stream gets its own socket, as real clients do.
export const loadAgent = new Agent({ keepAliveTimeout: 30_000, connections: null });

export async function readStream(call: HttpCall, dialect: Dialect): Promise<StreamTiming> {
  const start = monotonicMs();
  const answer = await request(call.url, { method: 'POST', headers: call.headers, body: call.body, dispatcher: loadAgent });
  const deltas: number[] = [];
  const texts: string[] = [];
  let error: string | undefined;
  if (answer.statusCode !== 200) {
    error = `HTTP ${answer.statusCode}: ${(await answer.body.text()).slice(0, 300)}`;
    return { start, deltas, texts, end: monotonicMs(), error };
  }
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of answer.body) {
    const arrived = monotonicMs();
    pending += decoder.decode(chunk as Uint8Array, { stream: true });
    let boundary: number;
    while ((boundary = pending.indexOf('\n\n')) !== -1) {
      const frame = pending.slice(0, boundary);
      pending = pending.slice(boundary + 2);
      const verdict = classify(frame, dialect);
      if (typeof verdict === 'string') {
        deltas.push(arrived);
        texts.push(verdict);
      } else if (verdict !== undefined) error ??= verdict.error;
    }
  }
  return { start, deltas, texts, end: monotonicMs(), ...(error !== undefined && { error }) };
}

/** One complete request (non-streaming, or an SSE body read to the end); resolves with its latency in ms. */
export async function timeFullRequest(call: HttpCall): Promise<number> {
  const start = monotonicMs();
  const answer = await request(call.url, { method: 'POST', headers: call.headers, body: call.body, dispatcher: loadAgent });
  const text = await answer.body.text();
  const latency = monotonicMs() - start;
  if (answer.statusCode !== 200) throw new Error(`HTTP ${answer.statusCode} from ${call.url}: ${text.slice(0, 300)}`);
  return latency;
}

/** The content text a frame carries, an error it reports, or undefined for anything else. */
function classify(frame: string, dialect: Dialect): string | { error: string } | undefined {
  const line = frame.split('\n').find((l) => l.startsWith('data:'));
  if (line === undefined) return undefined;
  const data = line.slice(5).trim();
  if (data === '[DONE]') return undefined;
  const event = JSON.parse(data) as Record<string, unknown>;
  if (dialect === 'responses') {
    if (event.type === 'response.output_text.delta') return String(event.delta);
    if (event.type === 'response.failed' || event.type === 'error') return { error: data.slice(0, 300) };
    return undefined;
  }
  if (event.error !== undefined) return { error: data.slice(0, 300) };
  const content = (event.choices as { delta?: { content?: unknown } }[] | undefined)?.[0]?.delta?.content;
  return typeof content === 'string' && content !== '' ? content : undefined;
}

/** A bench figure from broken streams would be meaningless: stop the run instead. */
export function assertComplete(timings: StreamTiming[], deltas: number, url: string): void {
  for (const t of timings) {
    if (t.error !== undefined) throw new Error(`stream from ${url} failed: ${t.error}`);
    if (t.deltas.length !== deltas) throw new Error(`stream from ${url} relayed ${t.deltas.length} of ${deltas} deltas`);
  }
}
