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
