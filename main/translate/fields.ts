/**
 * Field readers for untrusted request JSON: each either returns the typed value or throws a 400 ApiError whose
 * `param` names the field. `null` counts as "not sent" for optional fields, as the OpenAI API treats it.
 */
import { invalidRequest } from '../errors/api-error.js';
import { isRecord, jsonTypeOf, type JsonObject } from './json.js';

export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function optional<T>(value: unknown, param: string, check: (v: unknown) => v is T, expected: string): T | undefined {
  if (!present(value)) return undefined;
  if (check(value)) return value;
  throw invalidRequest(`Invalid type for '${param}': expected ${expected}, got ${jsonTypeOf(value)}.`, param);
}

export function requireObject(value: unknown, param: string): JsonObject {
  if (!present(value)) throw invalidRequest(`Missing required parameter: '${param}'.`, param);
  if (!isRecord(value)) throw invalidRequest(`Invalid type for '${param}': expected an object, got ${jsonTypeOf(value)}.`, param);
  return value;
}

export function requireArray(value: unknown, param: string, expected: string): unknown[] {
  if (!present(value)) throw invalidRequest(`Missing required parameter: '${param}'.`, param);
  if (!Array.isArray(value)) {
    throw invalidRequest(`Invalid type for '${param}': expected ${expected}, got ${jsonTypeOf(value)}.`, param);
  }
  return value;
}

export function requireString(value: unknown, param: string): string {
  if (!present(value)) throw invalidRequest(`Missing required parameter: '${param}'.`, param);
  if (!isString(value)) throw invalidRequest(`Invalid type for '${param}': expected a string, got ${jsonTypeOf(value)}.`, param);
  return value;
}

export function requireNonEmptyString(value: unknown, param: string): string {
  const text = requireString(value, param);
  if (text === '') throw invalidRequest(`Invalid '${param}': must not be empty.`, param);
  return text;
}

export interface JsonSchemaSpec {
  name: string;
  description?: string;
  schema: JsonObject;
  strict?: boolean;
}

/**
 * The output-format object both APIs share (`response_format` in Chat Completions, `text.format` in Responses):
 * 'text' and 'json_object' stand alone; a 'json_schema' spec is read from `spec()` (nested in Chat, inline in Responses).
 */
export function parseFormatType(record: JsonObject, param: string): 'text' | 'json_object' | 'json_schema' {
  if (record.type === 'text' || record.type === 'json_object' || record.type === 'json_schema') return record.type;
  throw invalidRequest(`Invalid value for '${param}.type': expected 'text', 'json_object' or 'json_schema'.`, `${param}.type`);
}

export function parseJsonSchemaSpec(record: JsonObject, param: string): JsonSchemaSpec {
  const spec: JsonSchemaSpec = {
    name: requireNonEmptyString(record.name, `${param}.name`),
    schema: requireObject(record.schema, `${param}.schema`),
  };
  const description = optional(record.description, `${param}.description`, isString, 'a string');
  if (description !== undefined) spec.description = description;
  const strict = optional(record.strict, `${param}.strict`, isBoolean, 'a boolean');
  if (strict !== undefined) spec.strict = strict;
  return spec;
}
