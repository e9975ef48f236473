import type { CatalogModel } from './catalog.js';

type Row = Omit<CatalogModel, 'visibility' | 'serviceTiers' | 'supportsParallelToolCalls' | 'inputModalities' | 'availableInPlans'>
  & Partial<Pick<CatalogModel, 'serviceTiers' | 'supportsParallelToolCalls'>>;

/** Fields every listed model of the 0.171.0 catalog shares. */
function model(row: Row): CatalogModel {
  return {
    visibility: 'list',
    serviceTiers: ['priority'],
    supportsParallelToolCalls: true,
    inputModalities: ['text', 'image'],
    availableInPlans: [],
    ...row,
  };
}

/**
 * Used only while the live catalog has never been reachable: a trimmed snapshot of the codex-cli 0.171.0 catalog
 * (test/fixtures/codex-cli/models-catalog-0.171.0.json) — the current generation plus the previous-generation and
 * classic models, only the fields the bridge reads. Plan availability is left out (every model counts as
 * available), so the live catalog stays the authority on what an account may use.
 */
export const DEFAULT_CATALOG: readonly CatalogModel[] = [
  model({ slug: 'gpt-6.2-sol', displayName: 'GPT-6.2-Sol', description: 'Fast, go-to model for coding and everyday work.', priority: 1, lite: true, defaultEffort: 'low', efforts: ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'], contextWindow: 500000 }),
  model({ slug: 'gpt-6.2-astra', displayName: 'GPT-6.2-Astra', description: 'Our most capable model for complex coding and professional work.', priority: 2, lite: true, defaultEffort: 'low', efforts: ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'], contextWindow: 272000 }),
  model({ slug: 'gpt-6.1-terra', displayName: 'GPT-6.1 Terra', description: 'Efficient model that excels at visual understanding and computer use.', priority: 3, lite: true, defaultEffort: 'low', efforts: ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'], contextWindow: 500000 }),
  model({ slug: 'gpt-6.1-sol', displayName: 'GPT-6.1-Sol', description: 'Previous generation model for coding and everyday work.', priority: 4, lite: true, defaultEffort: 'low', efforts: ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'], contextWindow: 500000 }),
  model({ slug: 'gpt-6-astra', displayName: 'GPT-6-Astra', description: 'Previous generation model for complex coding and professional work.', priority: 5, lite: true, defaultEffort: 'low', efforts: ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'], contextWindow: 272000 }),
  model({ slug: 'gpt-6-luna', displayName: 'GPT-6-Luna', description: 'Fast and affordable model for easier tasks.', priority: 7, lite: true, defaultEffort: 'medium', efforts: ['low', 'medium', 'high', 'xhigh', 'max'], contextWindow: 272000 }),
  model({ slug: 'gpt-5.5', displayName: 'GPT-5.5', description: 'Legacy coding model.', priority: 13, lite: false, defaultEffort: 'medium', efforts: ['low', 'medium', 'high', 'xhigh'], contextWindow: 272000, upgradeTo: 'gpt-6-sol' }),
];
