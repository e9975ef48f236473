/**
 * Validates an untrusted Chat Completions body into a ChatCompletionRequest. Every rejection is a 400 ApiError
 * whose `param` points at the offending field (`messages[2].content[0].image_url.url`), so a client can fix it.
 *
 * The legacy `functions` / `function_call` parameters and the `function` role are rejected rather than mapped:
 * they carry no call ids, and answering them with `tool_calls` would confuse the clients that still send them.
 */
import { invalidRequest } from '../errors/api-error.js';
import {
  isBoolean,
  isNumber,
  isString,
  optional,
  present,
  requireArray,
  requireNonEmptyString,
  requireObject,
  parseFormatType,
  parseJsonSchemaSpec,
} from './fields.js';
import { checkImageUrl, readParts, readRefusalPart, readText, type PartReaders } from './content-parts.js';
import { describeValue, isRecord, jsonTypeOf, type JsonObject } from './json.js';
import type {
  ChatAssistantMessage,
  ChatCompletionRequest,
  ChatFunctionDefinition,
  ChatImagePart,
  ChatMessage,
  ChatResponseFormat,
  ChatTextPart,
  ChatToolCall,
  ChatToolChoice,
  ChatToolMessage,
  ChatUserMessage,
} from './types.js';

const ROLES = 'system, developer, user, assistant, tool';

export function parseChatRequest(body: unknown): ChatCompletionRequest {
  if (!isRecord(body)) throw invalidRequest(`The request body must be a JSON object, got ${jsonTypeOf(body)}.`);
  for (const legacy of ['functions', 'function_call'] as const) {
    if (present(body[legacy])) {
      throw invalidRequest(
        `The legacy '${legacy}' parameter is not supported; use 'tools' and 'tool_choice' instead.`,
        legacy,
      );
    }
  }
  const n = optional(body.n, 'n', isNumber, 'a number');
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
    throw invalidRequest(`Invalid 'n': expected an integer >= 1, got ${n}.`, 'n');
  }
  if (n !== undefined && n > 1) {
    const message = 'n > 1 is not supported by the Codex backend; request one completion at a time.';
    throw invalidRequest(message, 'n', 'unsupported_value');
  }
  const streamOptions = optional(body.stream_options, 'stream_options', isRecord, 'an object');
  const tools = parseTools(body.tools);
  const request: ChatCompletionRequest = {
    messages: parseMessages(body.messages),
    tools,
    stream: optional(body.stream, 'stream', isBoolean, 'a boolean') ?? false,
    include_usage:
      optional(streamOptions?.include_usage, 'stream_options.include_usage', isBoolean, 'a boolean') ?? false,
  };
  const model = optional(body.model, 'model', isString, 'a string');
  if (model !== undefined) request.model = model;
  const toolChoice = parseToolChoice(body.tool_choice, tools);
  if (toolChoice !== undefined) request.tool_choice = toolChoice;
  const parallel = optional(body.parallel_tool_calls, 'parallel_tool_calls', isBoolean, 'a boolean');
  if (parallel !== undefined) request.parallel_tool_calls = parallel;
  const responseFormat = parseResponseFormat(body.response_format);
  if (responseFormat !== undefined) request.response_format = responseFormat;
  const effort = optional(body.reasoning_effort, 'reasoning_effort', isString, 'a string');
  if (effort !== undefined) request.reasoning_effort = effort;
  return request;
}

// ---------------------------------------------------------------- messages

function parseMessages(value: unknown): ChatMessage[] {
  if (!present(value)) throw invalidRequest("Missing required parameter: 'messages'.", 'messages');
  if (!Array.isArray(value)) {
    throw invalidRequest(`Invalid type for 'messages': expected an array, got ${jsonTypeOf(value)}.`, 'messages');
  }
  if (value.length === 0) throw invalidRequest("Invalid 'messages': empty array. Expected at least one message.", 'messages');
  const messages = value.map((message, i) => parseMessage(message, `messages[${i}]`));
  checkToolCallPairing(messages);
  return messages;
}

/**
 * Every tool message must answer a call of an earlier assistant message, and every call needs such an answer:
 * the backend rejects either half of an unpaired call ("No tool output found for function call …").
 */
function checkToolCallPairing(messages: ChatMessage[]): void {
  const seen = new Set<string>();
  const unanswered = new Map<string, string>(); // call id → param of its tool_calls entry
  messages.forEach((message, i) => {
    if (message.role === 'assistant') {
      message.tool_calls.forEach((call, j) => {
        seen.add(call.id);
        unanswered.set(call.id, `messages[${i}].tool_calls[${j}]`);
      });
    } else if (message.role === 'tool') {
      if (!seen.has(message.tool_call_id)) {
        throw invalidRequest(
          `'messages[${i}]' answers tool call '${message.tool_call_id}', ` +
            'but no earlier assistant message has a tool call with that id.',
          `messages[${i}].tool_call_id`,
        );
      }
      unanswered.delete(message.tool_call_id);
    }
  });
  for (const [id, param] of unanswered) {
    throw invalidRequest(
      `Assistant tool call '${id}' (${param}) has no tool message answering it; ` +
        `send a {role:'tool', tool_call_id:'${id}'} message after it.`,
      param,
    );
  }
}

function parseMessage(message: unknown, param: string): ChatMessage {
  const record = requireObject(message, param);
  const role = record.role;
  switch (role) {
    case 'system':
    case 'developer':
      return { role, content: parseTextContent(record.content, `${param}.content`) };
    case 'user':
      return parseUserMessage(record, param);
    case 'assistant':
      return parseAssistantMessage(record, param);
    case 'tool':
      return parseToolMessage(record, param);
    case 'function':
      throw invalidRequest(
        `The legacy 'function' role in '${param}' is not supported; send a 'tool' message with a 'tool_call_id'.`,
        `${param}.role`,
      );
    default:
      if (!present(role)) throw invalidRequest(`Missing required parameter: '${param}.role'.`, `${param}.role`);
      throw invalidRequest(
        `Invalid value for '${param}.role': ${describeValue(role)}. Supported roles: ${ROLES}.`,
        `${param}.role`,
      );
  }
}

function parseUserMessage(record: JsonObject, param: string): ChatUserMessage {
  const contentParam = `${param}.content`;
  const content = record.content;
  if (typeof content === 'string') return { role: 'user', content: [{ type: 'text', text: content }] };
  const parts = requireArray(content, contentParam, 'a string or an array of content parts');
  if (parts.length === 0) throw invalidRequest(`Invalid '${contentParam}': empty array.`, contentParam);
  return { role: 'user', content: readParts(parts, contentParam, USER_PARTS) };
}

function parseAssistantMessage(record: JsonObject, param: string): ChatAssistantMessage {
  if (present(record.function_call)) {
    throw invalidRequest(
      `The legacy 'function_call' field in '${param}' is not supported; send 'tool_calls' instead.`,
      `${param}.function_call`,
    );
  }
  const contentParam = `${param}.content`;
  const raw = record.content;
  const content: ChatAssistantMessage['content'] = [];
  if (typeof raw === 'string') {
    if (raw !== '') content.push({ type: 'text', text: raw });
  } else if (present(raw)) {
    const parts = requireArray(raw, contentParam, 'a string, null or an array of content parts');
    content.push(...readParts(parts, contentParam, ASSISTANT_PARTS));
  }
  const refusal = optional(record.refusal, `${param}.refusal`, isString, 'a string');
  if (refusal) content.push({ type: 'refusal', refusal });
  const toolCalls = present(record.tool_calls)
    ? requireArray(record.tool_calls, `${param}.tool_calls`, 'an array').map((call, j) =>
        parseToolCall(call, `${param}.tool_calls[${j}]`),
      )
    : [];
  return { role: 'assistant', content, tool_calls: toolCalls };
}

function parseToolCall(call: unknown, param: string): ChatToolCall {
  const record = requireObject(call, param);
  const id = requireNonEmptyString(record.id, `${param}.id`);
  if (present(record.type) && record.type !== 'function') {
    throw invalidRequest(`Invalid value for '${param}.type': only 'function' tool calls are supported.`, `${param}.type`);
  }
  const fn = requireObject(record.function, `${param}.function`);
  const name = requireNonEmptyString(fn.name, `${param}.function.name`);
  const args = fn.arguments;
  if (typeof args === 'string') return { id, type: 'function', function: { name, arguments: args } };
  if (isRecord(args)) return { id, type: 'function', function: { name, arguments: JSON.stringify(args) } };
  if (!present(args)) {
    throw invalidRequest(`Missing required parameter: '${param}.function.arguments'.`, `${param}.function.arguments`);
  }
  throw invalidRequest(
    `Invalid type for '${param}.function.arguments': expected a JSON string, got ${jsonTypeOf(args)}.`,
    `${param}.function.arguments`,
  );
}

function parseToolMessage(record: JsonObject, param: string): ChatToolMessage {
  const idParam = `${param}.tool_call_id`;
  if (!present(record.tool_call_id)) {
    throw invalidRequest(`Missing required parameter: '${idParam}' (a tool message answers one tool call).`, idParam);
  }
  return {
    role: 'tool',
    tool_call_id: requireNonEmptyString(record.tool_call_id, idParam),
    content: parseTextContent(record.content, `${param}.content`),
  };
}

/** System, developer and tool messages: a string or text parts only. */
function parseTextContent(content: unknown, param: string): ChatTextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return readParts(requireArray(content, param, 'a string or an array of text parts'), param, TEXT_PARTS);
}

function parseTextPart(record: JsonObject, param: string): ChatTextPart {
  return { type: 'text', text: readText(record, param) };
}

const TEXT_PARTS: PartReaders<ChatTextPart> = { text: parseTextPart };
const USER_PARTS: PartReaders<ChatUserMessage['content'][number]> = { text: parseTextPart, image_url: parseImagePart };
const ASSISTANT_PARTS: PartReaders<ChatAssistantMessage['content'][number]> = { text: parseTextPart, refusal: readRefusalPart };

function parseImagePart(record: JsonObject, param: string): ChatImagePart {
  const image = record.image_url;
  if (typeof image === 'string') return { type: 'image_url', image_url: { url: checkImageUrl(image, `${param}.image_url`) } };
  if (!isRecord(image) || typeof image.url !== 'string') {
    throw invalidRequest(
      `Invalid image part '${param}': 'image_url' must be a URL string or an object {"url": string, "detail"?: string}.`,
      `${param}.image_url`,
    );
  }
  const url = checkImageUrl(image.url, `${param}.image_url.url`);
  const detail = optional(image.detail, `${param}.image_url.detail`, isString, 'a string');
  return { type: 'image_url', image_url: detail === undefined ? { url } : { url, detail } };
}

// ---------------------------------------------------------------- tools and options

function parseTools(value: unknown): ChatFunctionDefinition[] {
  if (!present(value)) return [];
  return requireArray(value, 'tools', 'an array of function tools').map((tool, i) => {
    const param = `tools[${i}]`;
    const record = requireObject(tool, param);
    if (record.type !== 'function') {
      throw invalidRequest(
        `Unsupported tool type ${describeValue(record.type)} in '${param}': only function tools are supported.`,
        `${param}.type`,
      );
    }
    return parseFunctionDefinition(record.function, `${param}.function`);
  });
}

/** The `function` object of a Chat Completions tool: `{name, description?, parameters?, strict?}`. */
export function parseFunctionDefinition(value: unknown, param: string): ChatFunctionDefinition {
  const fn = requireObject(value, param);
  const definition: ChatFunctionDefinition = { name: requireNonEmptyString(fn.name, `${param}.name`) };
  const description = optional(fn.description, `${param}.description`, isString, 'a string');
  if (description !== undefined) definition.description = description;
  const parameters = optional(fn.parameters, `${param}.parameters`, isRecord, 'a JSON Schema object');
  if (parameters !== undefined) definition.parameters = parameters;
  const strict = optional(fn.strict, `${param}.strict`, isBoolean, 'a boolean');
  if (strict !== undefined) definition.strict = strict;
  return definition;
}

function parseToolChoice(value: unknown, tools: ChatFunctionDefinition[]): ChatToolChoice | undefined {
  if (!present(value)) return undefined;
  if (value === 'auto' || value === 'none') return value;
  let choice: ChatToolChoice;
  if (value === 'required') choice = value;
  else if (isRecord(value) && value.type === 'function' && isRecord(value.function) && isString(value.function.name)) {
    choice = { type: 'function', function: { name: value.function.name } };
  } else {
    throw invalidRequest(
      `Invalid 'tool_choice': expected 'auto', 'none', 'required' or {"type":"function","function":{"name":…}}.`,
      'tool_choice',
    );
  }
  if (tools.length === 0) throw invalidRequest("'tool_choice' requires 'tools' to be specified.", 'tool_choice');
  if (typeof choice === 'object' && !tools.some((tool) => tool.name === choice.function.name)) {
    throw invalidRequest(
      `'tool_choice' names the function '${choice.function.name}', which is not in 'tools'.`,
      'tool_choice.function.name',
    );
  }
  return choice;
}

function parseResponseFormat(value: unknown): ChatResponseFormat | undefined {
  if (!present(value)) return undefined;
  const record = requireObject(value, 'response_format');
  const type = parseFormatType(record, 'response_format');
  if (type !== 'json_schema') return { type };
  const spec = requireObject(record.json_schema, 'response_format.json_schema');
  return { type, json_schema: parseJsonSchemaSpec(spec, 'response_format.json_schema') };
}
