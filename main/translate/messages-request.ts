/**
 * Anthropic Messages request → Responses request for the Codex backend (validation in messages-validate.ts,
 * placement of instructions and tools in codex-request.ts).
 *
 * - `system` (string or blocks) becomes the instructions: top-level for classic models, a developer item for lite
 *   ones, never a `system` role item (the backend refuses it). `system` turns inside `messages` (Claude Code sends
 *   them mid-conversation) become developer items where they stand, so the prompt prefix stays stable for the cache.
 * - Reasoning effort: `output_config.effort` when sent; else `thinking.budget_tokens` < 8 000 → low, < 16 000 →
 *   medium, < 32 000 → high, more → xhigh; `thinking.type: 'disabled'` → the lightest effort the model has;
 *   otherwise the alias's effort. Every value is moved to the nearest one the model supports.
 */
import { invalidRequest } from '../errors/api-error.js';
import { finalizeRequest, Instruction, resolveEffort, type RequestDraft, type RequestOptions } from './codex-request.js';
import { parseMessagesRequest } from './messages-validate.js';
import type { AnthropicImageBlock, AnthropicTextBlock, AnthropicThinking, AnthropicToolChoice, AnthropicTurn, MessagesRequest } from './messages-types.js';
import type { ModelTarget } from '../models/model-target.js';
import type { MessageContentPart, ResponsesInputItem, ResponsesRequest, ResponsesToolChoice, ToolOutputPart } from './types.js';

/** Claude Code's first system block is billing metadata for Anthropic's API, not an instruction for the model. */
const BILLING_HEADER = 'x-anthropic-billing-header:';

export interface MessagesTranslation {
  request: MessagesRequest;
  upstream: ResponsesRequest;
}

export function messagesToResponsesRequest(body: unknown, target: ModelTarget, opts: RequestOptions): MessagesTranslation {
  const request = parseMessagesRequest(body);
  const input = turnsToInput(request.messages, target);
  // Empty text blocks are left out; a conversation left with nothing to answer would be refused upstream.
  if (!input.some((item) => item.type !== 'message' || item.role !== 'developer')) {
    throw invalidRequest("Invalid 'messages': no user or assistant message has any content.", 'messages');
  }
  const draft: RequestDraft = {
    input: [new Instruction(request.system.filter((text) => !text.startsWith(BILLING_HEADER))), ...input],
    tools: request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description ?? '',
      strict: false,
      parameters: tool.input_schema,
    })),
    effort: messagesEffort(request, target),
  };
  if (request.tool_choice !== undefined) draft.toolChoice = toolChoice(request.tool_choice);
  if (request.disable_parallel_tool_use === true) draft.parallelToolCalls = false;
  if (request.json_schema !== undefined) draft.text = { format: { type: 'json_schema', name: 'output', schema: request.json_schema, strict: false } };
  return { request, upstream: finalizeRequest(draft, target, opts) };
}

/** The thinking budget → effort steps documented above. */
export function effortForBudget(budgetTokens: number): string {
  if (budgetTokens < 8_000) return 'low';
  if (budgetTokens < 16_000) return 'medium';
  if (budgetTokens < 32_000) return 'high';
  return 'xhigh';
}

function messagesEffort(request: MessagesRequest, target: ModelTarget): string {
  if (request.effort !== undefined) return resolveEffort(request.effort, target, 'output_config.effort');
  return resolveEffort(thinkingEffort(request.thinking), target, 'thinking');
}

function thinkingEffort(thinking: AnthropicThinking | undefined): string | undefined {
  if (thinking?.type === 'enabled') return effortForBudget(thinking.budget_tokens);
  return thinking?.type === 'disabled' ? 'minimal' : undefined;
}

function turnsToInput(turns: AnthropicTurn[], target: ModelTarget): ResponsesInputItem[] {
  const input: ResponsesInputItem[] = [];
  turns.forEach((turn, i) => {
    const param = `messages[${i}].content`;
    if (turn.role === 'system') {
      const texts = turn.content.filter((text) => text.trim() !== '');
      if (texts.length > 0) input.push({ type: 'message', role: 'developer', content: texts.map((text) => ({ type: 'input_text', text })) });
      return;
    }
    // Consecutive text/image blocks form one message; tool calls and results become their own items, in order.
    let parts: MessageContentPart[] = [];
    const flush = (): void => {
      if (parts.length > 0) input.push({ type: 'message', role: turn.role, content: parts });
      parts = [];
    };
    turn.content.forEach((block, j) => {
      switch (block.type) {
        case 'text':
          if (block.text !== '') parts.push(turn.role === 'user' ? { type: 'input_text', text: block.text } : { type: 'output_text', text: block.text });
          return;
        case 'image':
          parts.push(imagePart(block, target, `${param}[${j}]`));
          return;
        case 'tool_use':
          flush();
          input.push({ type: 'function_call', call_id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
          return;
        case 'tool_result':
          flush();
          input.push({ type: 'function_call_output', call_id: block.tool_use_id, output: toolOutput(block.content, block.is_error, target, `${param}[${j}].content`) });
          return;
      }
    });
    flush();
  });
  return input;
}

function imagePart(block: AnthropicImageBlock, target: ModelTarget, param: string): ToolOutputPart {
  if (!target.inputModalities.includes('image')) {
    throw invalidRequest(`Model '${target.alias}' does not accept image input.`, param, 'unsupported_modality');
  }
  return { type: 'input_image', image_url: block.url };
}

/** Text-only results travel as a string, results with images as parts; an error result says so, the backend has no flag. */
function toolOutput(content: Array<AnthropicTextBlock | AnthropicImageBlock>, isError: boolean, target: ModelTarget, param: string): string | ToolOutputPart[] {
  const prefix = isError ? 'Error: ' : '';
  if (content.every((block) => block.type === 'text')) return prefix + content.map((block) => block.text).join('\n');
  const parts = content.map((block, j): ToolOutputPart => (block.type === 'text' ? { type: 'input_text', text: block.text } : imagePart(block, target, `${param}[${j}]`)));
  return isError ? [{ type: 'input_text', text: 'Error:' }, ...parts] : parts;
}

function toolChoice(choice: AnthropicToolChoice): ResponsesToolChoice {
  if (choice.type === 'tool') return { type: 'function', name: choice.name };
  return choice.type === 'any' ? 'required' : choice.type;
}
