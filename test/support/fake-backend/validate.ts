/**
 * Request validation for POST /codex/responses with the backend's real error texts (spec §4.6, §4.3, §4.5).
 * §4.6 failures use the FastAPI style `{"detail":…}`; item-level failures use the Responses-engine style
 * `{"error":{message,type,param,code}}`, as in the real bodies quoted by the spec.
 * Where the real text is unknown the message says plainly what is wrong (marked "fake's wording").
 */
import type { CatalogModel, ModelCatalog } from './catalog.js';

export interface ValidationFailure {
  status: number;
  body: unknown;
}

export type ValidationResult = { ok: true; model: CatalogModel } | { ok: false; failure: ValidationFailure };

export interface ValidationContext {
  catalog: ModelCatalog;
  /** Plan of the caller's token: models not in the plan are "not supported". */
  plan: string;
  /** `x-openai-internal-codex-responses-lite: true` was sent. */
  liteHeader: boolean;
  /** undefined = do not check reasoning blobs. */
  verifyEncryptedContent?: (blob: string) => boolean;
}

/** Every top-level field the real CLI sends; anything else is "Unsupported parameter". */
const ACCEPTED_FIELDS = new Set([
  'model',
  'instructions',
  'input',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning',
  'store',
  'stream',
  'stream_options',
  'include',
  'service_tier',
  'prompt_cache_key',
  'text',
  'client_metadata',
]);

const PART_TYPES_BY_ROLE: Record<string, string[]> = {
  user: ['input_text', 'input_image'],
  developer: ['input_text', 'input_image'],
  assistant: ['output_text', 'refusal'],
};

/** Item types accepted without further checks (history of server-side tools and newer CLI variants). */
const PASSTHROUGH_ITEM_TYPES = new Set([
  'additional_tools',
  'web_search_call',
  'local_shell_call',
  'image_generation_call',
  'tool_search_call',
  'tool_search_output',
  'compaction',
  'agent_message',
]);

const TOOL_TYPES = new Set(['function', 'custom', 'namespace', 'web_search', 'image_generation', 'tool_search', 'local_shell']);

const CALL_KINDS = {
  function_call: { output: 'function_call_output', label: 'function call' },
  custom_tool_call: { output: 'custom_tool_call_output', label: 'custom tool call' },
} as const;

class Rejection extends Error {
  constructor(readonly failure: ValidationFailure) {
    super('rejected');
  }
}

export function validateResponsesRequest(body: unknown, ctx: ValidationContext): ValidationResult {
  try {
    return { ok: true, model: check(body, ctx) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, failure: error.failure };
    throw error;
  }
}

function check(body: unknown, ctx: ValidationContext): CatalogModel {
  if (!isRecord(body)) throw detail('Request body must be a JSON object'); // fake's wording
  if (body.stream !== true) throw detail('Stream must be set to true');
  if (body.store !== false) throw detail('Store must be set to false');
  for (const field of Object.keys(body)) {
    if (!ACCEPTED_FIELDS.has(field)) throw detail(`Unsupported parameter: ${field}`);
  }
  const model = checkModel(body.model, ctx);
  if (model.lite) checkLite(body, model, ctx);
  else checkInstructions(body);
  checkInput(body.input, ctx);
  if (!model.lite) checkTools(body.tools);
  checkReasoning(body.reasoning, model);
  checkServiceTier(body.service_tier, model);
  return model;
}

function checkModel(slug: unknown, ctx: ValidationContext): CatalogModel {
  if (typeof slug !== 'string' || slug === '') throw detail('Model is required'); // fake's wording
  const model = ctx.catalog.availableModel(slug, ctx.plan);
  if (!model) throw detail(`The '${slug}' model is not supported when using Codex with a ChatGPT account.`);
  return model;
}

function checkLite(body: Record<string, unknown>, model: CatalogModel, ctx: ValidationContext): void {
  // Fake's wording for both: the real behaviour without the header is unconfirmed (spec §4.5).
  if (!ctx.liteHeader) {
    throw detail(`The '${model.slug}' model requires the responses-lite format (header x-openai-internal-codex-responses-lite: true)`);
  }
  if ('tools' in body) {
    throw detail('Top-level tools are not supported for responses-lite models; send them as an additional_tools input item');
  }
}

/** Non-lite models need a prompt: top-level instructions, or (CLI 0.171.0, capture 03) a leading developer message. */
function checkInstructions(body: Record<string, unknown>): void {
  const { instructions } = body;
  if (instructions !== undefined && typeof instructions !== 'string') throw detail('Instructions must be a string'); // fake's wording
  if (typeof instructions === 'string' && instructions.trim() !== '') return;
  const first = Array.isArray(body.input) ? body.input[0] : undefined;
  if (isRecord(first) && (first.type ?? 'message') === 'message' && first.role === 'developer') return;
  throw detail('Instructions are required');
}

function checkInput(input: unknown, ctx: ValidationContext): void {
  if (!Array.isArray(input) || input.length === 0) throw detail('Input must be a non-empty list of items'); // fake's wording
  input.forEach((item, index) => checkItem(item, `input[${index}]`, ctx));
  checkToolPairing(input as Record<string, unknown>[]);
}

function checkItem(item: unknown, path: string, ctx: ValidationContext): void {
  if (!isRecord(item)) throw invalid(`Invalid '${path}': expected an object.`, path, 'invalid_type');
  if (isIdOnlyReference(item)) throw itemNotFound(String(item.id));
  const type = item.type ?? ('role' in item ? 'message' : undefined);
  switch (type) {
    case 'message':
      return checkMessage(item, path);
    case 'function_call':
      return requireStrings(item, path, ['call_id', 'name', 'arguments']);
    case 'custom_tool_call':
      return requireStrings(item, path, ['call_id', 'name', 'input']);
    case 'function_call_output':
    case 'custom_tool_call_output':
      requireStrings(item, path, ['call_id']);
      if (typeof item.output !== 'string' && !Array.isArray(item.output)) {
        throw invalid(`Invalid '${path}.output': expected a string or an array of content parts.`, `${path}.output`, 'invalid_type');
      }
      return;
    case 'reasoning':
      return checkReasoningItem(item, path, ctx);
    default:
      if (typeof type === 'string' && PASSTHROUGH_ITEM_TYPES.has(type)) return;
      throw invalid(`Invalid value: '${String(type)}'. Unknown input item type.`, `${path}.type`, 'invalid_value');
  }
}

function checkMessage(item: Record<string, unknown>, path: string): void {
  const role = item.role;
  if (role === 'system') {
    // Fake's wording: the Codex backend takes the system prompt as `instructions` or a developer message (§4.3).
    throw invalid(
      "Invalid value: 'system'. Supported values are: 'user', 'assistant', and 'developer'.",
      `${path}.role`,
      'invalid_value',
    );
  }
  const allowedParts = typeof role === 'string' ? PART_TYPES_BY_ROLE[role] : undefined;
  if (!allowedParts) {
    throw invalid(
      `Invalid value: '${String(role)}'. Supported values are: 'user', 'assistant', and 'developer'.`,
      `${path}.role`,
      'invalid_value',
    );
  }
  if (typeof item.content === 'string') return;
  if (!Array.isArray(item.content)) {
    throw invalid(`Invalid '${path}.content': expected a string or an array of content parts.`, `${path}.content`, 'invalid_type');
  }
  item.content.forEach((part, index) => checkPart(part, `${path}.content[${index}]`, allowedParts));
}

function checkPart(part: unknown, path: string, allowed: string[]): void {
  const type = isRecord(part) ? part.type : undefined;
  if (!isRecord(part) || typeof type !== 'string' || !allowed.includes(type)) {
    throw invalid(`Invalid value: '${String(type)}'. Supported values are: ${quoteList(allowed)}.`, path, 'invalid_value');
  }
  if (type === 'input_image') return checkImageUrl(part.image_url, `${path}.image_url`);
  const textField = type === 'refusal' ? 'refusal' : 'text';
  if (typeof part[textField] !== 'string') {
    throw invalid(`Invalid '${path}.${textField}': expected a string.`, `${path}.${textField}`, 'invalid_type');
  }
}

function checkImageUrl(url: unknown, path: string): void {
  if (typeof url === 'string' && (/^data:image\/[\w.+-]+;base64,[A-Za-z0-9+/=_-]+$/.test(url) || isHttpUrl(url))) return;
  throw invalid(
    `Invalid '${path}'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), or an http(s) URL.`,
    path,
    'invalid_value',
  );
}

function checkReasoningItem(item: Record<string, unknown>, path: string, ctx: ValidationContext): void {
  if (!Array.isArray(item.summary)) {
    throw invalid(`Missing required parameter: '${path}.summary'.`, `${path}.summary`, 'missing_required_parameter');
  }
  const blob = item.encrypted_content;
  if (blob === undefined || blob === null || !ctx.verifyEncryptedContent) return;
  if (typeof blob !== 'string' || !ctx.verifyEncryptedContent(blob)) {
    throw invalid(
      `The encrypted content for item ${String(item.id ?? path)} could not be verified.`,
      `${path}.encrypted_content`,
      'invalid_encrypted_content',
    );
  }
}

/** Every tool output needs its call in the same input, and every call its output (Responses engine rule). */
function checkToolPairing(items: Record<string, unknown>[]): void {
  for (const [callType, { output: outputType, label }] of Object.entries(CALL_KINDS)) {
    const callIds = new Set(items.filter((i) => i.type === callType).map((i) => i.call_id));
    const outputIds = new Set(items.filter((i) => i.type === outputType).map((i) => i.call_id));
    for (const id of outputIds) {
      if (!callIds.has(id)) throw invalid(`No tool call found for ${label} output with call_id ${String(id)}.`, 'input', null);
    }
    for (const id of callIds) {
      if (!outputIds.has(id)) throw invalid(`No tool output found for ${label} ${String(id)}.`, 'input', null);
    }
  }
}

function checkTools(tools: unknown): void {
  if (tools === undefined) return;
  if (!Array.isArray(tools)) throw invalid("Invalid 'tools': expected an array.", 'tools', 'invalid_type');
  tools.forEach((tool, index) => {
    const path = `tools[${index}]`;
    const type = isRecord(tool) ? tool.type : undefined;
    if (!isRecord(tool) || typeof type !== 'string' || !TOOL_TYPES.has(type)) {
      throw invalid(`Invalid value: '${String(type)}'. Unknown tool type.`, `${path}.type`, 'invalid_value');
    }
    // Catches the Chat Completions wrapper {"type":"function","function":{…}}: the Responses shape is flat.
    if ((type === 'function' || type === 'custom' || type === 'namespace') && typeof tool.name !== 'string') {
      throw invalid(`Missing required parameter: '${path}.name'.`, `${path}.name`, 'missing_required_parameter');
    }
  });
}

function checkReasoning(reasoning: unknown, model: CatalogModel): void {
  if (reasoning === undefined || reasoning === null) return;
  if (!isRecord(reasoning)) throw invalid("Invalid 'reasoning': expected an object.", 'reasoning', 'invalid_type');
  const effort = reasoning.effort;
  if (effort === undefined || effort === null || model.efforts.length === 0) return;
  if (typeof effort !== 'string' || !model.efforts.includes(effort)) {
    throw invalid(
      `Unsupported value: 'reasoning.effort' does not support '${String(effort)}' with the '${model.slug}' model. Supported values are: ${quoteList(model.efforts)}.`,
      'reasoning.effort',
      'unsupported_value',
    );
  }
}

function checkServiceTier(tier: unknown, model: CatalogModel): void {
  if (tier === undefined || tier === null) return;
  if (typeof tier !== 'string' || !model.serviceTiers.includes(tier)) {
    throw invalid(
      `Unsupported value: 'service_tier' does not support '${String(tier)}' with the '${model.slug}' model.`,
      'service_tier',
      'unsupported_value',
    );
  }
}

function requireStrings(item: Record<string, unknown>, path: string, fields: string[]): void {
  for (const field of fields) {
    if (typeof item[field] !== 'string') {
      throw invalid(`Missing required parameter: '${path}.${field}'.`, `${path}.${field}`, 'missing_required_parameter');
    }
  }
}

/** `{type:"item_reference",id}` or a bare `{id}`: a pointer to a stored item, and nothing is stored with store:false. */
function isIdOnlyReference(item: Record<string, unknown>): boolean {
  const keys = Object.keys(item);
  return (
    typeof item.id === 'string' &&
    (item.type === 'item_reference' ? keys.every((k) => k === 'id' || k === 'type') : keys.length === 1)
  );
}

function itemNotFound(id: string): Rejection {
  return invalidWithStatus(
    404,
    `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
    'input',
    null,
  );
}

function detail(message: string): Rejection {
  return new Rejection({ status: 400, body: { detail: message } });
}

function invalid(message: string, param: string | null, code: string | null): Rejection {
  return invalidWithStatus(400, message, param, code);
}

function invalidWithStatus(status: number, message: string, param: string | null, code: string | null): Rejection {
  return new Rejection({ status, body: { error: { message, type: 'invalid_request_error', param, code } } });
}

function quoteList(values: string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
