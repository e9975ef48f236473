import type { LogRow } from '../../shared/bridge-api.js';
import { boundedEcho, escapeControls, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS } from '../errors/client-text.js';
import { redactSecrets } from '../errors/redact-secrets.js';

export type RequestLogEntry = LogRow;

export type RequestLogListener = (entry: RequestLogEntry) => void;

/** Keeps the last entries in memory and fans new ones out to subscribers (CLI printer, Electron IPC). */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private readonly listeners = new Set<RequestLogListener>();

  constructor(private readonly capacity = 500) {}

  add(raw: RequestLogEntry): void {
    const entry = cleanEntry(raw);
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

/**
 * Every text field of an entry can echo client input (model, path, error, and whatever later fields carry): each is
 * redacted (a token pasted into the wrong place), bounded and has its control characters escaped, since the entry is
 * kept in memory, printed to a terminal and shown in the window.
 */
function cleanEntry(raw: RequestLogEntry): RequestLogEntry {
  const entry: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string') entry[key] = boundedEcho(value, key === 'error' ? MAX_MESSAGE_CHARS : MAX_FIELD_CHARS, (text) => escapeControls(redactSecrets(text)));
  }
  return entry as unknown as RequestLogEntry;
}

/** `POST /v1/chat/completions 200 1834ms bridge-pro-high→gpt-6.2-astra msgs=4 tools=2 chunks=57` */
export function formatLogLine(entry: RequestLogEntry): string {
  const parts = [entry.at.slice(11, 19), entry.method, entry.path, String(entry.status), `${entry.latencyMs}ms`];
  if (entry.model) parts.push(entry.upstreamModel ? `${entry.model}→${entry.upstreamModel}` : entry.model);
  if (entry.messages !== undefined) parts.push(`msgs=${entry.messages}`);
  if (entry.tools !== undefined) parts.push(`tools=${entry.tools}`);
  if (entry.stream) parts.push(`chunks=${entry.chunks ?? 0}`);
  if (entry.attempts !== undefined && entry.attempts > 1) parts.push(`attempts=${entry.attempts}`);
  if (entry.promptTokens) parts.push(`cached=${entry.cachedTokens ?? 0}/${entry.promptTokens}`);
  if (entry.error) parts.push(`error="${entry.error}"`);
  return parts.join(' ');
}
