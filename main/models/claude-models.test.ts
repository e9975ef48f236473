import { describe, expect, it } from 'vitest';
import { claudeAlias, claudeFamily, claudeModelMap, DEFAULT_CLAUDE_MODELS } from './claude-models.js';

describe('Claude model names', () => {
  it('recognises the families in current, dated, older and suffixed names, and nothing else', () => {
    const names: Array<[string, string | undefined]> = [
      ['claude-opus-4-1', 'opus'],
      ['claude-opus-5-5', 'opus'],
      ['claude-sonnet-4-5-20250929', 'sonnet'],
      ['claude-haiku-4-5', 'haiku'],
      ['claude-3-5-haiku-latest', 'haiku'],
      ['claude-3-opus-20240229', 'opus'],
      ['claude-sonnet-4-5[1m]', 'sonnet'],
      ['Claude-Sonnet-4', 'sonnet'],
      ['claude-instant-1.2', undefined],
      ['claude-sonnetish', undefined],
      ['gpt-4o', undefined],
      ['bridge-codex', undefined],
      ['not-claude-opus-4', undefined],
    ];
    for (const [name, family] of names) expect(claudeFamily(name), name).toBe(family);
  });

  it('routes by the defaults, with the user pins applied per family', () => {
    expect(claudeAlias('claude-opus-4-1', DEFAULT_CLAUDE_MODELS)).toBe('bridge-pro-high');
    expect(claudeAlias('claude-sonnet-4-5', DEFAULT_CLAUDE_MODELS)).toBe('bridge-codex');
    expect(claudeAlias('claude-haiku-4-5', DEFAULT_CLAUDE_MODELS)).toBe('bridge-mini');
    const pinned = claudeModelMap({ haiku: 'bridge-fast' });
    expect(pinned).toEqual({ opus: 'bridge-pro-high', sonnet: 'bridge-codex', haiku: 'bridge-fast' });
    expect(claudeAlias('claude-haiku-4-5', pinned)).toBe('bridge-fast');
    expect(claudeAlias('gpt-4o', pinned)).toBeUndefined();
  });
});
