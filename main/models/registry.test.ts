import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.js';
import type { AliasOverrides } from './aliases.js';
import { parseCatalog, type CatalogModel } from './catalog.js';
import { createModelRegistry, type ModelRegistryOptions } from './registry.js';

const live = parseCatalog(JSON.parse(
  readFileSync(new URL('../../test/fixtures/codex-cli/models-catalog-0.171.0.json', import.meta.url), 'utf8'),
));

const CORE = [
  'bridge-pro-medium', 'bridge-pro-high', 'bridge-pro-xhigh',
  'bridge-pro-medium-fast', 'bridge-pro-high-fast', 'bridge-pro-xhigh-fast',
  'bridge-fast', 'bridge-codex', 'bridge-mini',
];

/** A registry on a fake clock whose catalog fetches are counted and scripted. */
function setup(catalogs: Array<CatalogModel[] | Error>, extra: Partial<ModelRegistryOptions> = {}) {
  const clock = { t: 1_000 };
  const calls = { n: 0 };
  const registry = createModelRegistry({
    fetchCatalog: async () => {
      const next = catalogs[Math.min(calls.n, catalogs.length - 1)];
      calls.n += 1;
      if (next instanceof Error) throw next;
      return next ?? [];
    },
    now: () => clock.t,
    ...extra,
  });
  return { registry, clock, calls };
}

function rawModel(slug: string, description: string, priority: number, extra: Record<string, unknown> = {}): CatalogModel {
  const [model] = parseCatalog({
    models: [{
      slug, display_name: slug, description, visibility: 'list', priority, use_responses_lite: false,
      supported_reasoning_levels: [{ effort: 'low' }, { effort: 'medium' }, { effort: 'high' }],
      default_reasoning_level: 'medium', input_modalities: ['text'], ...extra,
    }],
  });
  return model as CatalogModel;
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('model registry on the live 0.171.0 catalog', () => {
  it('lists the nine core aliases plus max and ultra, routed by role', async () => {
    const { registry } = setup([live]);
    const list = await registry.list();
    expect(list.map((a) => a.alias)).toEqual([...CORE, 'bridge-pro-max', 'bridge-pro-ultra']);
    expect(list.map((a) => [a.alias, a.slug, a.effort, a.serviceTier ?? '-'])).toEqual([
      ['bridge-pro-medium', 'gpt-6.2-astra', 'medium', '-'],
      ['bridge-pro-high', 'gpt-6.2-astra', 'high', '-'],
      ['bridge-pro-xhigh', 'gpt-6.2-astra', 'xhigh', '-'],
      ['bridge-pro-medium-fast', 'gpt-6.2-astra', 'medium', 'priority'],
      ['bridge-pro-high-fast', 'gpt-6.2-astra', 'high', 'priority'],
      ['bridge-pro-xhigh-fast', 'gpt-6.2-astra', 'xhigh', 'priority'],
      ['bridge-fast', 'gpt-6.2-sol', 'low', '-'],
      ['bridge-codex', 'gpt-6.2-sol', 'medium', '-'],
      ['bridge-mini', 'gpt-6-luna', 'low', '-'],
      ['bridge-pro-max', 'gpt-6.2-astra', 'max', '-'],
      ['bridge-pro-ultra', 'gpt-6.2-astra', 'ultra', '-'],
    ]);
    expect(list.every((a) => a.source === 'catalog' && a.note === undefined)).toBe(true);
    expect(list[0]?.description).toBe('Most capable model, medium reasoning (GPT-6.2-Astra)');
  });

  it('carries lite, efforts, parallel-tool support, modalities and the priority tier into the target', async () => {
    const { registry } = setup([live]);
    expect(await registry.resolve('bridge-pro-high-fast')).toEqual({
      alias: 'bridge-pro-high-fast',
      slug: 'gpt-6.2-astra',
      effort: 'high',
      serviceTier: 'priority',
      lite: true,
      supportsParallelToolCalls: true,
      efforts: ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'],
      inputModalities: ['text', 'image'],
    });
    expect((await registry.resolve('bridge-mini')).efforts).toEqual(['low', 'medium', 'high', 'xhigh', 'max']);
    expect((await registry.resolve('bridge-pro-high')).serviceTier).toBeUndefined();
  });

  it('routes to what the account plan may use', async () => {
    const { registry } = setup([live], { planType: () => 'free' });
    expect((await registry.resolve('bridge-pro-high')).slug).toBe('gpt-6-astra');
  });
});

describe('model registry: unknown names', () => {
  it('answers 400 model_not_found listing every alias', async () => {
    const { registry } = setup([live]);
    for (const name of ['gpt-4o', 'gpt-6.2-astra', 'bridge-pro', 'BRIDGE-FAST', '']) {
      const error = await rejection(registry.resolve(name));
      expect(error.status).toBe(400);
      expect(error.toBody().error).toMatchObject({ type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
      expect(error.message).toBe(
        `Unknown model '${name}'. This bridge serves only its aliases: ${[...CORE, 'bridge-pro-max', 'bridge-pro-ultra'].join(', ')}.`,
      );
    }
  });
});

describe('model registry on a catalog that cannot serve every alias as named', () => {
  const modest = [
    rawModel('m-pro', 'Our most capable model.', 2, { supported_reasoning_levels: [{ effort: 'low' }, { effort: 'medium' }, { effort: 'high' }], service_tiers: [] }),
    rawModel('m-go', 'Fast, go-to model for everyday work.', 1, { supports_parallel_tool_calls: true, service_tiers: [{ id: 'priority' }] }),
  ];

  it('clamps efforts, drops an unavailable tier and says so, and hides max/ultra', async () => {
    const { registry } = setup([modest]);
    const list = await registry.list();
    expect(list.map((a) => a.alias)).toEqual(CORE);
    expect(list.find((a) => a.alias === 'bridge-pro-xhigh-fast')).toMatchObject({
      slug: 'm-pro', effort: 'high',
      note: "m-pro does not support effort 'xhigh'; using 'high'; m-pro has no priority (Fast) tier; using the default tier",
    });
    expect(list.find((a) => a.alias === 'bridge-pro-xhigh-fast')?.serviceTier).toBeUndefined();
    expect(await registry.resolve('bridge-fast')).toMatchObject({ slug: 'm-go', effort: 'medium', lite: false, supportsParallelToolCalls: true, inputModalities: ['text'] });

    const error = await rejection(registry.resolve('bridge-pro-ultra'));
    expect(error.code).toBe('model_not_found');
    expect(error.message).toContain("Model 'bridge-pro-ultra' is not available right now");
    expect(error.message).toContain(CORE.join(', '));
  });
});

describe('model registry: user overrides', () => {
  it('an override from settings wins, is read on every call and is marked as such', async () => {
    let overrides: AliasOverrides = {};
    const { registry } = setup([live], { overrides: () => overrides });
    expect((await registry.resolve('bridge-fast')).slug).toBe('gpt-6.2-sol');

    overrides = {
      'bridge-fast': { slug: 'gpt-5.5', effort: 'high' },
      'bridge-pro-high-fast': { serviceTier: 'default' },
      'bridge-mini': { slug: 'gpt-9-secret' },
      'bridge-codex': {},
    };
    expect(await registry.resolve('bridge-fast')).toEqual({
      alias: 'bridge-fast', slug: 'gpt-5.5', effort: 'high', lite: false, supportsParallelToolCalls: true,
      efforts: ['low', 'medium', 'high', 'xhigh'], inputModalities: ['text', 'image'],
    });
    expect((await registry.resolve('bridge-pro-high-fast')).serviceTier).toBeUndefined();
    const list = await registry.list();
    expect(list.find((a) => a.alias === 'bridge-fast')?.source).toBe('override');
    expect(list.find((a) => a.alias === 'bridge-codex')?.source).toBe('catalog');
    expect(list.find((a) => a.alias === 'bridge-mini')).toMatchObject({
      slug: 'gpt-9-secret', effort: 'low', source: 'override', note: 'gpt-9-secret is not in the catalog; sent as a classic (non-lite) model',
    });
    expect((await registry.resolve('bridge-mini')).lite).toBe(false);
  });
});

describe('model registry: catalog caching and failures', () => {
  it('fetches once within the TTL, shares one fetch between concurrent resolves, refetches after it', async () => {
    const { registry, clock, calls } = setup([live], { ttlMs: 60_000 });
    await Promise.all([registry.resolve('bridge-fast'), registry.resolve('bridge-mini'), registry.list()]);
    expect(calls.n).toBe(1);
    clock.t += 59_999;
    await registry.resolve('bridge-fast');
    expect(calls.n).toBe(1);
    clock.t += 1;
    await registry.resolve('bridge-fast');
    expect(calls.n).toBe(2);
  });

  it('follows a drifted catalog once the TTL has passed', async () => {
    const drifted = [
      rawModel('gpt-7-zenith', 'Our most capable model.', 2),
      rawModel('gpt-7-nova', 'Fast, go-to model for coding and everyday work.', 1),
    ];
    const { registry, clock } = setup([live, drifted]);
    expect((await registry.resolve('bridge-pro-high')).slug).toBe('gpt-6.2-astra');
    clock.t += 300_000;
    // The held catalog answers at once while the fresh one is fetched in the background…
    expect((await registry.resolve('bridge-pro-high')).slug).toBe('gpt-6.2-astra');
    await new Promise((resolve) => setImmediate(resolve));
    // …and the next request follows the drift.
    expect((await registry.resolve('bridge-pro-high')).slug).toBe('gpt-7-zenith');
    expect((await registry.resolve('bridge-codex')).slug).toBe('gpt-7-nova');
  });

  it('never makes a request wait for a slow catalog refresh once it holds a catalog', async () => {
    let release!: (models: unknown) => void;
    const slow = new Promise((resolve) => (release = resolve));
    const { registry, clock } = setup([live, slow as unknown as typeof live]);
    await registry.resolve('bridge-pro-high');
    clock.t += 300_000;
    const answered = await Promise.race([registry.resolve('bridge-fast').then(() => 'answered'), new Promise((r) => setTimeout(() => r('waited'), 200))]);
    expect(answered).toBe('answered');
    release(live);
  });

  it('serves the default table while the catalog is unreachable, then the live one', async () => {
    const { registry, clock, calls } = setup([new Error('connect ECONNREFUSED'), live, new Error('HTTP 502')], { failureRetryMs: 10_000 });
    const fallback = await registry.list();
    expect(fallback.every((a) => a.source === 'default')).toBe(true);
    expect(fallback.find((a) => a.alias === 'bridge-pro-high')?.slug).toBe('gpt-6.2-astra');
    expect(registry.catalogStatus()).toEqual({ state: 'default', fetchedAt: null, lastError: 'connect ECONNREFUSED', models: 7 });

    clock.t += 9_999;
    await registry.list();
    expect(calls.n).toBe(1);
    clock.t += 1;
    expect((await registry.list()).every((a) => a.source === 'catalog')).toBe(true);
    expect(registry.catalogStatus()).toEqual({ state: 'live', fetchedAt: clock.t, lastError: null, models: 14 });

    const fetchedAt = clock.t;
    expect(await registry.refresh()).toEqual({ state: 'cached', fetchedAt, lastError: 'HTTP 502', models: 14 });
    expect((await registry.resolve('bridge-mini')).slug).toBe('gpt-6-luna');
  });

  it('treats a catalog without usable models as a failed fetch', async () => {
    const hidden = [rawModel('internal', 'Most capable.', 1, { visibility: 'hide' })];
    const { registry } = setup([live, hidden]);
    await registry.refresh();
    expect(await registry.refresh()).toMatchObject({ state: 'cached', models: 14, lastError: expect.stringContaining('no user-visible') as string });
    expect((await registry.resolve('bridge-pro-high')).slug).toBe('gpt-6.2-astra');
  });

  it('refresh during a fetch joins it', async () => {
    const { registry, calls } = setup([live]);
    await Promise.all([registry.refresh(), registry.refresh(), registry.resolve('bridge-fast')]);
    expect(calls.n).toBe(1);
  });
});
