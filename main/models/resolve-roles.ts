import type { Role } from './aliases.js';
import type { CatalogModel } from './catalog.js';

/** The catalog model chosen for each alias role. */
export type RoleModels = Record<Role, CatalogModel>;

/**
 * How a role is recognised, most telling phrase first. The catalog describes its models in plain words
 * ("Our most capable model…", "Fast, go-to model for coding and everyday work", "Fast and affordable model for
 * easier tasks"); slugs are never matched by name. A bare "fast" is deliberately not an everyday keyword: the
 * catalog also calls its cheapest models fast.
 */
const ROLE_KEYWORDS: Record<Role, readonly string[]> = {
  mostCapable: ['most capable', 'frontier', 'complex'],
  everyday: ['go-to', 'everyday', 'daily driver'],
  coding: ['codex', 'coding'],
  cheapest: ['affordable', 'cheap', 'cheapest', 'easier tasks', 'simpler tasks', 'mini'],
};

/** A superseded model: it still works, but a newer one of its kind is preferred. */
function isDemoted(model: CatalogModel): boolean {
  return model.upgradeTo !== undefined || /\b(legacy|previous generation|deprecated)\b/i.test(model.description);
}

function mentions(model: CatalogModel, keyword: string): boolean {
  const haystack = `${model.slug} ${model.displayName} ${model.description}`.toLowerCase();
  return new RegExp(`(^|[^a-z0-9])${keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`).test(haystack);
}

/**
 * The models an alias may use, best first: only user-visible (`visibility: list`), general-purpose (no
 * `model_specialty`) models, available in the account's plan when both are known; current models before demoted
 * ones, then by catalog priority. If the plan filter would leave nothing (e.g. a plan name the catalog does not
 * use yet), the plan is ignored rather than serving nothing.
 */
function candidates(models: readonly CatalogModel[], planType: string | undefined): CatalogModel[] {
  const listed = models.filter((model) => model.visibility === 'list' && model.specialty === undefined);
  const inPlan = planType === undefined
    ? listed
    : listed.filter((model) => model.availableInPlans.length === 0 || model.availableInPlans.includes(planType));
  const pool = inPlan.length > 0 ? inPlan : listed;
  return [...pool].sort(
    (a, b) => Number(isDemoted(a)) - Number(isDemoted(b)) || a.priority - b.priority || a.slug.localeCompare(b.slug),
  );
}

/**
 * The rule: among current models, the first (by priority) that mentions the role's first keyword, else its
 * second keyword, …; if no current model matches, the same search over demoted models; if nothing matches at
 * all, `fallback`. A current model therefore always beats a legacy one with a better-matching description, and
 * a legacy model still beats a mismatched current one.
 */
function pick(pool: readonly CatalogModel[], role: Role, fallback: CatalogModel): CatalogModel {
  const groups = [pool.filter((model) => !isDemoted(model)), pool.filter(isDemoted)];
  for (const group of groups) {
    for (const keyword of ROLE_KEYWORDS[role]) {
      const match = group.find((model) => mentions(model, keyword));
      if (match !== undefined) return match;
    }
  }
  return fallback;
}

/**
 * Picks the catalog model for every role. Pure. Roles without a matching description fall back to the
 * catalog's default model (the best candidate), except coding, which falls back to the everyday model.
 * Throws when the catalog has no user-visible general-purpose model at all, which the registry treats like an
 * unreachable catalog.
 */
export function resolveRoles(models: readonly CatalogModel[], planType?: string): RoleModels {
  const pool = candidates(models, planType);
  const defaultModel = pool[0];
  if (defaultModel === undefined) throw new Error('The model catalog lists no user-visible general-purpose model');
  const everyday = pick(pool, 'everyday', defaultModel);
  return {
    mostCapable: pick(pool, 'mostCapable', defaultModel),
    everyday,
    coding: pick(pool, 'coding', everyday),
    cheapest: pick(pool, 'cheapest', defaultModel),
  };
}
