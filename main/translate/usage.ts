/** Responses `usage` → Chat Completions `usage`. */
import { isRecord } from './json.js';
import type { ChatUsage } from './types.js';

export function mapUsage(usage: unknown): ChatUsage {
  const source = isRecord(usage) ? usage : {};
  const input = count(source.input_tokens);
  const output = count(source.output_tokens);
  const inputDetails = isRecord(source.input_tokens_details) ? source.input_tokens_details : {};
  const outputDetails = isRecord(source.output_tokens_details) ? source.output_tokens_details : {};
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: typeof source.total_tokens === 'number' ? source.total_tokens : input + output,
    prompt_tokens_details: { cached_tokens: count(inputDetails.cached_tokens) },
    completion_tokens_details: { reasoning_tokens: count(outputDetails.reasoning_tokens) },
  };
}

/** Token counts are optional and may be null upstream (spec §5.2). */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
