import { describe, expect, it } from 'vitest';
import { externalLinkPolicy } from './external-links.js';

describe('which links go to the browser', () => {
  const allowed = externalLinkPolicy({});

  it('the default sign-in issuer, the ChatGPT usage and settings pages, and the docs the window cites', () => {
    for (const url of [
      'https://auth.openai.com/oauth/authorize?client_id=app&state=x',
      'https://chatgpt.com/codex/settings/usage',
      'https://chatgpt.com/#settings',
      'https://developers.openai.com/codex/cli',
      'https://cursor.com/docs/models',
    ]) {
      expect({ url, allowed: allowed(url) }).toEqual({ url, allowed: true });
    }
  });

  it('nothing else: other pages of those sites, other schemes, look-alike hosts, credentials', () => {
    for (const url of [
      'https://chatgpt.com/',
      'https://chatgpt.com/c/some-conversation',
      'http://chatgpt.com/codex/settings/usage',
      'https://chatgpt.com.evil.example/codex/settings/usage',
      'https://evil.example/?https://auth.openai.com',
      'https://user:pass@auth.openai.com/',
      'https://auth.openai.com:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'not a url',
    ]) {
      expect({ url, allowed: allowed(url) }).toEqual({ url, allowed: false });
    }
  });

  it('follows CODEX_BRIDGE_AUTH_ISSUER instead of the default issuer; never a plain-http one', () => {
    const custom = externalLinkPolicy({ CODEX_BRIDGE_AUTH_ISSUER: 'https://login.example.test/' });
    expect(custom('https://login.example.test/oauth/authorize')).toBe(true);
    expect(custom('https://auth.openai.com/oauth/authorize')).toBe(false);
    const plain = externalLinkPolicy({ CODEX_BRIDGE_AUTH_ISSUER: 'http://127.0.0.1:4000' });
    expect(plain('http://127.0.0.1:4000/oauth/authorize')).toBe(false);
    expect(plain('https://auth.openai.com/oauth/authorize')).toBe(false);
  });
});
