import { describe, expect, it } from 'vitest';
import { decodeJwtClaims } from './jwt.js';
import { planLabel } from './plan-label.js';

function jwt(payload: unknown, encode = (text: string) => Buffer.from(text).toString('base64url')): string {
  return `${encode('{"alg":"none"}')}.${encode(JSON.stringify(payload))}.sig`;
}

describe('decodeJwtClaims', () => {
  it('reads exp, email, plan, account and user from the codex claim layout', () => {
    const token = jwt({
      exp: 1_900_000_000,
      email: 'dev@example.com',
      'https://api.openai.com/auth': {
        chatgpt_plan_type: 'plus',
        chatgpt_account_id: 'acct-1',
        chatgpt_user_id: 'user-1',
        user_id: 'legacy-user',
      },
    });
    expect(decodeJwtClaims(token)).toEqual({
      exp: 1_900_000_000,
      email: 'dev@example.com',
      plan: 'plus',
      accountId: 'acct-1',
      userId: 'user-1',
    });
  });

  it('falls back to the profile namespace for email and to user_id for the user', () => {
    const token = jwt({
      'https://api.openai.com/profile': { email: 'profile@example.com' },
      'https://api.openai.com/auth': { user_id: 'user-2' },
    });
    expect(decodeJwtClaims(token)).toEqual({ email: 'profile@example.com', userId: 'user-2' });
  });

  it('decodes base64url payloads that standard base64 would mangle', () => {
    // '?' and '>' produce '/' and '+' in standard base64, '_' and '-' in base64url.
    const token = jwt({ email: '??>>??@example.com', exp: 5 });
    expect(token.split('.')[1]).toMatch(/[-_]/);
    expect(decodeJwtClaims(token)?.email).toBe('??>>??@example.com');
  });

  it('ignores claims of the wrong type instead of passing them on', () => {
    const token = jwt({ exp: '1900000000', email: 42, 'https://api.openai.com/auth': 'nope' });
    expect(decodeJwtClaims(token)).toEqual({});
  });

  it.each([
    ['not a string', 42],
    ['two parts', 'abc.def'],
    ['four parts', 'a.b.c.d'],
    ['empty payload', 'a..c'],
    ['payload not base64url', 'a.$$$.c'],
    ['payload not JSON', `a.${Buffer.from('not json').toString('base64url')}.c`],
    ['payload an array', `a.${Buffer.from('[1,2]').toString('base64url')}.c`],
    ['payload null', `a.${Buffer.from('null').toString('base64url')}.c`],
  ])('returns undefined for a malformed token (%s)', (_, token) => {
    expect(decodeJwtClaims(token)).toBeUndefined();
  });
});

describe('planLabel', () => {
  it.each([
    ['plus', 'Plus'],
    ['pro', 'Pro'],
    ['prolite', 'Pro Lite'],
    ['team', 'Team'],
    ['self_serve_business_usage_based', 'Business'],
    ['enterprise', 'Enterprise'],
    ['hc', 'Enterprise'],
    ['education', 'Edu'],
    ['go', 'Go'],
    ['free', 'Free'],
    ['PLUS', 'Plus'],
  ])('%s → %s', (plan, label) => {
    expect(planLabel(plan)).toBe(label);
  });

  it('shows an unknown plan as sent', () => {
    expect(planLabel('galaxy_brain')).toBe('galaxy_brain');
  });
});
