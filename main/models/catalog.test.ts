import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from './catalog.js';

const fixture: unknown = JSON.parse(
  readFileSync(new URL('../../test/fixtures/codex-cli/models-catalog-0.171.0.json', import.meta.url), 'utf8'),
);

describe('parseCatalog', () => {
  it('reads every model of the real 0.171.0 catalog with the fields the bridge uses', () => {
    const models = parseCatalog(fixture);
    expect(models).toHaveLength(14);
    expect(models.find((m) => m.slug === 'gpt-6.2-astra')).toEqual({
      slug: 'gpt-6.2-astra',
      displayName: 'GPT-6.2-Astra',
      description: 'Our most capable model for complex coding and professional work.',
      visibility: 'list',
      priority: 2,
      lite: true,
      defaultEffort: 'low',
      efforts: ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'],
      supportsParallelToolCalls: true,
      serviceTiers: ['priority'],
      inputModalities: ['text', 'image'],
      availableInPlans: expect.arrayContaining(['plus', 'pro']) as string[],
      contextWindow: 272000,
    });
    const classic = models.find((m) => m.slug === 'gpt-5.5');
    expect(classic).toMatchObject({ lite: false, upgradeTo: 'gpt-6-sol', efforts: ['low', 'medium', 'high', 'xhigh'] });
    expect(models.find((m) => m.slug === 'gpt-daybreak-red-latest')).toMatchObject({ specialty: 'cyber', visibility: 'hide', serviceTiers: [] });
  });

  it('skips malformed entries and duplicate slugs, and defaults missing fields conservatively', () => {
    const models = parseCatalog({
      models: [
        null,
        'gpt-x',
        { display_name: 'no slug' },
        { slug: 42 },
        { slug: '  ' },
        { slug: 'bare' },
        { slug: 'bare', description: 'duplicate' },
        { slug: 'odd', priority: 'high', supported_reasoning_levels: [{ effort: 'low' }, {}, 'medium', { effort: 3 }], service_tiers: 'priority', upgrade: 'gpt-y' },
      ],
    });
    expect(models.map((m) => m.slug)).toEqual(['bare', 'odd']);
    expect(models[0]).toEqual({
      slug: 'bare', displayName: 'bare', description: '', visibility: 'list', priority: Number.MAX_SAFE_INTEGER, lite: false,
      efforts: [], supportsParallelToolCalls: false, serviceTiers: [], inputModalities: ['text'], availableInPlans: [],
    });
    expect(models[1]).toMatchObject({ efforts: ['low'], serviceTiers: [], priority: Number.MAX_SAFE_INTEGER });
    expect(models[1]?.upgradeTo).toBeUndefined();
  });

  it('rejects a body that is not {"models":[…]}', () => {
    for (const body of [null, [], { models: {} }, 'text']) {
      expect(() => parseCatalog(body)).toThrow('not {"models":[…]}');
    }
  });
});
