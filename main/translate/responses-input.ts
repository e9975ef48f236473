/**
 * The `input` of a client's Responses request, checked item by item against what the Codex backend accepts, so a
 * bad item is a 400 naming the exact field (`input[2].content[0].text`) instead of an upstream rejection.
 * Item ids are stripped: with store:false the backend has nothing to look them up against (spec §4.3).
 * Fields we do not check (status, CLI metadata) are forwarded as the client sent them.
 */
import { invalidRequest } from '../errors/api-error.js';
import { Instruction } from './codex-request.js';
import { readInputImagePart, readParts, readRefusalPart, readText, type PartReaders } from './content-parts.js';
import { present, requireArray, requireNonEmptyString, requireObject, requireString } from './fields.js';
import { describeValue, type JsonObject } from './json.js';
import type {
  CustomToolCallItem,
  CustomToolCallOutputItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  MessageContentPart,
  MessageItem,
  OutputTextPart,
  PassthroughItem,
  ReasoningItem,
  RefusalPart,
  ResponsesInputItem,
  ToolOutputPart,
} from './types.js';

type Entry = ResponsesInputItem | Instruction;

const INPUT_PARTS: PartReaders<ToolOutputPart> = {
  input_text: (record, param) => ({ type: 'input_text', text: readText(record, param) }),
  input_image: readInputImagePart,
};
const ASSISTANT_PARTS: PartReaders<OutputTextPart | RefusalPart> = {
  output_text: (record, param) => ({ type: 'output_text', text: readText(record, param) }),
  refusal: readRefusalPart,
};
/** System text becomes instructions; Chat-style `text` parts are accepted there too, as before. */
const SYSTEM_PARTS: PartReaders<string> = { input_text: readText, text: readText };

const ITEM_PARSERS: Record<string, (item: JsonObject, param: string) => Entry> = {
  message: parseMessageItem,
  function_call: parseFunctionCall,
  function_call_output: toolOutputParser('function_call_output'),
  custom_tool_call: parseCustomToolCall,
  custom_tool_call_output: toolOutputParser('custom_tool_call_output'),
  reasoning: parseReasoning,
};

/** The Record type makes the compiler hold this list and PassthroughItem['type'] to the same members. */
const PASSTHROUGH_TYPES: Record<PassthroughItem['type'], true> = {
  additional_tools: true,
  web_search_call: true,
  local_shell_call: true,
  image_generation_call: true,
  tool_search_call: true,
  tool_search_output: true,
  compaction: true,
  agent_message: true,
};

const SUPPORTED_TYPES = [...Object.keys(ITEM_PARSERS), ...Object.keys(PASSTHROUGH_TYPES)].join(', ');

/** Calls and their outputs pair by call_id, per kind; the messages are the backend's own. */
const CALL_KINDS = [
  { call: 'function_call', output: 'function_call_output', label: 'function call' },
  { call: 'custom_tool_call', output: 'custom_tool_call_output', label: 'custom tool call' },
] as const;

type PairedType = (typeof CALL_KINDS)[number]['call' | 'output'];

export function parseInput(value: unknown): Entry[] {
  if (typeof value === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: value }] }];
  const items = requireArray(value, 'input', 'a string or an array of items').map((item, i) => parseItem(item, `input[${i}]`));
  checkToolPairing(items);
  return items;
}

function parseItem(value: unknown, param: string): Entry {
  const { id: _id, ...item } = requireObject(value, param);
  // `{role, content}` without a type is the Responses API's shorthand for a message.
  const type = item.type ?? (present(item.role) ? 'message' : undefined);
  if (type === 'item_reference') {
    throw invalidRequest(
      `'${param}' is an item reference, which the Codex backend cannot resolve (it stores nothing); send the full item.`,
      param,
    );
  }
  if (typeof type !== 'string') {
    throw invalidRequest(
      `Missing or invalid '${param}.type' (a message may give just a 'role'). Supported types: ${SUPPORTED_TYPES}.`,
      `${param}.type`,
    );
  }
  const parse = Object.hasOwn(ITEM_PARSERS, type) ? ITEM_PARSERS[type] : undefined;
  if (parse) return parse(item, param);
  if (isPassthroughType(type)) return { ...item, type };
  throw invalidRequest(
    `Unsupported item type ${describeValue(type)} in '${param}'. Supported types: ${SUPPORTED_TYPES}.`,
    `${param}.type`,
  );
}

function isPassthroughType(type: string): type is PassthroughItem['type'] {
  return Object.hasOwn(PASSTHROUGH_TYPES, type);
}

function parseMessageItem(item: JsonObject, param: string): MessageItem | Instruction {
  const { role, content } = item;
  const contentParam = `${param}.content`;
  const expected = 'a string or an array of content parts';
  if (role === 'system') {
    if (typeof content === 'string') return new Instruction([content]);
    return new Instruction(readParts(requireArray(content, contentParam, expected), contentParam, SYSTEM_PARTS));
  }
  if (role !== 'user' && role !== 'assistant' && role !== 'developer') {
    throw invalidRequest(
      `Invalid value for '${param}.role': ${describeValue(role)}. Supported roles: system, developer, user, assistant.`,
      `${param}.role`,
    );
  }
  const parts: PartReaders<MessageContentPart> = role === 'assistant' ? ASSISTANT_PARTS : INPUT_PARTS;
  if (typeof content === 'string') {
    const part = role === 'assistant' ? { type: 'output_text' as const, text: content } : { type: 'input_text' as const, text: content };
    return { ...item, type: 'message', role, content: [part] };
  }
  return { ...item, type: 'message', role, content: readParts(requireArray(content, contentParam, expected), contentParam, parts) };
}

function parseFunctionCall(item: JsonObject, param: string): FunctionCallItem {
  return {
    ...item,
    type: 'function_call',
    call_id: requireNonEmptyString(item.call_id, `${param}.call_id`),
    name: requireNonEmptyString(item.name, `${param}.name`),
    arguments: requireString(item.arguments, `${param}.arguments`),
  };
}

function parseCustomToolCall(item: JsonObject, param: string): CustomToolCallItem {
  return {
    ...item,
    type: 'custom_tool_call',
    call_id: requireNonEmptyString(item.call_id, `${param}.call_id`),
    name: requireNonEmptyString(item.name, `${param}.name`),
    input: requireString(item.input, `${param}.input`),
  };
}

/** Both output kinds share one shape: `call_id` and a string or input_text/input_image parts. */
function toolOutputParser(type: (FunctionCallOutputItem | CustomToolCallOutputItem)['type']) {
  return (item: JsonObject, param: string): FunctionCallOutputItem | CustomToolCallOutputItem => {
    const { output } = item;
    const outputParam = `${param}.output`;
    return {
      ...item,
      type,
      call_id: requireNonEmptyString(item.call_id, `${param}.call_id`),
      output:
        typeof output === 'string'
          ? output
          : readParts(requireArray(output, outputParam, 'a string or an array of input_text/input_image parts'), outputParam, INPUT_PARTS),
    };
  };
}

/** The backend needs `summary` on every reasoning item; an encrypted-only one gets an empty summary. */
function parseReasoning(item: JsonObject, param: string): ReasoningItem {
  const encrypted = present(item.encrypted_content) ? requireString(item.encrypted_content, `${param}.encrypted_content`) : undefined;
  const summary = present(item.summary) ? requireArray(item.summary, `${param}.summary`, 'an array') : undefined;
  if (encrypted === undefined && summary === undefined) {
    throw invalidRequest(
      `Invalid '${param}': a reasoning item needs 'encrypted_content' (a string) or 'summary' (an array).`,
      param,
    );
  }
  return { ...item, type: 'reasoning', summary: summary ?? [] };
}

function checkToolPairing(items: Entry[]): void {
  for (const { call, output, label } of CALL_KINDS) {
    const calls = firstIndexByCallId(items, call);
    const outputs = firstIndexByCallId(items, output);
    for (const [id, i] of outputs) {
      if (!calls.has(id)) throw invalidRequest(`No tool call found for ${label} output with call_id ${id}.`, `input[${i}].call_id`);
    }
    for (const [id, i] of calls) {
      if (!outputs.has(id)) throw invalidRequest(`No tool output found for ${label} ${id}.`, `input[${i}].call_id`);
    }
  }
}

/** call_id → index of the first item of `type` carrying it. */
function firstIndexByCallId(items: Entry[], type: PairedType): Map<string, number> {
  const indexes = new Map<string, number>();
  items.forEach((item, i) => {
    if (!(item instanceof Instruction) && item.type === type && !indexes.has(item.call_id)) indexes.set(item.call_id, i);
  });
  return indexes;
}
