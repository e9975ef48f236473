/**
 * The bridge's model namespace. Clients never name an upstream slug: they pick a `bridge-*` alias, and each alias
 * is a ROLE (which kind of model) + an effort + a tier, resolved against the live catalog (see resolve-roles.ts).
 * That keeps client configurations (e.g. Cursor's custom model list) valid while the backend's slugs drift.
 *
 * The nine core aliases are always served. The catalog's extra-deep efforts (`max`, `ultra`) get their own
 * optional aliases, `bridge-pro-max` and `bridge-pro-ultra`, which exist only while the most capable model
 * supports that effort exactly: clamping them down would silently make them duplicates of `bridge-pro-xhigh`.
 */
export type Role = 'mostCapable' | 'everyday' | 'coding' | 'cheapest';

export interface AliasDefinition {
  alias: string;
  role: Role;
  /** The effort sent when the client sends none; `null` = the chosen model's own default effort. */
  effort: string | null;
  /** Ask for the `priority` service tier (the catalog's "Fast" tier). */
  fast: boolean;
  /** Served only when the role's model supports `effort` itself (never clamped). */
  optional: boolean;
  /** What the alias is for, shown in /v1/models, the startup card and the window. */
  summary: string;
}

function pro(effort: string, fast: boolean, optional = false): AliasDefinition {
  const alias = `bridge-pro-${effort}${fast ? '-fast' : ''}`;
  const summary = `Most capable model, ${effort} reasoning${fast ? ', Fast (priority) tier' : ''}`;
  return { alias, role: 'mostCapable', effort, fast, optional, summary };
}

export const ALIASES: readonly AliasDefinition[] = [
  pro('medium', false),
  pro('high', false),
  pro('xhigh', false),
  pro('medium', true),
  pro('high', true),
  pro('xhigh', true),
  { alias: 'bridge-fast', role: 'everyday', effort: null, fast: false, optional: false, summary: 'Fast everyday model at its default reasoning effort' },
  // Medium rather than the model's default: coding agents gain more from reasoning than chat does.
  { alias: 'bridge-codex', role: 'coding', effort: 'medium', fast: false, optional: false, summary: 'Coding model, medium reasoning' },
  { alias: 'bridge-mini', role: 'cheapest', effort: 'low', fast: false, optional: false, summary: 'Cheapest and fastest model, low reasoning' },
  pro('max', false, true),
  pro('ultra', false, true),
];

/** Every alias name, core and optional, in display order. */
export const ALIAS_NAMES: readonly string[] = ALIASES.map((definition) => definition.alias);

export function aliasDefinition(name: string): AliasDefinition | undefined {
  return ALIASES.find((definition) => definition.alias === name);
}

/** A user's pin for one alias (settings.json `modelOverrides`): any field given replaces the resolved value. */
export interface AliasOverride {
  slug?: string;
  effort?: string;
  /** `default` drops the priority tier from a -fast alias; `priority` adds it to any alias. */
  serviceTier?: 'priority' | 'default';
}

export type AliasOverrides = Record<string, AliasOverride>;
