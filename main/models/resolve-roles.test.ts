import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalog, type CatalogModel } from './catalog.js';
import { DEFAULT_CATALOG } from './default-catalog.js';
import { resolveRoles, type RoleModels } from './resolve-roles.js';

const catalog = parseCatalog(JSON.parse(
  readFileSync(new URL('../../test/fixtures/codex-cli/models-catalog-0.171.0.json', import.meta.url), 'utf8'),
));

function slugs(roles: RoleModels): Record<string, string> {
  return Object.fromEntries(Object.entries(roles).map(([role, model]) => [role, model.slug]));
}

/** A raw catalog entry as the backend would send it. */
function raw(slug: string, description: string, priority: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { slug, display_name: slug.toUpperCase(), description, visibility: 'list', priority, ...extra };
}

describe('resolveRoles on the real 0.171.0 catalog', () => {
  it('picks the current model described for each role', () => {
    const expected = { mostCapable: 'gpt-6.2-astra', everyday: 'gpt-6.2-sol', coding: 'gpt-6.2-sol', cheapest: 'gpt-6-luna' };
    expect(slugs(resolveRoles(catalog))).toEqual(expected);
    expect(slugs(resolveRoles(catalog, 'plus'))).toEqual(expected);
  });

  it('keeps to the models of a free plan, using previous-generation ones where no current one fits', () => {
    expect(slugs(resolveRoles(catalog, 'free'))).toEqual({
      mostCapable: 'gpt-6-astra', everyday: 'gpt-6.1-sol', coding: 'gpt-6.1-sol', cheapest: 'gpt-6-luna',
    });
  });

  it('ignores a plan name no model lists rather than serving nothing', () => {
    expect(slugs(resolveRoles(catalog, 'plan-from-the-future')).mostCapable).toBe('gpt-6.2-astra');
  });

  it('gives the same roles from the built-in default table, whose rows match the catalog', () => {
    expect(slugs(resolveRoles(DEFAULT_CATALOG))).toEqual(slugs(resolveRoles(catalog)));
    for (const row of DEFAULT_CATALOG) {
      const { availableInPlans: _plans, ...live } = catalog.find((m) => m.slug === row.slug) as CatalogModel;
      const { availableInPlans: _none, ...snapshot } = row;
      expect(snapshot).toEqual(live);
    }
  });
});

describe('resolveRoles on a drifted catalog', () => {
  it('follows new slugs and forgets vanished ones', () => {
    const drifted = parseCatalog({
      models: [
        raw('gpt-7-nova', 'Fast, go-to model for coding and everyday work.', 1),
        raw('gpt-7-zenith', 'Our most capable model for complex coding and professional work.', 2),
        raw('gpt-7-codex', 'Coding model tuned for agentic software work.', 3),
        raw('gpt-7-pico', 'Fast and affordable model for easier tasks.', 4),
        raw('gpt-6.2-astra', 'Previous generation model for complex coding and professional work.', 5),
        raw('gpt-7-secret', 'Our most capable internal model.', 0, { visibility: 'hide' }),
        raw('gpt-7-cyber', 'Frontier model for cyber work.', 0, { model_specialty: 'cyber' }),
      ],
    });
    expect(slugs(resolveRoles(drifted))).toEqual({
      mostCapable: 'gpt-7-zenith', everyday: 'gpt-7-nova', coding: 'gpt-7-codex', cheapest: 'gpt-7-pico',
    });
  });

  it('prefers a current model over a legacy one with a closer description', () => {
    const drifted = parseCatalog({
      models: [
        raw('gpt-8', 'Our most capable model.', 2),
        raw('gpt-7.9-codex', 'Legacy coding model.', 1),
        raw('gpt-8-lite', 'Efficient model for coding and simpler tasks.', 3, { upgrade: null }),
        raw('gpt-7.9-mini', 'Small model.', 4, { upgrade: { model: 'gpt-8-lite' } }),
      ],
    });
    expect(slugs(resolveRoles(drifted))).toEqual({
      mostCapable: 'gpt-8', everyday: 'gpt-8', coding: 'gpt-8-lite', cheapest: 'gpt-8-lite',
    });
  });

  it('falls back to the default model, and coding to the everyday model, when no description matches', () => {
    const bland = parseCatalog({ models: [raw('m-b', 'A model.', 2), raw('m-a', 'Another model.', 1)] });
    expect(slugs(resolveRoles(bland))).toEqual({ mostCapable: 'm-a', everyday: 'm-a', coding: 'm-a', cheapest: 'm-a' });
  });

  it('throws when no user-visible general-purpose model is left', () => {
    const hidden = parseCatalog({ models: [raw('h', 'Most capable.', 1, { visibility: 'hide' }), raw('c', 'Coding.', 2, { model_specialty: 'cyber' })] });
    expect(() => resolveRoles(hidden)).toThrow('no user-visible general-purpose model');
  });
});
