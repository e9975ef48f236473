/**
 * Chat Completions request → Responses request for the Codex backend. Validation (tool-call pairing included)
 * lives in chat-validate.ts;
 * this file maps the validated messages to input items and hands placement to codex-request.ts.
 */
import { invalidRequest } from '../errors/api-error.js';
import type { ModelTarget } from '../models/model-target.js';
import { parseChatRequest } from './chat-validate.js';
import { finalizeRequest, Instruction, resolveEffort, type RequestDraft, type RequestOptions } from './codex-request.js';
import { present } from './fields.js';
import { isRecord } from './json.js';
import { flatFunctionTool } from './tools.js';
import type {
  ChatMessage,
  ChatResponseFormat,
  ChatToolChoice,
  MessageContentPart,
  ResponsesInputItem,
  ResponsesRequest,
  ResponsesTextFormat,
  ResponsesToolChoice,
} from './types.js';

/**
 * Cursor's agent mode posts Responses-shaped bodies (`input`, no `messages`) to /v1/chat/completions;
 * the server routes those through normalizeResponsesRequest instead.
 */
export function isResponsesShaped(body: unknown): boolean {
  return isRecord(body) && !present(body.messages) && present(body.input);
}

export function chatToResponsesRequest(body: unknown, target: ModelTarget, opts: RequestOptions): ResponsesRequest {
  const request = parseChatRequest(body);
  const draft: RequestDraft = {
    input: messagesToInput(request.messages, target),
    tools: request.tools.map(flatFunctionTool),
    effort: resolveEffort(request.reasoning_effort, target, 'reasoning_effort'),
  };
  if (request.tool_choice !== undefined) draft.toolChoice = toolChoice(request.tool_choice);
  if (request.parallel_tool_calls !== undefined) draft.parallelToolCalls = request.parallel_tool_calls;
  const format = textFormat(request.response_format);
  if (format !== undefined) draft.text = { format };
  return finalizeRequest(draft, target, opts);
}

function messagesToInput(messages: ChatMessage[], target: ModelTarget): Array<ResponsesInputItem | Instruction> {
  const input: Array<ResponsesInputItem | Instruction> = [];
  messages.forEach((message, i) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        input.push(new Instruction(message.content.map((part) => part.text)));
        return;
      case 'user':
        input.push({
          type: 'message',
          role: 'user',
          content: message.content.map((part, j): MessageContentPart => {
            if (part.type === 'text') return { type: 'input_text', text: part.text };
            if (!target.inputModalities.includes('image')) {
              throw invalidRequest(
                `Model '${target.alias}' does not accept image input.`,
                `messages[${i}].content[${j}]`,
                'unsupported_modality',
              );
            }
            const { url, detail } = part.image_url;
            return detail === undefined ? { type: 'input_image', image_url: url } : { type: 'input_image', image_url: url, detail };
          }),
        });
        return;
      case 'assistant': {
        const content = message.content
          .map((part): MessageContentPart =>
            part.type === 'text' ? { type: 'output_text', text: part.text } : { type: 'refusal', refusal: part.refusal },
          )
          .filter((part) => (part.type === 'output_text' ? part.text !== '' : true));
        if (content.length > 0) input.push({ type: 'message', role: 'assistant', content });
        for (const call of message.tool_calls) {
          input.push({ type: 'function_call', call_id: call.id, name: call.function.name, arguments: call.function.arguments });
        }
        return;
      }
      case 'tool':
        input.push({
          type: 'function_call_output',
          call_id: message.tool_call_id,
          output: message.content.map((part) => part.text).join('\n'),
        });
        return;
    }
  });
  return input;
}

function toolChoice(choice: ChatToolChoice): ResponsesToolChoice {
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.function.name };
}

function textFormat(format: ChatResponseFormat | undefined): ResponsesTextFormat | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  const { name, description, schema, strict } = format.json_schema;
  return {
    type: 'json_schema',
    name,
    ...(description === undefined ? {} : { description }),
    schema,
    strict: strict ?? false,
  };
}
