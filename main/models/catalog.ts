/**
 * The model catalog the Codex backend serves at `GET {base}/codex/models?client_version=…` as
 * `{"models":[ModelInfo…]}`, reduced to the fields the bridge uses. The upstream client fetches the JSON and
 * hands it to `parseCatalog`; the catalog drifts often, so parsing is defensive: a malformed entry is skipped,
 * never fatal, and a missing optional field gets a conservative default.
 */
import { isRecord } from '../json.js';
export interface CatalogModel {
  slug: string;
  displayName: string;
  description: string;
  /** `list` models are offered to users; `hide` ones are internal or retired. */
  visibility: string;
  /** Lower = preferred (the lowest visible one is the CLI's default model). */
  priority: number;
  /** `use_responses_lite`: the request goes out in the lite shape (developer-item instructions, no top-level tools). */
  lite: boolean;
  defaultEffort?: string;
  efforts: string[];
  supportsParallelToolCalls: boolean;
  /** Service tier ids, e.g. `priority` (shown as "Fast"). */
  serviceTiers: string[];
  inputModalities: string[];
  /** Empty when the catalog does not say: then the model counts as available in every plan. */
  availableInPlans: string[];
  contextWindow?: number;
  /** Set for specialist variants (e.g. `cyber`), which never back a general-purpose alias. */
  specialty?: string;
  /** The slug the catalog tells users to move to: the model is superseded. */
  upgradeTo?: string;
}



function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/** `[{effort:'low'},…]` or `[{id:'priority'},…]` → the ids, skipping entries without one. */
function ids(value: unknown, key: string): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const id = isRecord(entry) ? text(entry[key]) : undefined;
    return id === undefined ? [] : [id];
  });
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** One `ModelInfo` → `CatalogModel`, or undefined when it has no usable slug. */
export function parseCatalogModel(raw: unknown): CatalogModel | undefined {
  if (!isRecord(raw)) return undefined;
  const slug = text(raw.slug);
  if (slug === undefined) return undefined;
  const model: CatalogModel = {
    slug,
    displayName: text(raw.display_name) ?? slug,
    description: text(raw.description) ?? '',
    visibility: text(raw.visibility) ?? 'list',
    priority: finite(raw.priority) ?? Number.MAX_SAFE_INTEGER,
    lite: raw.use_responses_lite === true,
    efforts: ids(raw.supported_reasoning_levels, 'effort'),
    supportsParallelToolCalls: raw.supports_parallel_tool_calls === true,
    serviceTiers: ids(raw.service_tiers, 'id'),
    inputModalities: Array.isArray(raw.input_modalities) ? strings(raw.input_modalities) : ['text'],
    availableInPlans: strings(raw.available_in_plans),
  };
  const defaultEffort = text(raw.default_reasoning_level);
  if (defaultEffort !== undefined) model.defaultEffort = defaultEffort;
  const contextWindow = finite(raw.context_window);
  if (contextWindow !== undefined) model.contextWindow = contextWindow;
  const specialty = text(raw.model_specialty);
  if (specialty !== undefined) model.specialty = specialty;
  const upgradeTo = isRecord(raw.upgrade) ? text(raw.upgrade.model) : undefined;
  if (upgradeTo !== undefined) model.upgradeTo = upgradeTo;
  return model;
}

/**
 * The `/codex/models` response body → its usable models (malformed entries skipped, first of a duplicated slug
 * kept). Throws only when the body is not `{"models":[…]}` at all.
 */
export function parseCatalog(body: unknown): CatalogModel[] {
  if (!isRecord(body) || !Array.isArray(body.models)) {
    throw new Error('The model catalog response is not {"models":[…]}');
  }
  const seen = new Set<string>();
  const models: CatalogModel[] = [];
  for (const raw of body.models) {
    const model = parseCatalogModel(raw);
    if (model === undefined || seen.has(model.slug)) continue;
    seen.add(model.slug);
    models.push(model);
  }
  return models;
}

/** Where the backend serves its catalog, below the upstream base; the client version gates which models it lists. */
export function catalogPath(clientVersion: string): string {
  return `/codex/models?client_version=${encodeURIComponent(clientVersion)}`;
}
