/**
 * The shapes on both sides of the translation: the Chat Completions request we accept (after validation), the
 * Responses request we send to the Codex backend, the backend's stream events and the Chat Completions replies.
 */
import type { JsonObject } from './json.js';

export type { JsonObject } from './json.js';

// ---------------------------------------------------------------- Chat Completions request (validated)

export interface ChatTextPart {
  type: 'text';
  text: string;
}

export interface ChatImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: string };
}

export interface ChatRefusalPart {
  type: 'refusal';
  refusal: string;
}

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatInstructionMessage {
  role: 'system' | 'developer';
  content: ChatTextPart[];
}

export interface ChatUserMessage {
  role: 'user';
  content: Array<ChatTextPart | ChatImagePart>;
}

export interface ChatAssistantMessage {
  role: 'assistant';
  content: Array<ChatTextPart | ChatRefusalPart>;
  tool_calls: ChatToolCall[];
}

export interface ChatToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: ChatTextPart[];
}

export type ChatMessage = ChatInstructionMessage | ChatUserMessage | ChatAssistantMessage | ChatToolMessage;

export interface ChatFunctionDefinition {
  name: string;
  description?: string;
  parameters?: JsonObject;
  strict?: boolean;
}

export type ChatToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export type ChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema: JsonObject; strict?: boolean } };

/** A Chat Completions request as the bridge understands it; string contents are normalised to part lists. */
export interface ChatCompletionRequest {
  model?: string;
  messages: ChatMessage[];
  tools: ChatFunctionDefinition[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ChatResponseFormat;
  reasoning_effort?: string;
  stream: boolean;
  /** `stream_options.include_usage`. */
  include_usage: boolean;
}

// ---------------------------------------------------------------- Responses request (to the Codex backend)

export interface InputTextPart {
  type: 'input_text';
  text: string;
}

export interface InputImagePart {
  type: 'input_image';
  image_url: string;
  detail?: string;
}

export interface OutputTextPart {
  type: 'output_text';
  text: string;
}

export interface RefusalPart {
  type: 'refusal';
  refusal: string;
}

export type MessageContentPart = InputTextPart | InputImagePart | OutputTextPart | RefusalPart;

export interface MessageItem {
  type: 'message';
  role: 'user' | 'assistant' | 'developer';
  content: MessageContentPart[];
}

export interface FunctionCallItem {
  type: 'function_call';
  call_id: string;
  name: string;
  /** A string holding JSON, as the backend expects. */
  arguments: string;
}

/** What a tool output may hold instead of a plain string (the Codex CLI sends input_text lists). */
export type ToolOutputPart = InputTextPart | InputImagePart;

export interface FunctionCallOutputItem {
  type: 'function_call_output';
  call_id: string;
  output: string | ToolOutputPart[];
}

export interface CustomToolCallItem {
  type: 'custom_tool_call';
  call_id: string;
  name: string;
  /** Free-form text, not JSON: custom tools take raw input. */
  input: string;
}

export interface CustomToolCallOutputItem {
  type: 'custom_tool_call_output';
  call_id: string;
  output: string | ToolOutputPart[];
}

/** An earlier turn's reasoning, replayed by clients that keep `reasoning.encrypted_content`. */
export interface ReasoningItem {
  type: 'reasoning';
  summary: unknown[];
  encrypted_content?: string;
}

/** Responses-lite: the tool list travels as the first input item instead of top-level `tools`. */
export interface AdditionalToolsItem {
  type: 'additional_tools';
  role: 'developer';
  tools: ResponsesTool[];
}

/** Item kinds the backend takes without checks (server-side tool history, newer CLI variants), forwarded as-is. */
export interface PassthroughItem {
  type:
    | 'additional_tools'
    | 'web_search_call'
    | 'local_shell_call'
    | 'image_generation_call'
    | 'tool_search_call'
    | 'tool_search_output'
    | 'compaction'
    | 'agent_message';
  [key: string]: unknown;
}

export type ResponsesInputItem =
  | MessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | ReasoningItem
  | AdditionalToolsItem
  | PassthroughItem;

export interface FunctionTool {
  type: 'function';
  name: string;
  description: string;
  strict: boolean;
  parameters: JsonObject;
}

export interface NamespaceTool {
  type: 'namespace';
  name: string;
  description: string;
  tools: ResponsesTool[];
}

/** Custom, web_search and other tool kinds a /v1/responses client may send, forwarded as-is. */
export interface OtherTool {
  type: string;
  [key: string]: unknown;
}

export type ResponsesTool = FunctionTool | NamespaceTool | OtherTool;

export type ResponsesToolChoice = 'auto' | 'none' | 'required' | { type: string; [key: string]: unknown };

export type ResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; description?: string; schema: JsonObject; strict: boolean };

export interface ResponsesText {
  format?: ResponsesTextFormat;
  verbosity?: string;
}

export interface ResponsesReasoning {
  effort: string;
  summary: string;
  context?: 'all_turns';
}

export interface ResponsesRequest {
  model: string;
  /** Classic models only; responses-lite models take their instructions as developer input items. */
  instructions?: string;
  input: ResponsesInputItem[];
  /** Classic models only; responses-lite models get an `additional_tools` input item. */
  tools?: ResponsesTool[];
  tool_choice: ResponsesToolChoice;
  parallel_tool_calls: boolean;
  reasoning: ResponsesReasoning;
  store: false;
  stream: true;
  include: string[];
  service_tier?: 'priority';
  prompt_cache_key: string;
  text?: ResponsesText;
}

// ---------------------------------------------------------------- Chat Completions replies

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface ChatDelta {
  role?: 'assistant';
  content?: string;
  refusal?: string;
  reasoning_content?: string;
  tool_calls?: ChatToolCallDelta[];
}

export interface ChatChunkChoice {
  index: 0;
  delta: ChatDelta;
  logprobs: null;
  finish_reason: ChatFinishReason | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatChunkChoice[];
  /** Present (null until the last chunk) only when the client asked for `stream_options.include_usage`. */
  usage?: ChatUsage | null;
}

export interface ChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  tool_calls?: ChatToolCall[];
  reasoning_content?: string;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: 0; message: ChatCompletionMessage; logprobs: null; finish_reason: ChatFinishReason }>;
  usage: ChatUsage;
}
