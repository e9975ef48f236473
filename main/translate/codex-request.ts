/**
 * The last step shared by both request translators: place instructions and tools the way the target model's
 * request format wants them (classic vs responses-lite, spec §4.5 and captures 01–03) and add the fields the
 * Codex backend insists on (store:false, stream:true, encrypted reasoning, §4.6).
 */
import { invalidRequest } from '../errors/api-error.js';
import { clampEffort, EFFORT_ORDER, type ModelTarget } from '../models/model-target.js';
import { additionalToolsItem } from './tools.js';
import type {
  MessageItem,
  ResponsesInputItem,
  ResponsesRequest,
  ResponsesText,
  ResponsesTool,
  ResponsesToolChoice,
} from './types.js';

/** Classic models reject a request without instructions; used when the client sent no system prompt. */
export const DEFAULT_INSTRUCTIONS = 'You are a helpful assistant.';

/** System/developer text whose placement depends on the model: top-level for classic, an input item for lite. */
export class Instruction {
  constructor(readonly texts: string[]) {}
}

export interface RequestDraft {
  input: Array<ResponsesInputItem | Instruction>;
  tools: ResponsesTool[];
  toolChoice?: ResponsesToolChoice;
  parallelToolCalls?: boolean;
  /** Already checked with resolveEffort. */
  effort: string;
  summary?: string;
  text?: ResponsesText;
}

export interface RequestOptions {
  promptCacheKey: string;
}

/**
 * The client's effort, moved to the nearest one the target supports (clients send 'minimal' or 'none' for their
 * lightest setting, which current models lack); the target's default when none is sent. Only a value that is no
 * effort at all is refused; `param` names the field for that error.
 */
export function resolveEffort(effort: string | undefined, target: ModelTarget, param: string): string {
  if (effort === undefined) return target.effort;
  if (target.efforts.includes(effort)) return effort;
  if (EFFORT_ORDER.includes(effort)) return clampEffort(effort, target.efforts);
  throw invalidRequest(
    `Unknown reasoning effort '${effort}'. Use one of: ${EFFORT_ORDER.join(', ')} (model '${target.alias}' supports ${target.efforts.join(', ') || 'none'}).`,
    param,
    'unsupported_value',
  );
}

export function finalizeRequest(draft: RequestDraft, target: ModelTarget, opts: RequestOptions): ResponsesRequest {
  const instructionTexts: string[] = [];
  const input: ResponsesInputItem[] = [];
  for (const entry of draft.input) {
    if (!(entry instanceof Instruction)) {
      input.push(entry);
      continue;
    }
    const texts = entry.texts.filter((text) => text.trim() !== '');
    if (!target.lite) instructionTexts.push(...texts);
    else if (texts.length > 0) input.push(developerMessage(texts));
  }
  const hasTools = draft.tools.length > 0;
  const request: ResponsesRequest = {
    model: target.slug,
    ...(target.lite ? {} : { instructions: instructionTexts.join('\n\n') || DEFAULT_INSTRUCTIONS }),
    input: target.lite && hasTools ? [additionalToolsItem(draft.tools), ...input] : input,
    ...(!target.lite && hasTools ? { tools: draft.tools } : {}),
    tool_choice: draft.toolChoice ?? 'auto',
    parallel_tool_calls: draft.parallelToolCalls ?? (target.lite ? false : target.supportsParallelToolCalls),
    reasoning: {
      effort: draft.effort,
      summary: draft.summary ?? 'auto',
      ...(target.lite ? { context: 'all_turns' as const } : {}),
    },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    ...(target.serviceTier ? { service_tier: target.serviceTier } : {}),
    prompt_cache_key: opts.promptCacheKey,
    ...(draft.text ? { text: draft.text } : {}),
  };
  return request;
}

function developerMessage(texts: string[]): MessageItem {
  return { type: 'message', role: 'developer', content: texts.map((text) => ({ type: 'input_text', text })) };
}
