import { describe, expect, it } from 'vitest';
import { redactForLog } from './redact.js';

describe('redactForLog', () => {
  it('hides secrets by key and by shape, shortens data URLs, keeps the rest', () => {
    const jwt = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.sig';
    const input = {
      model: 'bridge-fast',
      api_key: 'abc',
      nested: { refresh_token: 'rt-1', note: jwt, other: 'sk-bridge-abcdefghijklmnop' },
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(500)}` } }] }],
    };
    const out = JSON.stringify(redactForLog(input));
    expect(out).not.toContain('abc"');
    expect(out).not.toContain('rt-1');
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('sk-bridge-abcdefghijklmnop');
    expect(out).not.toContain('A'.repeat(100));
    expect(out).toContain('data:image/png;base64,…(522 chars)');
    expect(out).toContain('bridge-fast');
  });

  it('keeps token counts visible: max_tokens is a number worth debugging, not a secret', () => {
    const out = redactForLog({ max_tokens: 32000, max_completion_tokens: 100, id_token: 'x', refresh_token: 'y', 'x-api-key': 'z' }) as Record<string, unknown>;
    expect(out).toMatchObject({ max_tokens: 32000, max_completion_tokens: 100, id_token: '[redacted]', refresh_token: '[redacted]', 'x-api-key': '[redacted]' });
  });

  it('escapes control characters a terminal would act on, C1 and U+2028 included (JSON.stringify leaves those raw)', () => {
    const out = JSON.stringify(redactForLog({ content: 'a\u001b[2Jb\u009b1mc\u2028d' }));
    expect(out).not.toMatch(/[\u001b\u009b\u2028]/);
    expect(out).toContain('\\\\u009b');
  });
});
