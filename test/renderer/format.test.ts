/** The window's pure helpers: one time format (local, relative where it helps) and the client snippets. */
import { describe, expect, it } from 'vitest';
import { localTime, relative, timeWithRelative } from '../../renderer/format.js';
import { clientSnippets } from '../../renderer/snippets.js';

const NOW = new Date(2026, 11, 3, 12, 0).getTime();
const at = (day: number, hours: number, minutes: number) => new Date(2026, 11, day, hours, minutes).toISOString();

describe('times in the window', () => {
  it('local clock today, "tomorrow", a weekday within the week, a date beyond; never ISO', () => {
    expect(localTime(at(3, 14, 20), NOW)).toBe('14:20');
    expect(localTime(at(4, 9, 5), NOW)).toBe('tomorrow 09:05');
    expect(localTime(at(6, 9, 5), NOW)).toMatch(/^\S+ 09:05$/);
    expect(localTime(at(20, 9, 5), NOW)).toMatch(/^\S+ \S+, 09:05$/);
    expect(localTime('not a date', NOW)).toBe('not a date');
  });

  it('relative in minutes, hours, days, forwards and back; 59.9 minutes is 1 h', () => {
    expect(relative(at(3, 12, 4), NOW)).toBe('in 4 min');
    expect(relative(new Date(NOW + 59.9 * 60_000).toISOString(), NOW)).toBe('in 1 h');
    expect(relative(at(3, 14, 20), NOW)).toBe('in 2 h');
    expect(relative(at(4, 12, 0), NOW)).toBe('in 1 day');
    expect(relative(at(2, 12, 0), NOW)).toBe('1 day ago');
    expect(timeWithRelative(at(3, 14, 20), NOW)).toBe('14:20 (in 2 h)');
  });
});

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
