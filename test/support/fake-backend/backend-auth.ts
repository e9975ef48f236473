/** The bearer-token check every /backend-api route applies (spec §6.2/§6.4, §11.2). */
import { AUTH_NAMESPACE, type FakeTokenAuthority, type FakeTokenClaims } from './tokens.js';

export type AuthOutcome =
  | { ok: true; claims: FakeTokenClaims; plan: string; accountId: string }
  | { ok: false; status: number; body: unknown; headers: Record<string, string> };

const UNAUTHORIZED = { detail: 'Unauthorized' };
/** What the real backend puts in `x-error-json` for an expired token (base64 JSON, read by the CLI's debug context). */
const TOKEN_EXPIRED_HEADER = Buffer.from(JSON.stringify({ error: { code: 'token_expired' } })).toString('base64');

export function authenticate(
  headers: Record<string, string>,
  tokens: FakeTokenAuthority,
  requireAccountHeader: boolean,
): AuthOutcome {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  const verdict = match ? tokens.verifyAccess(match[1]!) : ({ ok: false, reason: 'unknown' } as const);
  if (!verdict.ok) {
    const extra: Record<string, string> = verdict.reason === 'expired' ? { 'x-error-json': TOKEN_EXPIRED_HEADER } : {};
    return { ok: false, status: 401, body: UNAUTHORIZED, headers: extra };
  }
  const { chatgpt_account_id: accountId, chatgpt_plan_type: plan } = verdict.claims[AUTH_NAMESPACE];
  if (requireAccountHeader) {
    // The real reaction to a missing/foreign account header is unconfirmed (spec §10): the fake answers 403 so a
    // bridge bug shows up as itself instead of triggering 401 token recovery.
    const sent = headers['chatgpt-account-id'];
    if (sent === undefined) return forbidden('Missing ChatGPT-Account-ID header');
    if (sent !== accountId) return forbidden('ChatGPT-Account-ID does not match the authenticated account');
  }
  return { ok: true, claims: verdict.claims, plan, accountId };
}

function forbidden(detail: string): AuthOutcome {
  return { ok: false, status: 403, body: { detail }, headers: {} };
}
