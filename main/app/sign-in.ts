/**
 * Signing in and out with ChatGPT, once for every surface (CLI, window, tray): plain functions that take what they
 * need and return a typed outcome whose `message` is written for the user.
 */
import { readAuthFile } from '../auth/auth-file.js';
import { decodeJwtClaims } from '../auth/jwt.js';
import { removeLogin, saveLogin } from '../auth/login-record.js';
import { planLabel } from '../auth/plan-label.js';
import { signInWithBrowser } from '../auth/sign-in/browser-sign-in.js';
import { signInWithDevice } from '../auth/sign-in/device-sign-in.js';
import { revokeRefreshToken, type IssuerClient, type LoginTokens } from '../auth/sign-in/issuer-client.js';
import { SignInError, type SignInFailure } from '../auth/sign-in/sign-in-error.js';
import { codexCliAuthPath, type BridgeConfig, type Env } from '../config/bridge-config.js';

export type SignInMethod = 'browser' | 'device';

export type SignInProgress =
  /** The callback server listens; the browser was opened on `url` (or should be, when `opened` is false). */
  | { kind: 'authorize-url'; url: string; opened: boolean }
  | { kind: 'device-code'; userCode: string; verificationUrl: string };

export type SignInOutcome =
  | { ok: true; message: string; authPath: string; email?: string; plan?: string }
  | { ok: false; reason: SignInFailure; message: string };

export type SignOutOutcome = { ok: true; message: string; revoked: boolean } | { ok: false; message: string };

export interface SignInDeps {
  config: Pick<BridgeConfig, 'authPath' | 'authIssuer' | 'clientId' | 'originator'>;
  /** Environment, to tell whether the login is shared with the Codex CLI. */
  env: Env;
  onProgress(event: SignInProgress): void;
  /** Opens the system browser; absent: the URL is only reported. Resolves false when no browser could be opened. */
  openBrowser?: (url: string) => Promise<boolean>;
  /** Cancels the sign-in (the window's Cancel button, Ctrl-C). */
  signal?: AbortSignal;
  /** Browser callback ports (default 1455, then 1457). */
  callbackPorts?: readonly number[];
  /** How long the browser sign-in waits for the user (default 10 minutes; the device flow has its own 15). */
  timeoutMs?: number;
}

const BROWSER_TIMEOUT_MS = 10 * 60 * 1000;

export async function signIn(method: SignInMethod, deps: SignInDeps): Promise<SignInOutcome> {
  const { config } = deps;
  const client = issuerClient(config);
  const save = (tokens: LoginTokens) => saveOrExplain(config.authPath, tokens);
  const cancel = deps.signal ?? new AbortController().signal;
  try {
    const tokens =
      method === 'device'
        ? await signInWithDevice({ client, signal: cancel, save, onCode: (prompt) => deps.onProgress({ kind: 'device-code', ...prompt }) })
        : await signInWithBrowser({
            client,
            signal: AbortSignal.any([cancel, AbortSignal.timeout(deps.timeoutMs ?? BROWSER_TIMEOUT_MS)]),
            save,
            ...(deps.callbackPorts ? { ports: deps.callbackPorts } : {}),
            onAuthorizeUrl: async (url) => {
              const opened = deps.openBrowser ? await deps.openBrowser(url) : false;
              deps.onProgress({ kind: 'authorize-url', url, opened });
            },
          });
    const claims = decodeJwtClaims(tokens.idToken) ?? {};
    const who = [claims.email, claims.plan ? planLabel(claims.plan) : undefined].filter(Boolean).join(', ');
    return {
      ok: true,
      authPath: config.authPath,
      ...(claims.email ? { email: claims.email } : {}),
      ...(claims.plan ? { plan: claims.plan } : {}),
      message: `Signed in with ChatGPT${who ? ` (${who})` : ''}. The login is saved in ${config.authPath}${sharedNote(config.authPath, deps.env, 'uses it too')}.`,
    };
  } catch (error) {
    if (error instanceof SignInError) return { ok: false, reason: error.reason, message: error.message };
    throw error;
  }
}

export interface SignOutDeps {
  config: Pick<BridgeConfig, 'authPath' | 'authIssuer' | 'clientId' | 'originator'>;
  env: Env;
  signal?: AbortSignal;
}

/** Revokes the refresh token at the issuer, then removes the login from auth.json (other fields stay). */
export async function signOut(deps: SignOutDeps): Promise<SignOutOutcome> {
  const { authPath } = deps.config;
  const snapshot = await readAuthFile(authPath);
  if (snapshot.kind === 'missing') return { ok: true, revoked: false, message: `Not signed in: there is no login at ${authPath}.` };
  let revokeNote = ' and revoked it at ChatGPT';
  let revoked = false;
  if (snapshot.kind === 'chatgpt') {
    try {
      await revokeRefreshToken(issuerClient(deps.config), snapshot.file.tokens.refreshToken, deps.signal ?? AbortSignal.timeout(30_000));
      revoked = true;
    } catch (error) {
      // Removing the local login still signs this machine out; the token then simply expires at the issuer.
      revokeNote = ` (it could not be revoked at ChatGPT: ${error instanceof Error ? error.message : String(error)})`;
    }
  } else {
    revokeNote = '';
  }
  try {
    await removeLogin(authPath);
  } catch (error) {
    return { ok: false, message: `Could not remove the login from ${authPath} (${(error as NodeJS.ErrnoException).code ?? String(error)}).` };
  }
  return { ok: true, revoked, message: `Signed out: removed the login from ${authPath}${revokeNote}.${sharedNote(authPath, deps.env, 'is signed out too', true)}` };
}

function issuerClient(config: SignInDeps['config']): IssuerClient {
  return { issuer: config.authIssuer, clientId: config.clientId, originator: config.originator };
}

async function saveOrExplain(authPath: string, tokens: LoginTokens): Promise<void> {
  try {
    await saveLogin(authPath, tokens);
  } catch (error) {
    throw new SignInError('save-failed', `Signed in, but the login could not be saved to ${authPath} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

/** The bridge and the Codex CLI share one login when auth.json is where the Codex CLI keeps it. */
function sharedNote(authPath: string, env: Env, what: string, sentence = false): string {
  if (authPath !== codexCliAuthPath(env)) return '';
  return sentence ? ` This file is shared with the Codex CLI, so the Codex CLI ${what}.` : ` (shared with the Codex CLI, which ${what})`;
}
