import { describe, expect, it } from 'vitest';
import {
  applyBridgeSettings,
  chainFieldChange,
  formatFieldChanges,
  isLegacyAlias,
  revertBridgeSettings,
  type FieldChange,
} from './cursor-settings.js';
import { CursorConfigError } from './errors.js';
import type { JsonObject } from './json.js';
import { realisticApplicationUser } from '../../test/support/cursor-fixture.js';

const BASE_URL = 'https://abc.ngrok.app/v1';
const ALIASES = ['bridge-pro-high', 'bridge-fast', 'bridge-codex'];
const TARGET = { baseUrl: BASE_URL, aliases: ALIASES };

function without(settings: JsonObject, ...fields: string[]): JsonObject {
  const copy = structuredClone(settings);
  for (const field of fields) delete copy[field];
  return copy;
}

describe('applyBridgeSettings', () => {
  it('sets the four BYOK fields and leaves every other key as it was', () => {
    const current = realisticApplicationUser();
    const { next, changes, createdAiSettings } = applyBridgeSettings(current, TARGET);

    expect(next.openAIBaseUrl).toBe(BASE_URL);
    expect(next.useOpenAIKey).toBe(true);
    const ai = next.aiSettings as JsonObject;
    expect(ai.userAddedModels).toEqual(['my-own-model', ...ALIASES]);
    expect(ai.modelOverrideEnabled).toEqual(['gpt-x', 'my-own-model', ...ALIASES]);
    expect(without(next, 'openAIBaseUrl', 'useOpenAIKey', 'aiSettings')).toEqual(without(current, 'openAIBaseUrl', 'useOpenAIKey', 'aiSettings'));
    const untouchedAi = (settings: JsonObject) => without(settings.aiSettings as JsonObject, 'userAddedModels', 'modelOverrideEnabled');
    expect(untouchedAi(next)).toEqual(untouchedAi(current));
    expect(current).toEqual(realisticApplicationUser()); // the input is not mutated
    expect(createdAiSettings).toBe(false);

    expect(changes).toEqual([
      { field: 'openAIBaseUrl', before: undefined, after: BASE_URL },
      { field: 'useOpenAIKey', before: false, after: true },
      {
        field: 'aiSettings.userAddedModels',
        before: ['my-own-model'],
        after: ['my-own-model', ...ALIASES],
        added: ALIASES,
        removed: [],
      },
      {
        field: 'aiSettings.modelOverrideEnabled',
        before: ['gpt-x', 'my-own-model'],
        after: ['gpt-x', 'my-own-model', ...ALIASES],
        added: ALIASES,
        removed: [],
      },
    ]);
  });

  it('is idempotent: applying twice changes nothing the second time', () => {
    const once = applyBridgeSettings(realisticApplicationUser(), TARGET).next;
    const twice = applyBridgeSettings(once, TARGET);
    expect(twice.changes).toEqual([]);
    expect(twice.next).toEqual(once);
  });

  it('removes legacy names, de-duplicates (first wins) and keeps non-string elements and user models in order', () => {
    const current = realisticApplicationUser();
    (current.aiSettings as JsonObject).userAddedModels = ['bridge-gpt-5-high', 'mine', 'bridge-fast', 'bridge-pro', 'mine', 42, 'bridge-pro-x'];
    const { next, changes } = applyBridgeSettings(current, TARGET);
    expect((next.aiSettings as JsonObject).userAddedModels).toEqual(['mine', 'bridge-fast', 42, 'bridge-pro-x', 'bridge-pro-high', 'bridge-codex']);
    const change = changes.find((c) => c.field === 'aiSettings.userAddedModels');
    expect(change?.added).toEqual(['bridge-pro-high', 'bridge-codex']);
    expect(change?.removed).toEqual(['bridge-gpt-5-high', 'bridge-pro']);
  });

  it('creates aiSettings and the lists when they are absent, and says so', () => {
    const { next, createdAiSettings, changes } = applyBridgeSettings(without(realisticApplicationUser(), 'aiSettings'), TARGET);
    expect(next.aiSettings).toEqual({ userAddedModels: ALIASES, modelOverrideEnabled: ALIASES });
    expect(createdAiSettings).toBe(true);
    expect(changes.find((c) => c.field === 'aiSettings.userAddedModels')?.before).toBeUndefined();
  });

  it('refuses settings of an unexpected shape instead of overwriting them', () => {
    const notObject = { ...realisticApplicationUser(), aiSettings: ['x'] };
    expect(() => applyBridgeSettings(notObject, TARGET)).toThrow(CursorConfigError);
    const notList = { ...realisticApplicationUser(), aiSettings: { userAddedModels: 'bridge-fast' } };
    expect(() => applyBridgeSettings(notList, TARGET)).toThrow(/aiSettings.userAddedModels is not a list/);
  });

  it('treats bridge-gpt-* and bridge-pro (exact) as legacy, never a current alias', () => {
    expect(isLegacyAlias('bridge-gpt-5', ALIASES)).toBe(true);
    expect(isLegacyAlias('bridge-pro', ALIASES)).toBe(true);
    expect(isLegacyAlias('bridge-pro-high', ALIASES)).toBe(false);
    expect(isLegacyAlias('bridge-gpt-5', ['bridge-gpt-5'])).toBe(false);
  });
});

describe('revertBridgeSettings', () => {
  it('restores the exact previous JSON, including fields that were absent', () => {
    const current = realisticApplicationUser();
    (current.aiSettings as JsonObject).userAddedModels = ['bridge-gpt-5', 'mine'];
    const applied = applyBridgeSettings(current, TARGET);
    expect(revertBridgeSettings(applied.next, applied).next).toEqual(current);
  });

  it('removes an aiSettings it created once it is empty again', () => {
    const current = without(realisticApplicationUser(), 'aiSettings');
    const applied = applyBridgeSettings(current, TARGET);
    expect(revertBridgeSettings(applied.next, applied).next).toEqual(current);
  });

  it('keeps values changed since: a scalar keeps the newer value, a list only loses the bridge edits', () => {
    const current = realisticApplicationUser();
    (current.aiSettings as JsonObject).userAddedModels = ['bridge-gpt-5', 'mine'];
    const applied = applyBridgeSettings(current, TARGET);
    const later = structuredClone(applied.next);
    later.openAIBaseUrl = 'https://my-own-gateway.example/v1';
    (later.aiSettings as JsonObject).userAddedModels = ['newer', 'mine', ...ALIASES];
    later.privacyMode = false;

    const reverted = revertBridgeSettings(later, applied).next;
    expect(reverted.openAIBaseUrl).toBe('https://my-own-gateway.example/v1');
    expect(reverted.useOpenAIKey).toBe(false);
    expect((reverted.aiSettings as JsonObject).userAddedModels).toEqual(['newer', 'mine', 'bridge-gpt-5']);
    expect((reverted.aiSettings as JsonObject).modelOverrideEnabled).toEqual(['gpt-x', 'my-own-model']);
    expect(reverted.privacyMode).toBe(false);
  });
});

describe('chainFieldChange', () => {
  it('keeps the original value when the later change continues from the earlier one', () => {
    const earlier: FieldChange = { field: 'openAIBaseUrl', before: undefined, after: 'https://a/v1' };
    const later: FieldChange = { field: 'openAIBaseUrl', before: 'https://a/v1', after: 'https://b/v1' };
    expect(chainFieldChange(earlier, later)).toEqual({ field: 'openAIBaseUrl', before: undefined, after: 'https://b/v1' });
  });

  it('takes the user value as the original when the field was edited in between', () => {
    const earlier: FieldChange = { field: 'openAIBaseUrl', before: undefined, after: 'https://a/v1' };
    const later: FieldChange = { field: 'openAIBaseUrl', before: 'https://mine/v1', after: 'https://b/v1' };
    expect(chainFieldChange(earlier, later)).toEqual(later);
  });

  it('for a list edited in between, drops the earlier bridge edits from the value to restore', () => {
    const earlier: FieldChange = {
      field: 'aiSettings.userAddedModels',
      before: ['bridge-pro', 'mine'],
      after: ['mine', 'bridge-fast'],
      added: ['bridge-fast'],
      removed: ['bridge-pro'],
    };
    const later: FieldChange = {
      field: 'aiSettings.userAddedModels',
      before: ['mine', 'bridge-fast', 'user-new'],
      after: ['mine', 'bridge-fast', 'user-new', 'bridge-codex'],
      added: ['bridge-codex'],
      removed: [],
    };
    expect(chainFieldChange(earlier, later)).toEqual({
      field: 'aiSettings.userAddedModels',
      before: ['mine', 'user-new', 'bridge-pro'],
      after: ['mine', 'bridge-fast', 'user-new', 'bridge-codex'],
      added: ['bridge-fast', 'bridge-codex'],
      removed: ['bridge-pro'],
    });
  });
});

describe('formatFieldChanges', () => {
  it('prints one field: old → new line per change, with absent values and list edits spelled out', () => {
    const current = realisticApplicationUser();
    (current.aiSettings as JsonObject).userAddedModels = ['bridge-pro'];
    const lines = formatFieldChanges(applyBridgeSettings(current, { baseUrl: BASE_URL, aliases: ['bridge-fast'] }).changes);
    expect(lines).toEqual([
      `openAIBaseUrl: (absent) → "${BASE_URL}"`,
      'useOpenAIKey: false → true',
      'aiSettings.userAddedModels: ["bridge-pro"] → ["bridge-fast"] (+bridge-fast, -bridge-pro)',
      'aiSettings.modelOverrideEnabled: ["gpt-x","my-own-model"] → ["gpt-x","my-own-model","bridge-fast"] (+bridge-fast)',
    ]);
  });
});
