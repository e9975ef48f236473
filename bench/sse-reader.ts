/**
 * A raw SSE client for the load generator. The same reader serves the fake, the floor proxy and the bridge so that
 * the comparison is fair; each content delta is stamped with performance.now() when its bytes arrived (before any
 * parsing), so the reader's own work does not blur the figures.
 */
import { Agent, request } from 'undici';

/** Which stream dialect carries the content deltas. */
export type Dialect = 'responses' | 'chat';

export interface StreamTiming {
  start: number;
  /** Arrival of each content delta, in order. */
  deltas: number[];
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
  const start = performance.now();
  const answer = await request(call.url, { method: 'POST', headers: call.headers, body: call.body, dispatcher: loadAgent });
  const deltas: number[] = [];
  let error: string | undefined;
  if (answer.statusCode !== 200) {
    error = `HTTP ${answer.statusCode}: ${(await answer.body.text()).slice(0, 300)}`;
    return { start, deltas, end: performance.now(), error };
  }
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of answer.body) {
    const arrived = performance.now();
    pending += decoder.decode(chunk as Uint8Array, { stream: true });
    let boundary: number;
    while ((boundary = pending.indexOf('\n\n')) !== -1) {
      const frame = pending.slice(0, boundary);
      pending = pending.slice(boundary + 2);
      const verdict = classify(frame, dialect);
      if (verdict === 'content') deltas.push(arrived);
      else if (verdict !== 'other') error ??= verdict.error;
    }
  }
  return { start, deltas, end: performance.now(), ...(error !== undefined && { error }) };
}

/** One complete request (non-streaming, or an SSE body read to the end); resolves with its latency in ms. */
export async function timeFullRequest(call: HttpCall): Promise<number> {
  const start = performance.now();
  const answer = await request(call.url, { method: 'POST', headers: call.headers, body: call.body, dispatcher: loadAgent });
  const text = await answer.body.text();
  const latency = performance.now() - start;
  if (answer.statusCode !== 200) throw new Error(`HTTP ${answer.statusCode} from ${call.url}: ${text.slice(0, 300)}`);
  return latency;
}

function classify(frame: string, dialect: Dialect): 'content' | 'other' | { error: string } {
  const line = frame.split('\n').find((l) => l.startsWith('data:'));
  if (line === undefined) return 'other';
  const data = line.slice(5).trim();
  if (data === '[DONE]') return 'other';
  const event = JSON.parse(data) as Record<string, unknown>;
  if (dialect === 'responses') {
    if (event.type === 'response.output_text.delta') return 'content';
    if (event.type === 'response.failed' || event.type === 'error') return { error: data.slice(0, 300) };
    return 'other';
  }
  if (event.error !== undefined) return { error: data.slice(0, 300) };
  const choice = (event.choices as { delta?: { content?: unknown } }[] | undefined)?.[0];
  return typeof choice?.delta?.content === 'string' && choice.delta.content !== '' ? 'content' : 'other';
}
