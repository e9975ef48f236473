/** Small guards for walking untrusted JSON without `any`. */
export { isRecord, type JsonObject } from '../json.js';

/** The JSON type name of a value, for error messages ("expected a string, got an array"). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** A short rendering of a client value for error messages: strings quoted, anything else by type. */
export function describeValue(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? JSON.stringify(value) : jsonTypeOf(value);
}
