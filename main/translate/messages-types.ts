/** The Anthropic Messages API on both sides of the bridge: the request as validated, and the events and message sent back. */
import type { JsonObject } from './json.js';

// ---------------------------------------------------------------- request (validated)

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
}

/** Base64 or URL images, already turned into the URL the backend takes (`data:image/png;base64,…` or http(s)). */
export interface AnthropicImageBlock {
  type: 'image';
  url: string;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: JsonObject;
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: Array<AnthropicTextBlock | AnthropicImageBlock>;
  is_error: boolean;
}

export type AnthropicUserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolResultBlock;
export type AnthropicAssistantBlock = AnthropicTextBlock | AnthropicToolUseBlock;

/** Claude Code also sends `system` turns inside `messages` (mid-conversation instructions). */
export type AnthropicTurn =
  | { role: 'user'; content: AnthropicUserBlock[] }
  | { role: 'assistant'; content: AnthropicAssistantBlock[] }
  | { role: 'system'; content: string[] };

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: JsonObject;
}

export type AnthropicToolChoice = { type: 'auto' | 'any' | 'none' } | { type: 'tool'; name: string };

export type AnthropicThinking = { type: 'enabled'; budget_tokens: number } | { type: 'adaptive' } | { type: 'disabled' };

export interface MessagesRequest {
  model?: string;
  system: string[];
  messages: AnthropicTurn[];
  tools: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  /** `tool_choice.disable_parallel_tool_use`. */
  disable_parallel_tool_use?: boolean;
  thinking?: AnthropicThinking;
  /** `output_config.effort`. */
  effort?: string;
  /** `output_config.format` (json_schema). */
  json_schema?: JsonObject;
  stream: boolean;
}

// ---------------------------------------------------------------- answer

export type AnthropicStopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal';

export interface AnthropicUsage {
  /** Input tokens not read from the prompt cache (Anthropic counts cached ones apart). */
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: null;
  usage: AnthropicUsage;
}

export type AnthropicDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: 'input_json_delta'; partial_json: string };

export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicMessage }
  | { type: 'content_block_start'; index: number; content_block: AnthropicContentBlock }
  | { type: 'content_block_delta'; index: number; delta: AnthropicDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: AnthropicStopReason; stop_sequence: null }; usage: AnthropicUsage }
  | { type: 'message_stop' }
  | { type: 'ping' };
