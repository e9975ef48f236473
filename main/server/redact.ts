import { escapeControls } from '../errors/client-text.js';
import { redactSecrets } from '../errors/redact-secrets.js';

// Keys that hold credentials; `max_tokens` and friends are numbers worth seeing in a debug log, not secrets.
const SECRET_KEY = /(^|[_-])(access_|refresh_|id_)?token$|authorization|api[_-]?key|secret|password/i;

/**
 * A copy of a request body safe to print: secrets (by key, shape or value) replaced, control characters escaped,
 * image data URLs shortened so a debug log of a screenshot-heavy conversation stays readable.
 */
export function redactForLog(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key)) return '[redacted]';
    if (value.startsWith('data:') && value.length > 64) return `${value.slice(0, value.indexOf(',') + 1)}…(${value.length} chars)`;
    // Control characters too: a debug line goes to a terminal, and JSON leaves C1 controls and U+2028 raw.
    return escapeControls(redactSecrets(value));
  }
  if (Array.isArray(value)) return value.map((item) => redactForLog(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && typeof v !== 'object' ? '[redacted]' : redactForLog(v, k)]));
  }
  return value;
}
