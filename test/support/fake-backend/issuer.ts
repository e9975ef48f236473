/**
 * The fake auth.openai.com sign-in (spec §8): the authorize page (approves at once, or refuses when told to), the
 * authorization-code exchange with the real checks (client id, redirect URI, PKCE S256 verifier), the device-code
 * endpoints and token revocation. Issued tokens come from the same `FakeTokenAuthority` that guards the backend, so
 * a login made here is accepted there and refreshes like any other.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CODEX_CLIENT_ID, type FakeTokenAuthority } from './tokens.js';

export interface IssuerAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** What `/oauth/authorize` does with the next request. */
export type AuthorizeMode = 'approve' | 'deny' | 'wrong-state';

/** How the next device code behaves: approved after `pendingPolls` pending answers, expired, or refused outright. */
export type DeviceMode = { kind: 'approve'; pendingPolls: number } | { kind: 'expired'; pendingPolls: number } | { kind: 'not-enabled' };

export const REQUIRED_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
}

interface DeviceCode {
  userCode: string;
  mode: Exclude<DeviceMode, { kind: 'not-enabled' }>;
  polls: number;
}

export class FakeIssuer {
  authorizeMode: AuthorizeMode = 'approve';
  deviceMode: DeviceMode = { kind: 'approve', pendingPolls: 0 };
  /** Seconds the usercode answer tells the client to wait between polls (the real one says "5"). */
  deviceIntervalSec = 5;
  /** The next code exchanges answer 500 this many times. */
  failCodeExchanges = 0;
  /** Each `/oauth/revoke` body, in order. */
  readonly revocations: Record<string, unknown>[] = [];
  /** Each authorization-code exchange body, in order (failed ones included). */
  readonly codeExchanges: Record<string, unknown>[] = [];
  /** Each device-token poll body, in order. */
  readonly devicePolls: Record<string, unknown>[] = [];

  private readonly codes = new Map<string, PendingCode>();
  private readonly devices = new Map<string, DeviceCode>();

  constructor(
    private readonly tokens: FakeTokenAuthority,
    private readonly origin: () => string,
  ) {}

  /** `GET /oauth/authorize`: validates the request like the real page, then "approves" and redirects at once. */
  authorize(query: Record<string, string>): IssuerAnswer {
    const problem = authorizeProblem(query);
    if (problem) return html(400, `<h1>Bad authorize request</h1><p>${escapeHtml(problem)}</p>`);
    const target = new URL(query.redirect_uri!);
    const mode = this.authorizeMode;
    if (mode === 'deny') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied the request.');
      target.searchParams.set('state', query.state!);
    } else {
      target.searchParams.set('code', this.newCode({ clientId: query.client_id!, redirectUri: query.redirect_uri!, challenge: query.code_challenge! }));
      target.searchParams.set('state', mode === 'wrong-state' ? 'not-the-state-you-sent' : query.state!);
    }
    return { status: 302, headers: { location: target.href }, text: '' };
  }

  /** `POST /oauth/token` with `grant_type=authorization_code` (form fields). */
  exchangeCode(fields: Record<string, unknown>): IssuerAnswer {
    this.codeExchanges.push({ ...fields });
    if (this.failCodeExchanges > 0) {
      this.failCodeExchanges--;
      return oauthError(500, 'server_error', 'An error occurred while processing your request.');
    }
    if (fields.client_id !== CODEX_CLIENT_ID) return oauthError(401, 'invalid_client', 'Invalid client.');
    const code = typeof fields.code === 'string' ? this.codes.get(fields.code) : undefined;
    if (!code) return oauthError(400, 'invalid_grant', 'Invalid authorization code.');
    this.codes.delete(fields.code as string); // single use
    if (fields.redirect_uri !== code.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorize request.');
    if (typeof fields.code_verifier !== 'string' || s256(fields.code_verifier) !== code.challenge) {
      return oauthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge.');
    }
    return json(200, { ...this.tokens.issueLoginTokens(), token_type: 'Bearer', expires_in: this.tokens.accessTtlSec, scope: REQUIRED_SCOPES.join(' ') });
  }

  /** `POST /api/accounts/deviceauth/usercode` JSON `{client_id}`. */
  deviceUserCode(body: unknown): IssuerAnswer {
    const fields = asRecord(body);
    if (fields.client_id !== CODEX_CLIENT_ID) return oauthError(401, 'invalid_client', 'Invalid client.');
    const mode = this.deviceMode;
    // The real issuer answers 404 when device-code sign-in is off for the account or workspace.
    if (mode.kind === 'not-enabled') return json(404, { detail: 'Not Found' });
    const deviceAuthId = `deviceauth_${randomBytes(9).toString('hex')}`;
    const userCode = `${randomLetters(4)}-${randomLetters(5)}`;
    this.devices.set(deviceAuthId, { userCode, mode, polls: 0 });
    return json(200, { device_auth_id: deviceAuthId, user_code: userCode, interval: String(this.deviceIntervalSec) });
  }

  /** `POST /api/accounts/deviceauth/token` JSON `{device_auth_id, user_code}`: 403 while pending. */
  deviceToken(body: unknown): IssuerAnswer {
    const fields = asRecord(body);
    this.devicePolls.push({ ...fields });
    const device = typeof fields.device_auth_id === 'string' ? this.devices.get(fields.device_auth_id) : undefined;
    if (!device || fields.user_code !== device.userCode) return json(400, { error: { code: 'invalid_request', message: 'Unknown device code.' } });
    device.polls++;
    if (device.polls <= device.mode.pendingPolls) return json(403, { error: { code: 'deviceauth_authorization_pending', message: 'Authorization pending.' } });
    if (device.mode.kind === 'expired') {
      this.devices.delete(fields.device_auth_id as string);
      return json(400, { error: { code: 'deviceauth_expired', message: 'The device code has expired. Start the sign-in again.' } });
    }
    this.devices.delete(fields.device_auth_id as string);
    const verifier = randomBytes(64).toString('base64url');
    const challenge = s256(verifier);
    const code = this.newCode({ clientId: CODEX_CLIENT_ID, redirectUri: `${this.origin()}/deviceauth/callback`, challenge });
    return json(200, { authorization_code: code, code_challenge: challenge, code_verifier: verifier });
  }

  /** `GET /codex/device`: where the user would type the code. */
  devicePage(): IssuerAnswer {
    return html(200, '<h1>Enter the code shown in your terminal</h1>');
  }

  /** `POST /oauth/revoke` JSON `{token, token_type_hint, client_id}`. */
  revoke(body: unknown): IssuerAnswer {
    const fields = asRecord(body);
    this.revocations.push({ ...fields });
    if (typeof fields.token !== 'string' || fields.token === '') return oauthError(400, 'invalid_request', 'Missing token.');
    if (fields.token_type_hint === 'refresh_token' && fields.client_id !== CODEX_CLIENT_ID) return oauthError(401, 'invalid_client', 'Invalid client.');
    this.tokens.revokeRefreshToken(fields.token);
    return json(200, {});
  }

  reset(): void {
    this.authorizeMode = 'approve';
    this.deviceMode = { kind: 'approve', pendingPolls: 0 };
    this.failCodeExchanges = 0;
    this.revocations.length = 0;
    this.codeExchanges.length = 0;
    this.devicePolls.length = 0;
    this.codes.clear();
    this.devices.clear();
  }

  private newCode(pending: PendingCode): string {
    const code = `ac_${randomBytes(18).toString('base64url')}`;
    this.codes.set(code, pending);
    return code;
  }
}

function authorizeProblem(query: Record<string, string>): string | undefined {
  if (query.response_type !== 'code') return 'response_type must be code';
  if (query.client_id !== CODEX_CLIENT_ID) return 'unknown client_id';
  if (!/^http:\/\/localhost:\d+\/auth\/callback$/.test(query.redirect_uri ?? '')) return 'redirect_uri must be http://localhost:<port>/auth/callback';
  const scopes = (query.scope ?? '').split(' ');
  const missing = REQUIRED_SCOPES.filter((scope) => !scopes.includes(scope));
  if (missing.length > 0) return `scope lacks ${missing.join(', ')}`;
  if (query.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(query.code_challenge ?? '')) return 'a S256 code_challenge is required';
  if (!query.state) return 'state is required';
  return undefined;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function randomLetters(n: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(n), (byte) => alphabet[byte % alphabet.length]).join('');
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function json(status: number, body: unknown): IssuerAnswer {
  return { status, headers: { 'content-type': 'application/json' }, text: JSON.stringify(body) };
}

function html(status: number, body: string): IssuerAnswer {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, text: `<!doctype html><title>Fake auth.openai.com</title>${body}` };
}

function oauthError(status: number, code: string, message: string): IssuerAnswer {
  return json(status, { error: { message, type: 'invalid_request_error', param: null, code } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
