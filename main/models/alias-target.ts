import { ALIASES, type AliasDefinition, type AliasOverride, type AliasOverrides, type Role } from './aliases.js';
import type { CatalogModel } from './catalog.js';
import { clampEffort, type ModelTarget } from './model-target.js';
import type { RoleModels } from './resolve-roles.js';

/** Where an alias's current routing came from: the live (or last good) catalog, the built-in table, or settings. */
export type AliasSource = 'catalog' | 'default' | 'override';

/** One served alias as shown in /v1/models, the startup card and the window. */
export interface ResolvedAlias {
  alias: string;
  role: Role;
  slug: string;
  effort: string;
  serviceTier?: 'priority';
  source: AliasSource;
  description: string;
  /** Why the routing differs from what the alias name promises (effort clamped, tier unavailable, …). */
  note?: string;
}

export interface AliasResolution {
  entry: ResolvedAlias;
  target: ModelTarget;
}

/** A slug pinned in settings that the catalog does not know: routed as a classic (non-lite) model. */
function unlistedModel(slug: string): CatalogModel {
  return {
    slug, displayName: slug, description: '', visibility: 'hide', priority: Number.MAX_SAFE_INTEGER, lite: false,
    efforts: [], supportsParallelToolCalls: false, serviceTiers: [], inputModalities: ['text'], availableInPlans: [],
  };
}

export interface ResolveContext {
  catalog: readonly CatalogModel[];
  roles: RoleModels;
  source: 'catalog' | 'default';
  overrides: AliasOverrides;
}

/** The user's explicit effort is sent as-is (the note only warns); the alias's own effort is clamped. */
function chooseEffort(definition: AliasDefinition, model: CatalogModel, override: AliasOverride | undefined, notes: string[]): string {
  if (override?.effort !== undefined) {
    if (model.efforts.length > 0 && !model.efforts.includes(override.effort)) notes.push(`${model.slug} does not list effort '${override.effort}'`);
    return override.effort;
  }
  const wanted = definition.effort ?? model.defaultEffort ?? 'medium';
  const effort = clampEffort(wanted, model.efforts);
  if (effort !== wanted) notes.push(`${model.slug} does not support effort '${wanted}'; using '${effort}'`);
  return effort;
}

/** Whether to ask for the priority tier: the user's pin wins; a -fast alias drops it when the model has none. */
function choosePriorityTier(definition: AliasDefinition, model: CatalogModel, override: AliasOverride | undefined, notes: string[]): boolean {
  const offered = model.serviceTiers.includes('priority');
  if (override?.serviceTier !== undefined) {
    const wanted = override.serviceTier === 'priority';
    if (wanted && !offered) notes.push(`${model.slug} does not list the priority tier`);
    return wanted;
  }
  if (definition.fast && !offered) notes.push(`${model.slug} has no priority (Fast) tier; using the default tier`);
  return definition.fast && offered;
}

/** One alias → its routing, or undefined for an optional alias its model cannot serve as named. */
function resolveAlias(definition: AliasDefinition, context: ResolveContext): AliasResolution | undefined {
  const pinned: AliasOverride | undefined = context.overrides[definition.alias];
  const override = pinned !== undefined && Object.values(pinned).some((value) => value !== undefined) ? pinned : undefined;
  const notes: string[] = [];

  let model = context.roles[definition.role];
  if (override?.slug !== undefined) {
    const listed = context.catalog.find((candidate) => candidate.slug === override.slug);
    if (listed === undefined) notes.push(`${override.slug} is not in the catalog; sent as a classic (non-lite) model`);
    model = listed ?? unlistedModel(override.slug);
  }

  if (definition.optional && override === undefined && !model.efforts.includes(definition.effort ?? '')) return undefined;

  const effort = chooseEffort(definition, model, override, notes);
  const priority = choosePriorityTier(definition, model, override, notes);

  const target: ModelTarget = {
    alias: definition.alias,
    slug: model.slug,
    effort,
    lite: model.lite,
    supportsParallelToolCalls: model.supportsParallelToolCalls,
    efforts: [...model.efforts],
    inputModalities: [...model.inputModalities],
  };
  const entry: ResolvedAlias = {
    alias: definition.alias,
    role: definition.role,
    slug: model.slug,
    effort,
    source: override !== undefined ? 'override' : context.source,
    description: `${definition.summary} (${model.displayName})`,
  };
  if (priority) target.serviceTier = entry.serviceTier = 'priority';
  if (notes.length > 0) entry.note = notes.join('; ');
  return { entry, target };
}

/** Every alias the bridge serves right now, in display order. Pure. */
export function resolveAliases(context: ResolveContext): AliasResolution[] {
  return ALIASES.flatMap((definition) => resolveAlias(definition, context) ?? []);
}
