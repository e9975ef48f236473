/**
 * Client-supplied text on its way into an error message, a log line or the window: bounded, so a 7 MiB model name
 * costs a few hundred bytes wherever it is echoed, and with control characters escaped, so it can neither clear a
 * terminal nor forge a log line.
 */

/** Longest echo of one client field (a model name, a path). */
export const MAX_FIELD_CHARS = 200;
/** Longest error message; its head says what was wrong, its tail usually how to fix it. */
export const MAX_MESSAGE_CHARS = 1_000;

/** `text` cut to `max` characters, keeping the head and the tail and saying how much was left out. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = Math.floor(max / 5);
  const head = max - tail;
  // join() builds a fresh string: a template of two slices would keep the whole original alive (V8 slices and
  // concatenations point into it), so a clipped 7 MiB model name kept in the log would still cost 7 MiB.
  return [text.slice(0, head), `…(${text.length - head - tail} chars omitted)…`, text.slice(text.length - tail)].join('');
}

// C0 controls, DEL, C1 controls (CSI 0x9b starts escape sequences too), and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Control characters written as visible escapes (`\n`, `\u001b`). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * `text` passed through `transform` (redaction, escaping) and bounded to `max`. It is cut coarsely first, so the
 * transform never runs over megabytes, and finely after: the fine cut keeps a quarter of the coarse head and tail,
 * so no fragment of a secret split by the coarse cut survives.
 */
export function boundedEcho(text: string, max: number, transform: (text: string) => string): string {
  return clipText(transform(clipText(text, max * 4)), max);
}
