/**
 * Claude model names → bridge aliases, for the Anthropic Messages front-end. Claude Code names its main model,
 * subagents and background requests with Claude names (`claude-opus-…`, `claude-sonnet-…`, `claude-haiku-…`) unless
 * told otherwise; each family routes to one bridge alias, changeable in settings (`claudeModels`), so Claude Code
 * needs no model variables to run on the bridge.
 */
import type { ResolvedAlias } from './alias-target.js';

export const CLAUDE_FAMILIES = ['opus', 'sonnet', 'haiku'] as const;
export type ClaudeFamily = (typeof CLAUDE_FAMILIES)[number];
export type ClaudeModelMap = Record<ClaudeFamily, string>;

export const DEFAULT_CLAUDE_MODELS: Readonly<ClaudeModelMap> = Object.freeze({
  opus: 'bridge-pro-high',
  sonnet: 'bridge-codex',
  haiku: 'bridge-mini',
});

/** The defaults with the user's pins (settings `claudeModels`) applied. */
export function claudeModelMap(pins: Partial<ClaudeModelMap> | undefined): ClaudeModelMap {
  return { ...DEFAULT_CLAUDE_MODELS, ...pins };
}

/** `claude-opus-4-1`, `claude-sonnet-4-5-20250929`, the older `claude-3-5-haiku-latest` → the family, else undefined. */
export function claudeFamily(model: string): ClaudeFamily | undefined {
  const match = /^claude-(?:[\d.-]+-)?(opus|sonnet|haiku)(?:[-@[].*)?$/i.exec(model.trim());
  return match ? (match[1]!.toLowerCase() as ClaudeFamily) : undefined;
}

/** The bridge alias a Claude model name routes to, or undefined for a name of no Claude family. */
export function claudeAlias(model: string, map: ClaudeModelMap): string | undefined {
  const family = claudeFamily(model);
  return family === undefined ? undefined : map[family];
}

/** How the accepted Claude names route, for error messages and listings: `claude-opus-… → bridge-pro-high`. */
export function describeClaudeModels(map: ClaudeModelMap): string {
  return CLAUDE_FAMILIES.map((family) => `claude-${family}-… → ${map[family]}`).join(', ');
}

/** The Claude families as /v1/models rows (`claude-opus` → the alias's routing), for the aliases currently served. */
export function claudeListings(map: ClaudeModelMap, served: readonly ResolvedAlias[]): ResolvedAlias[] {
  return CLAUDE_FAMILIES.flatMap((family) => {
    const target = served.find((entry) => entry.alias === map[family]);
    if (target === undefined) return [];
    return [{ ...target, alias: `claude-${family}`, description: `Claude Code's claude-${family}-… models → ${target.alias}` }];
  });
}
