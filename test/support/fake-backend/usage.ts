/**
 * Token accounting the fake reports in `response.completed.usage`.
 *
 * Estimate: one token per 4 characters of the serialized prompt (instructions, tools, then each input item as JSON).
 * Prompt cache, per `prompt_cache_key`: the characters this prompt shares as a prefix with the previous prompt under
 * the same key, /4 → tokens; like the real cache nothing is reported below 1024 tokens and hits count in 128-token
 * blocks (floor). Requests without a key never hit.
 */
import type { UsageNumbers, UsageOverride } from './types.js';

const CHARS_PER_TOKEN = 4;
const MIN_CACHED_TOKENS = 1024;
const CACHE_BLOCK_TOKENS = 128;

export function serializePrompt(body: Record<string, unknown>): string {
  const input = Array.isArray(body.input) ? body.input : [];
  const instructions = typeof body.instructions === 'string' ? body.instructions : '';
  return [instructions, JSON.stringify(body.tools ?? []), ...input.map((item) => JSON.stringify(item))].join('\n');
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export class PromptCache {
  private readonly lastPromptByKey = new Map<string, string>();

  /** Cached tokens for `prompt`, then remembers it as the key's latest prompt. */
  lookup(key: unknown, prompt: string): number {
    if (typeof key !== 'string' || key === '') return 0;
    const previous = this.lastPromptByKey.get(key);
    this.lastPromptByKey.set(key, prompt);
    if (previous === undefined) return 0;
    const sharedTokens = Math.floor(commonPrefixLength(previous, prompt) / CHARS_PER_TOKEN);
    if (sharedTokens < MIN_CACHED_TOKENS) return 0;
    return Math.floor(sharedTokens / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS;
  }

  clear(): void {
    this.lastPromptByKey.clear();
  }
}

export function buildUsage(
  prompt: { inputTokens: number; cachedTokens: number },
  output: { visibleChars: number; reasoningChars: number },
  override: UsageOverride = {},
): UsageNumbers {
  const reasoningTokens = Math.ceil(output.reasoningChars / CHARS_PER_TOKEN);
  const outputTokens = Math.ceil(output.visibleChars / CHARS_PER_TOKEN) + reasoningTokens;
  const usage: UsageNumbers = {
    input_tokens: prompt.inputTokens,
    input_tokens_details: { cached_tokens: prompt.cachedTokens },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: prompt.inputTokens + outputTokens,
  };
  const merged = { ...usage, ...override };
  // Keep the total consistent unless the override sets it explicitly.
  if (override.total_tokens === undefined) merged.total_tokens = merged.input_tokens + merged.output_tokens;
  return merged;
}

function commonPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
