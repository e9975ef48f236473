/**
 * Reads the claims the bridge needs from a ChatGPT JWT. Like the Codex CLI it does not verify the signature:
 * the token came from our own auth.json and the backend verifies it; we only need `exp` and account facts.
 */
import { isRecord, nonEmptyString, type JsonObject } from './json-guards.js';

export interface JwtClaims {
  /** Expiry, seconds since the epoch. */
  exp?: number;
  email?: string;
  /** `chatgpt_plan_type`, e.g. 'plus', 'pro', 'team'. */
  plan?: string;
  /** `chatgpt_account_id`: the workspace the token acts for. */
  accountId?: string;
  /** `chatgpt_user_id`, else `user_id`. */
  userId?: string;
}

const AUTH_NAMESPACE = 'https://api.openai.com/auth';
const PROFILE_NAMESPACE = 'https://api.openai.com/profile';


/** The claims of `token`, or undefined when it is not a three-part JWT with a base64url JSON object payload. */
export function decodeJwtClaims(token: unknown): JwtClaims | undefined {
  const payload = decodePayload(token);
  if (!payload) return undefined;
  const auth = asObject(payload[AUTH_NAMESPACE]) ?? {};
  const profile = asObject(payload[PROFILE_NAMESPACE]) ?? {};
  const claims: JwtClaims = {};
  const exp = payload.exp;
  if (typeof exp === 'number' && Number.isFinite(exp)) claims.exp = exp;
  const email = asString(payload.email) ?? asString(profile.email);
  if (email) claims.email = email;
  const plan = asString(auth.chatgpt_plan_type);
  if (plan) claims.plan = plan;
  const accountId = asString(auth.chatgpt_account_id);
  if (accountId) claims.accountId = accountId;
  const userId = asString(auth.chatgpt_user_id) ?? asString(auth.user_id);
  if (userId) claims.userId = userId;
  return claims;
}

function decodePayload(token: unknown): JsonObject | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  const middle = parts[1];
  if (parts.length !== 3 || !middle || !/^[A-Za-z0-9_-]+={0,2}$/.test(middle)) return undefined;
  try {
    return asObject(JSON.parse(Buffer.from(middle, 'base64url').toString('utf8')));
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): JsonObject | undefined {
  return isRecord(value) ? value : undefined;
}

function asString(value: unknown): string | undefined {
  return nonEmptyString(value) ? value : undefined;
}
