/**
 * The issuer's sign-in endpoints as the Codex CLI calls them (spec §8): the authorization-code exchange, the device
 * code endpoints and token revocation. Every URL hangs off one issuer (CODEX_BRIDGE_AUTH_ISSUER).
 */
import { request } from '../../http/undici-lite.js';
import { isRecord, nonEmptyString } from '../json-guards.js';
import { abortedSignIn, SignInError } from './sign-in-error.js';

export interface IssuerClient {
  /** e.g. https://auth.openai.com (no trailing slash). */
  issuer: string;
  clientId: string;
  originator: string;
}

export interface LoginTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
}

export interface DeviceCode {
  deviceAuthId: string;
  userCode: string;
  intervalSec: number;
}

export type DevicePoll = { kind: 'pending' } | { kind: 'approved'; authorizationCode: string; codeVerifier: string };

interface Answer {
  status: number;
  json: unknown;
  text: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

/** `POST {issuer}/oauth/token` form `grant_type=authorization_code` with the PKCE verifier. */
export async function exchangeAuthorizationCode(
  client: IssuerClient,
  grant: { code: string; redirectUri: string; codeVerifier: string },
  signal: AbortSignal,
): Promise<LoginTokens> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: grant.redirectUri,
    client_id: client.clientId,
    code_verifier: grant.codeVerifier,
  }).toString();
  const answer = await call(client, '/oauth/token', 'application/x-www-form-urlencoded', body, signal);
  if (!ok(answer)) throw issuerError('exchange the sign-in code for tokens', answer);
  const json = isRecord(answer.json) ? answer.json : {};
  const { id_token: idToken, access_token: accessToken, refresh_token: refreshToken } = json;
  if (!nonEmptyString(idToken) || !nonEmptyString(accessToken) || !nonEmptyString(refreshToken)) {
    throw new SignInError('issuer-error', 'ChatGPT sign-in failed: the token endpoint answered without the expected tokens.');
  }
  return { idToken, accessToken, refreshToken };
}

/** `POST {issuer}/api/accounts/deviceauth/usercode` JSON `{client_id}`; a 404 means device sign-in is off. */
export async function requestDeviceCode(client: IssuerClient, signal: AbortSignal): Promise<DeviceCode> {
  const answer = await call(client, '/api/accounts/deviceauth/usercode', 'application/json', JSON.stringify({ client_id: client.clientId }), signal);
  if (answer.status === 404) {
    throw new SignInError(
      'device-not-enabled',
      'Sign-in with a code is not enabled for this ChatGPT account. Turn on "device code authorization" for Codex in ' +
        'ChatGPT → Settings → Security (a workspace admin may have to allow it), or sign in with the browser instead.',
    );
  }
  if (!ok(answer)) throw issuerError('start the sign-in with a code', answer);
  const json = isRecord(answer.json) ? answer.json : {};
  const userCode = json.user_code ?? json.usercode;
  const interval = Number(typeof json.interval === 'string' ? json.interval.trim() : json.interval);
  if (!nonEmptyString(json.device_auth_id) || !nonEmptyString(userCode)) {
    throw new SignInError('issuer-error', 'ChatGPT sign-in failed: the device code answer is incomplete.');
  }
  return { deviceAuthId: json.device_auth_id, userCode, intervalSec: Number.isFinite(interval) && interval >= 0 ? interval : 5 };
}

/** One poll of `POST {issuer}/api/accounts/deviceauth/token`: 403/404 mean the user has not approved yet. */
export async function pollDeviceCode(client: IssuerClient, device: DeviceCode, signal: AbortSignal): Promise<DevicePoll> {
  const body = JSON.stringify({ device_auth_id: device.deviceAuthId, user_code: device.userCode });
  const answer = await call(client, '/api/accounts/deviceauth/token', 'application/json', body, signal);
  if (answer.status === 403 || answer.status === 404) return { kind: 'pending' };
  if (!ok(answer)) {
    const detail = detailOf(answer);
    if (/expire/i.test(detail)) throw new SignInError('device-expired', `The sign-in code expired before it was approved (${detail}). Run the sign-in again.`);
    throw issuerError('finish the sign-in with a code', answer);
  }
  const json = isRecord(answer.json) ? answer.json : {};
  if (!nonEmptyString(json.authorization_code) || !nonEmptyString(json.code_verifier)) {
    throw new SignInError('issuer-error', 'ChatGPT sign-in failed: the approved device code came without an authorization code.');
  }
  return { kind: 'approved', authorizationCode: json.authorization_code, codeVerifier: json.code_verifier };
}

/** `POST {issuer}/oauth/revoke` for a refresh token (codex-rs/login/src/auth/revoke.rs). */
export async function revokeRefreshToken(client: IssuerClient, refreshToken: string, signal: AbortSignal): Promise<void> {
  const body = JSON.stringify({ token: refreshToken, token_type_hint: 'refresh_token', client_id: client.clientId });
  const answer = await call(client, '/oauth/revoke', 'application/json', body, signal);
  if (!ok(answer)) throw issuerError('revoke the login', answer);
}

async function call(client: IssuerClient, path: string, contentType: string, body: string, signal: AbortSignal): Promise<Answer> {
  const url = `${client.issuer}${path}`;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': contentType, originator: client.originator },
      body,
      signal,
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
    });
    const text = await response.body.text();
    return { status: response.statusCode, json: parseJson(text), text };
  } catch (error) {
    if (signal.aborted) throw abortedSignIn(signal);
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    throw new SignInError('unreachable', `Could not reach ${client.issuer} (${typeof code === 'string' ? code : String(message)}). Check the connection and try again.`);
  }
}

function ok(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

function issuerError(what: string, answer: Answer): SignInError {
  const detail = detailOf(answer);
  return new SignInError('issuer-error', `ChatGPT sign-in failed: could not ${what} (HTTP ${answer.status}${detail ? `: ${detail}` : ''}).`);
}

/** The issuer's own words, single line and short; tokens never appear in its error answers. */
function detailOf(answer: Answer): string {
  const json = isRecord(answer.json) ? answer.json : {};
  const error = json.error;
  const candidate = isRecord(error) ? (error.message ?? error.code) : (json.error_description ?? error ?? json.detail ?? json.message);
  const text = nonEmptyString(candidate) ? candidate : answer.json === undefined ? answer.text : '';
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
