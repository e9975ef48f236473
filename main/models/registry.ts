import type { CatalogState } from '../../shared/bridge-api.js';
import { ApiError } from '../errors/api-error.js';
import { resolveAliases, type AliasResolution, type ResolvedAlias } from './alias-target.js';
import { aliasDefinition, type AliasOverrides } from './aliases.js';
import type { CatalogModel } from './catalog.js';
import { DEFAULT_CATALOG } from './default-catalog.js';
import type { ModelTarget } from './model-target.js';
import { resolveRoles } from './resolve-roles.js';

/**
 * `live`: the latest fetch succeeded. `cached`: the latest fetch failed, the last good catalog is served.
 * `default`: no fetch has succeeded yet, the built-in table is served.
 */
export type { CatalogState };

export interface CatalogStatus {
  state: CatalogState;
  /** When the catalog being served was fetched (ms, from `now`); null for the built-in table. */
  fetchedAt: number | null;
  /** The latest fetch failure, cleared by the next success. */
  lastError: string | null;
  models: number;
}

export interface ModelRegistry {
  /** A `bridge-*` alias → where to route it. Throws ApiError 400 `model_not_found` for any other name. */
  resolve(model: string): Promise<ModelTarget>;
  /** Every alias served right now, for /v1/models, the startup card and the window. */
  list(): Promise<ResolvedAlias[]>;
  catalogStatus(): CatalogStatus;
  /** Fetches the catalog now (joining a fetch already under way). */
  refresh(): Promise<CatalogStatus>;
}

export interface ModelRegistryOptions {
  /** Fetches and parses `GET {base}/codex/models` (the upstream client does the HTTP). */
  fetchCatalog: () => Promise<CatalogModel[]>;
  /** The user's pins from settings.json, read on every resolution so edits apply without a restart. */
  overrides?: () => AliasOverrides;
  /** How long a fetched catalog is trusted (the Codex CLI's own cache TTL is 300 s). */
  ttlMs?: number;
  /** After a failed fetch, how long to serve the fallback before trying again (so a dead endpoint costs one try, not one per request). */
  failureRetryMs?: number;
  now?: () => number;
  /** The account's plan (JWT `chatgpt_plan_type`), to skip models it cannot use. */
  planType?: () => string | undefined;
}

/** One shared empty value, so "no overrides" keeps hitting the memo below. */
export const NO_OVERRIDES: AliasOverrides = Object.freeze({});

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createModelRegistry(opts: ModelRegistryOptions): ModelRegistry {
  const ttlMs = opts.ttlMs ?? 300_000;
  const failureRetryMs = opts.failureRetryMs ?? Math.min(ttlMs, 30_000);
  const now = opts.now ?? Date.now;

  let good: { models: CatalogModel[]; fetchedAt: number } | undefined;
  let lastAttemptAt: number | undefined;
  let lastError: string | null = null;
  let inFlight: Promise<void> | undefined;

  async function fetchOnce(): Promise<void> {
    try {
      const models = await opts.fetchCatalog();
      resolveRoles(models); // a catalog no alias could use is as good as no catalog
      good = { models, fetchedAt: now() };
      lastError = null;
    } catch (error) {
      lastError = errorMessage(error);
    } finally {
      lastAttemptAt = now();
    }
  }

  function isStale(): boolean {
    if (lastAttemptAt === undefined) return true;
    return now() - lastAttemptAt >= (lastError === null ? ttlMs : failureRetryMs);
  }

  /** Refetches when stale (or forced); every caller during a fetch awaits that same fetch. */
  function load(force: boolean): Promise<void> {
    if (inFlight !== undefined) return inFlight;
    if (!force && !isStale()) return Promise.resolve();
    inFlight = fetchOnce().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  // Resolution runs on every request; it only changes with the catalog, the plan or the user's overrides.
  let memo: { catalog: readonly CatalogModel[]; plan: string | undefined; overrides: AliasOverrides; resolved: AliasResolution[] } | undefined;

  async function current(): Promise<AliasResolution[]> {
    // Only the very first requests wait for the catalog; later ones are served from the one held while a stale
    // catalog is refreshed in the background (a slow catalog endpoint must not stall every request behind it).
    if (good === undefined) await load(false);
    else void load(false);
    const catalog = good?.models ?? DEFAULT_CATALOG;
    const plan = opts.planType?.();
    const overrides = opts.overrides?.() ?? NO_OVERRIDES;
    if (memo?.catalog === catalog && memo.plan === plan && memo.overrides === overrides) return memo.resolved;
    const resolved = resolveAliases({ catalog, roles: resolveRoles(catalog, plan), source: good !== undefined ? 'catalog' : 'default', overrides });
    memo = { catalog, plan, overrides, resolved };
    return resolved;
  }

  function catalogStatus(): CatalogStatus {
    if (good === undefined) return { state: 'default', fetchedAt: null, lastError, models: DEFAULT_CATALOG.length };
    return { state: lastError === null ? 'live' : 'cached', fetchedAt: good.fetchedAt, lastError, models: good.models.length };
  }

  return {
    async resolve(model) {
      const served = await current();
      const found = served.find((resolution) => resolution.entry.alias === model);
      if (found !== undefined) return found.target;
      const names = served.map((resolution) => resolution.entry.alias).join(', ');
      const definition = aliasDefinition(model);
      const message = definition === undefined
        ? `Unknown model '${model}'. This bridge serves only its aliases: ${names}.`
        : `Model '${model}' is not available right now: the current model for it does not support '${definition.effort}' reasoning. This bridge serves: ${names}.`;
      throw new ApiError(400, message, { type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
    },
    async list() {
      return (await current()).map((resolution) => resolution.entry);
    },
    catalogStatus,
    async refresh() {
      await load(true);
      return catalogStatus();
    },
  };
}
