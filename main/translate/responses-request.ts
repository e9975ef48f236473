/**
 * A client's Responses request (/v1/responses, or Cursor's agent mode posting the same shape to
 * /v1/chat/completions) → what the Codex backend accepts. Only the fields below are forwarded, so every
 * parameter the backend rejects (max_output_tokens, temperature, truncation, user, metadata…) is dropped.
 * The `input` items are checked in responses-input.ts.
 */
import { invalidRequest } from '../errors/api-error.js';
import type { ModelTarget } from '../models/model-target.js';
import { parseFunctionDefinition } from './chat-validate.js';
import { finalizeRequest, Instruction, resolveEffort, type RequestDraft, type RequestOptions } from './codex-request.js';
import {
  isBoolean,
  isString,
  optional,
  present,
  requireArray,
  requireNonEmptyString,
  requireObject,
  requireString,
  parseFormatType,
  parseJsonSchemaSpec,
} from './fields.js';
import { isRecord, jsonTypeOf } from './json.js';
import { parseInput } from './responses-input.js';
import { flatFunctionTool } from './tools.js';
import type {
  ResponsesRequest,
  ResponsesText,
  ResponsesTextFormat,
  ResponsesTool,
  ResponsesToolChoice,
} from './types.js';

export function normalizeResponsesRequest(body: unknown, target: ModelTarget, opts: RequestOptions): ResponsesRequest {
  if (!isRecord(body)) throw invalidRequest(`The request body must be a JSON object, got ${jsonTypeOf(body)}.`);
  const record = body;
  if (present(record.previous_response_id)) {
    throw invalidRequest(
      "'previous_response_id' is not supported: the Codex backend keeps no conversation state. " +
        "Send the whole conversation in 'input'.",
      'previous_response_id',
    );
  }
  optional(record.stream, 'stream', isBoolean, 'a boolean');
  const instructions = optional(record.instructions, 'instructions', isString, 'a string');
  const input = parseInput(record.input);
  const reasoning = optional(record.reasoning, 'reasoning', isRecord, 'an object');
  const draft: RequestDraft = {
    // Client instructions come first, ahead of any system items, in both placements.
    input: instructions ? [new Instruction([instructions]), ...input] : input,
    tools: parseTools(record.tools),
    effort: resolveEffort(optional(reasoning?.effort, 'reasoning.effort', isString, 'a string'), target, 'reasoning.effort'),
  };
  const summary = optional(reasoning?.summary, 'reasoning.summary', isString, 'a string');
  if (summary !== undefined) draft.summary = summary;
  const toolChoice = parseToolChoice(record.tool_choice);
  if (toolChoice !== undefined) draft.toolChoice = toolChoice;
  const parallel = optional(record.parallel_tool_calls, 'parallel_tool_calls', isBoolean, 'a boolean');
  if (parallel !== undefined) draft.parallelToolCalls = parallel;
  const text = parseText(record.text);
  if (text !== undefined) draft.text = text;
  return finalizeRequest(draft, target, opts);
}

function parseTools(value: unknown): ResponsesTool[] {
  if (!present(value)) return [];
  return requireArray(value, 'tools', 'an array of tools').map((tool, i): ResponsesTool => {
    const param = `tools[${i}]`;
    const record = requireObject(tool, param);
    const type = requireString(record.type, `${param}.type`);
    if (type !== 'function') return { ...record, type };
    // Chat Completions' wrapped shape is accepted too, since clients mix the two APIs up.
    if (present(record.function)) return flatFunctionTool(parseFunctionDefinition(record.function, `${param}.function`));
    requireNonEmptyString(record.name, `${param}.name`);
    return { ...record, type };
  });
}

function parseToolChoice(value: unknown): ResponsesToolChoice | undefined {
  if (!present(value)) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (!isRecord(value) || !isString(value.type)) {
    throw invalidRequest(`Invalid 'tool_choice': expected 'auto', 'none', 'required' or a tool choice object.`, 'tool_choice');
  }
  if (value.type === 'function' && isRecord(value.function)) {
    return { type: 'function', name: requireNonEmptyString(value.function.name, 'tool_choice.function.name') };
  }
  return { ...value, type: value.type };
}

function parseText(value: unknown): ResponsesText | undefined {
  if (!present(value)) return undefined;
  const record = requireObject(value, 'text');
  const text: ResponsesText = {};
  const verbosity = optional(record.verbosity, 'text.verbosity', isString, 'a string');
  if (verbosity !== undefined) text.verbosity = verbosity;
  const format = parseTextFormat(record.format);
  if (format !== undefined) text.format = format;
  return text;
}

function parseTextFormat(value: unknown): ResponsesTextFormat | undefined {
  if (!present(value)) return undefined;
  const record = requireObject(value, 'text.format');
  const type = parseFormatType(record, 'text.format');
  if (type !== 'json_schema') return { type };
  const spec = parseJsonSchemaSpec(record, 'text.format');
  return { type, ...spec, strict: spec.strict ?? false };
}
