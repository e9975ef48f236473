/** Narrowing helpers for JSON read from disk or the network. */

export { isRecord, type JsonObject } from '../json.js';

export function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
