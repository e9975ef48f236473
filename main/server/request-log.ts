import type { LogRow } from '../../shared/bridge-api.js';
import { redactSecrets } from '../errors/redact-secrets.js';

export type RequestLogEntry = LogRow;

export type RequestLogListener = (entry: RequestLogEntry) => void;

/** Keeps the last entries in memory and fans new ones out to subscribers (CLI printer, Electron IPC). */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private readonly listeners = new Set<RequestLogListener>();

  constructor(private readonly capacity = 500) {}

  add(raw: RequestLogEntry): void {
    // Fields that echo client input can carry a token pasted into the wrong place.
    const entry = { ...raw, ...(raw.model ? { model: redactSecrets(raw.model) } : {}), ...(raw.error ? { error: redactSecrets(raw.error) } : {}) };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    for (const listener of this.listeners) listener(entry);
  }

  recent(limit = this.capacity): RequestLogEntry[] {
    return this.entries.slice(-limit);
  }

  subscribe(listener: RequestLogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** `POST /v1/chat/completions 200 1834ms bridge-pro-high→gpt-6.2-astra msgs=4 tools=2 chunks=57 bridge=0.4ms upstream=812.3ms` */
export function formatLogLine(entry: RequestLogEntry): string {
  const parts = [entry.at.slice(11, 19), entry.method, entry.path, String(entry.status), `${entry.latencyMs}ms`];
  if (entry.model) parts.push(entry.upstreamModel ? `${entry.model}→${entry.upstreamModel}` : entry.model);
  if (entry.messages !== undefined) parts.push(`msgs=${entry.messages}`);
  if (entry.tools !== undefined) parts.push(`tools=${entry.tools}`);
  if (entry.stream) parts.push(`chunks=${entry.chunks ?? 0}`);
  if (entry.attempts !== undefined && entry.attempts > 1) parts.push(`attempts=${entry.attempts}`);
  if (entry.promptTokens) parts.push(`cached=${entry.cachedTokens ?? 0}/${entry.promptTokens}`);
  if (entry.upstreamMs !== undefined) parts.push(`bridge=${entry.bridgeMs}ms upstream=${entry.upstreamMs}ms`);
  if (entry.fallbackFrom) parts.push(`fallback-from=${entry.fallbackFrom}`);
  if (entry.error) parts.push(`error="${entry.error}"`);
  return parts.join(' ');
}
