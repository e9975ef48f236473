/** The window's client snippets (its times are shared/time-text.ts, tested beside it). */
import { describe, expect, it } from 'vitest';
import { clientSnippets } from '../../renderer/snippets.js';

describe('client snippets', () => {
  const snippets = clientSnippets({ localUrl: 'http://127.0.0.1:7711/v1', token: 'tok', model: 'bridge-pro-high' });
  const text = (id: string) => snippets.find((snippet) => snippet.id === id)?.text;

  it('Claude Code talks to the base URL without /v1, with the token as its auth token', () => {
    expect(text('claude-code')).toBe('ANTHROPIC_BASE_URL=http://127.0.0.1:7711 ANTHROPIC_AUTH_TOKEN=tok claude');
  });

  it('Cursor needs the public URL, and says so while there is none', () => {
    expect(text('cursor')).toContain('turn the public tunnel on');
    const online = clientSnippets({ localUrl: 'http://127.0.0.1:7711/v1', publicUrl: 'https://a.ngrok.app/v1', token: 'tok', model: 'm' });
    expect(online.find((snippet) => snippet.id === 'cursor')?.text).toBe('OpenAI API Key: tok\nOverride OpenAI Base URL: https://a.ngrok.app/v1\nModel: m');
  });

  it('Aider, Continue and the OpenAI SDKs use the local …/v1 URL and the token', () => {
    expect(snippets.map((snippet) => snippet.label)).toEqual(['Cursor', 'Claude Code', 'Aider', 'Continue', 'OpenAI SDK (JS)', 'OpenAI SDK (Python)']);
    expect(text('aider')).toBe('OPENAI_API_BASE=http://127.0.0.1:7711/v1 OPENAI_API_KEY=tok aider --model openai/bridge-pro-high');
    for (const id of ['continue', 'openai-js', 'openai-python']) {
      expect(text(id)).toContain('http://127.0.0.1:7711/v1');
      expect(text(id)).toContain('tok');
    }
  });
});
