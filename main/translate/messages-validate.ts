/**
 * Validates an untrusted Anthropic Messages body into a MessagesRequest. Rejections are 400 ApiErrors naming the
 * field (`messages[2].content[0].source.data`). Fields the Codex backend has no use for are type-checked and dropped:
 * `max_tokens`, `temperature`, `top_p`, `top_k`, `stop_sequences`, `metadata`, `cache_control` everywhere,
 * `context_management`, `container`, `service_tier`. `thinking` / `redacted_thinking` blocks of earlier turns are
 * dropped too: their signatures are Anthropic's, and the backend's own reasoning state cannot be rebuilt from them.
 */
import { invalidRequest } from '../errors/api-error.js';
import { checkImageUrl, readParts, type PartReaders } from './content-parts.js';
import { isBoolean, isNumber, isString, optional, present, requireArray, requireNonEmptyString, requireObject, requireString } from './fields.js';
import { describeValue, isRecord, jsonTypeOf, type JsonObject } from './json.js';
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicTextBlock,
  AnthropicThinking,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicTurn,
  AnthropicUserBlock,
  MessagesRequest,
} from './messages-types.js';

/** Marks a block the translation leaves out (thinking of earlier turns). */
const DROPPED = null;

export function parseMessagesRequest(body: unknown): MessagesRequest {
  if (!isRecord(body)) throw invalidRequest(`The request body must be a JSON object, got ${jsonTypeOf(body)}.`);
  checkDroppedFields(body);
  const tools = parseTools(body.tools);
  const request: MessagesRequest = {
    system: parseSystem(body.system),
    messages: parseMessages(body.messages),
    tools,
    stream: optional(body.stream, 'stream', isBoolean, 'a boolean') ?? false,
  };
  const model = optional(body.model, 'model', isString, 'a string');
  if (model !== undefined) request.model = model;
  parseToolChoice(body.tool_choice, tools, request);
  const thinking = parseThinking(body.thinking);
  if (thinking !== undefined) request.thinking = thinking;
  parseOutputConfig(body.output_config, request);
  return request;
}

/** Accepted for compatibility, never forwarded (the backend refuses sampling and length fields); their types still matter. */
function checkDroppedFields(body: JsonObject): void {
  const maxTokens = optional(body.max_tokens, 'max_tokens', isNumber, 'a number');
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw invalidRequest(`Invalid 'max_tokens': expected an integer >= 1, got ${maxTokens}.`, 'max_tokens');
  }
  for (const field of ['temperature', 'top_p', 'top_k'] as const) optional(body[field], field, isNumber, 'a number');
  const stops = optional(body.stop_sequences, 'stop_sequences', Array.isArray, 'an array of strings');
  stops?.forEach((stop, i) => requireString(stop, `stop_sequences[${i}]`));
  optional(body.metadata, 'metadata', isRecord, 'an object');
}

// ---------------------------------------------------------------- system and messages

function parseSystem(value: unknown): string[] {
  if (!present(value)) return [];
  if (typeof value === 'string') return [value];
  const blocks = readParts(requireArray(value, 'system', 'a string or an array of text blocks'), 'system', { text: readTextBlock });
  return blocks.map((block) => block.text);
}

function parseMessages(value: unknown): AnthropicTurn[] {
  const list = requireArray(value, 'messages', 'an array');
  if (list.length === 0) throw invalidRequest("Invalid 'messages': empty array. Expected at least one message.", 'messages');
  const turns = list.map((message, i) => parseTurn(message, `messages[${i}]`));
  checkToolPairing(turns);
  return turns;
}

function parseTurn(message: unknown, param: string): AnthropicTurn {
  const record = requireObject(message, param);
  const contentParam = `${param}.content`;
  switch (record.role) {
    case 'user':
      return { role: 'user', content: nonEmpty(blocks(record.content, contentParam, USER_BLOCKS), contentParam) };
    case 'assistant':
      return { role: 'assistant', content: blocks(record.content, contentParam, ASSISTANT_BLOCKS) };
    case 'system':
      return { role: 'system', content: blocks(record.content, contentParam, TEXT_BLOCKS).map((block) => block.text) };
    default:
      if (!present(record.role)) throw invalidRequest(`Missing required parameter: '${param}.role'.`, `${param}.role`);
      throw invalidRequest(
        `Invalid value for '${param}.role': ${describeValue(record.role)}. Supported roles: user, assistant.`,
        `${param}.role`,
      );
  }
}

/** A string content is one text block; dropped blocks are left out. */
function blocks<T>(content: unknown, param: string, readers: PartReaders<T | typeof DROPPED>): T[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content } as T];
  const parts = requireArray(content, param, 'a string or an array of content blocks');
  return readParts(parts, param, readers).filter((block): block is T => block !== DROPPED);
}

function nonEmpty<T>(list: T[], param: string): T[] {
  if (list.length === 0) throw invalidRequest(`Invalid '${param}': a user message needs at least one non-empty block.`, param);
  return list;
}

/** Every tool_result answers an earlier tool_use and every tool_use is answered: the backend refuses either half alone. */
function checkToolPairing(turns: AnthropicTurn[]): void {
  const unanswered = new Map<string, string>();
  const seen = new Set<string>();
  turns.forEach((turn, i) => {
    turn.content.forEach((block, j) => {
      if (typeof block === 'string') return;
      if (block.type === 'tool_use') {
        seen.add(block.id);
        unanswered.set(block.id, `messages[${i}].content[${j}]`);
      } else if (block.type === 'tool_result') {
        if (!seen.has(block.tool_use_id)) {
          throw invalidRequest(
            `'messages[${i}].content[${j}]' answers tool_use '${block.tool_use_id}', but no earlier assistant message has a tool_use with that id.`,
            `messages[${i}].content[${j}].tool_use_id`,
          );
        }
        unanswered.delete(block.tool_use_id);
      }
    });
  });
  for (const [id, param] of unanswered) {
    throw invalidRequest(`tool_use '${id}' (${param}) has no tool_result answering it in a later user message.`, param);
  }
}

// ---------------------------------------------------------------- blocks

function readTextBlock(record: JsonObject, param: string): AnthropicTextBlock {
  return { type: 'text', text: requireString(record.text, `${param}.text`) };
}

/** `{type:'image', source:{type:'base64', media_type, data} | {type:'url', url}}`. */
function readImageBlock(record: JsonObject, param: string): AnthropicImageBlock {
  const sourceParam = `${param}.source`;
  const source = requireObject(record.source, sourceParam);
  if (source.type === 'base64') {
    const mediaType = requireNonEmptyString(source.media_type, `${sourceParam}.media_type`);
    const data = requireNonEmptyString(source.data, `${sourceParam}.data`);
    return { type: 'image', url: checkImageUrl(`data:${mediaType};base64,${data}`, `${sourceParam}.data`) };
  }
  if (source.type === 'url') return { type: 'image', url: checkImageUrl(requireString(source.url, `${sourceParam}.url`), `${sourceParam}.url`) };
  throw invalidRequest(`Invalid '${sourceParam}.type': expected 'base64' or 'url', got ${describeValue(source.type)}.`, `${sourceParam}.type`);
}

function readToolUseBlock(record: JsonObject, param: string): AnthropicAssistantBlock {
  const input = present(record.input) ? requireObject(record.input, `${param}.input`) : {};
  return { type: 'tool_use', id: requireNonEmptyString(record.id, `${param}.id`), name: requireNonEmptyString(record.name, `${param}.name`), input };
}

function readToolResultBlock(record: JsonObject, param: string): AnthropicUserBlock {
  const contentParam = `${param}.content`;
  const content = present(record.content) ? blocks(record.content, contentParam, TOOL_RESULT_BLOCKS) : [];
  return {
    type: 'tool_result',
    tool_use_id: requireNonEmptyString(record.tool_use_id, `${param}.tool_use_id`),
    content,
    is_error: optional(record.is_error, `${param}.is_error`, isBoolean, 'a boolean') ?? false,
  };
}

/**
 * Claude Code's ToolSearch answers with `tool_reference` blocks, which make Anthropic load a deferred tool. Every tool
 * in `tools` already reaches the backend, so the reference only needs to tell the model the tool is there.
 */
function readToolReference(record: JsonObject, param: string): AnthropicTextBlock {
  return { type: 'text', text: `Tool '${requireNonEmptyString(record.tool_name, `${param}.tool_name`)}' is available.` };
}

function dropBlock(): typeof DROPPED {
  return DROPPED;
}

const TEXT_BLOCKS: PartReaders<AnthropicTextBlock> = { text: readTextBlock };
const TOOL_RESULT_BLOCKS: PartReaders<AnthropicTextBlock | AnthropicImageBlock> = {
  text: readTextBlock,
  image: readImageBlock,
  tool_reference: readToolReference,
};
const USER_BLOCKS: PartReaders<AnthropicUserBlock> = { text: readTextBlock, image: readImageBlock, tool_result: readToolResultBlock };
const ASSISTANT_BLOCKS: PartReaders<AnthropicAssistantBlock | typeof DROPPED> = {
  text: readTextBlock,
  tool_use: readToolUseBlock,
  thinking: dropBlock,
  redacted_thinking: dropBlock,
};

// ---------------------------------------------------------------- tools and options

/** Client tools (`{name, description?, input_schema}`, `type` absent or 'custom'); Anthropic's server tools are not served. */
function parseTools(value: unknown): AnthropicTool[] {
  if (!present(value)) return [];
  return requireArray(value, 'tools', 'an array of tools').map((tool, i) => {
    const param = `tools[${i}]`;
    const record = requireObject(tool, param);
    if (present(record.type) && record.type !== 'custom') {
      throw invalidRequest(
        `Unsupported tool type ${describeValue(record.type)} in '${param}': only client tools with an input_schema are supported (Anthropic's server tools are not).`,
        `${param}.type`,
      );
    }
    const definition: AnthropicTool = {
      name: requireNonEmptyString(record.name, `${param}.name`),
      input_schema: requireObject(record.input_schema, `${param}.input_schema`),
    };
    const description = optional(record.description, `${param}.description`, isString, 'a string');
    if (description !== undefined) definition.description = description;
    return definition;
  });
}

function parseToolChoice(value: unknown, tools: AnthropicTool[], request: MessagesRequest): void {
  if (!present(value)) return;
  const record = requireObject(value, 'tool_choice');
  const disable = optional(record.disable_parallel_tool_use, 'tool_choice.disable_parallel_tool_use', isBoolean, 'a boolean');
  if (disable !== undefined) request.disable_parallel_tool_use = disable;
  const type = record.type;
  if (type === 'auto' || type === 'any' || type === 'none') {
    if (type === 'any' && tools.length === 0) throw invalidRequest("tool_choice 'any' requires 'tools'.", 'tool_choice.type');
    request.tool_choice = { type };
    return;
  }
  if (type !== 'tool') {
    throw invalidRequest(`Invalid 'tool_choice.type': expected 'auto', 'any', 'tool' or 'none', got ${describeValue(type)}.`, 'tool_choice.type');
  }
  const name = requireNonEmptyString(record.name, 'tool_choice.name');
  if (!tools.some((tool) => tool.name === name)) {
    throw invalidRequest(`'tool_choice' names the tool '${name}', which is not in 'tools'.`, 'tool_choice.name');
  }
  request.tool_choice = { type: 'tool', name } satisfies AnthropicToolChoice;
}

function parseThinking(value: unknown): AnthropicThinking | undefined {
  if (!present(value)) return undefined;
  const record = requireObject(value, 'thinking');
  if (record.type === 'adaptive' || record.type === 'disabled') return { type: record.type };
  if (record.type !== 'enabled') {
    throw invalidRequest(`Invalid 'thinking.type': expected 'enabled', 'adaptive' or 'disabled', got ${describeValue(record.type)}.`, 'thinking.type');
  }
  const budget = optional(record.budget_tokens, 'thinking.budget_tokens', isNumber, 'a number');
  if (budget === undefined || !Number.isInteger(budget) || budget < 1) {
    throw invalidRequest("'thinking.budget_tokens' must be an integer >= 1 when thinking is enabled.", 'thinking.budget_tokens');
  }
  return { type: 'enabled', budget_tokens: budget };
}

/** `output_config: {effort?, format?: {type:'json_schema', schema}}`. */
function parseOutputConfig(value: unknown, request: MessagesRequest): void {
  if (!present(value)) return;
  const record = requireObject(value, 'output_config');
  const effort = optional(record.effort, 'output_config.effort', isString, 'a string');
  if (effort !== undefined) request.effort = effort;
  if (!present(record.format)) return;
  const format = requireObject(record.format, 'output_config.format');
  if (format.type !== 'json_schema') {
    throw invalidRequest(`Invalid 'output_config.format.type': expected 'json_schema', got ${describeValue(format.type)}.`, 'output_config.format.type');
  }
  request.json_schema = requireObject(format.schema, 'output_config.format.schema');
}
