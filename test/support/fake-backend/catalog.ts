/** The model catalog the fake serves on GET /codex/models and validates `model` against. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const DEFAULT_CATALOG_URL = new URL('../../fixtures/codex-cli/models-catalog-0.171.0.json', import.meta.url);

export interface CatalogModel {
  slug: string;
  lite: boolean;
  efforts: string[];
  serviceTiers: string[];
  /** undefined = available to every plan. */
  plans: string[] | undefined;
}

export class ModelCatalog {
  readonly body: string;
  readonly etag: string;
  private readonly bySlug = new Map<string, CatalogModel>();

  constructor(catalog: { models: Record<string, unknown>[] } = loadDefaultCatalog()) {
    this.body = JSON.stringify(catalog);
    this.etag = `W/"${createHash('sha256').update(this.body).digest('hex').slice(0, 16)}"`;
    for (const raw of catalog.models) {
      const model = toModel(raw);
      if (model) this.bySlug.set(model.slug, model);
    }
  }

  /** The model when it exists and the plan may use it (what the real backend checks before serving). */
  availableModel(slug: string, plan: string): CatalogModel | undefined {
    const model = this.bySlug.get(slug);
    return model && (!model.plans || model.plans.includes(plan)) ? model : undefined;
  }
}

function loadDefaultCatalog(): { models: Record<string, unknown>[] } {
  return JSON.parse(readFileSync(DEFAULT_CATALOG_URL, 'utf8')) as { models: Record<string, unknown>[] };
}

function toModel(raw: Record<string, unknown>): CatalogModel | undefined {
  if (typeof raw.slug !== 'string') return undefined;
  return {
    slug: raw.slug,
    lite: raw.use_responses_lite === true,
    efforts: idsOf(raw.supported_reasoning_levels, 'effort'),
    serviceTiers: idsOf(raw.service_tiers, 'id'),
    plans: Array.isArray(raw.available_in_plans) ? raw.available_in_plans.filter((p) => typeof p === 'string') : undefined,
  };
}

function idsOf(list: unknown, key: string): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const value = (entry as Record<string, unknown> | null)?.[key];
    return typeof value === 'string' ? [value] : [];
  });
}
