/**
 * The browser (PKCE) sign-in of the Codex CLI (codex-rs/login/src/server.rs): local callback server, authorize URL,
 * state check, code exchange, and the login saved before the browser is told it may close the window.
 */
import { startCallbackServer, CALLBACK_PORTS, type CallbackPage } from './callback-server.js';
import { exchangeAuthorizationCode, type IssuerClient, type LoginTokens } from './issuer-client.js';
import { createPkce, randomState, type Pkce } from './pkce.js';
import { abortedSignIn, SignInError } from './sign-in-error.js';

/** The Codex CLI's scopes (the two `api.connectors.*` ones since 2026-03). */
export const SIGN_IN_SCOPES = 'openid profile email offline_access api.connectors.read api.connectors.invoke';

export interface BrowserSignInOptions {
  client: IssuerClient;
  /** Callback ports in order of preference (default 1455, then 1457). */
  ports?: readonly number[];
  /** Cancels the sign-in; its reason (e.g. AbortSignal.timeout) decides the message. */
  signal: AbortSignal;
  /** Called once the callback server listens: open or print the authorize URL. */
  onAuthorizeUrl(url: string): void | Promise<void>;
  /** Stores the login; runs before the browser is told the sign-in succeeded. */
  save(tokens: LoginTokens): Promise<void>;
}

const SUCCESS_PAGE: CallbackPage = {
  status: 200,
  title: 'Signed in to Codex Cursor Bridge',
  text: 'You are signed in with ChatGPT. You can close this window and return to the bridge.',
};

export async function signInWithBrowser(options: BrowserSignInOptions): Promise<LoginTokens> {
  const { client, signal } = options;
  if (signal.aborted) throw abortedSignIn(signal);
  const pkce = createPkce();
  const state = randomState();
  let finish!: (tokens: LoginTokens) => void;
  let fail!: (error: SignInError) => void;
  const outcome = new Promise<LoginTokens>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const onAbort = () => fail(abortedSignIn(signal));
  signal.addEventListener('abort', onAbort, { once: true });

  let redirectUri = '';
  const server = await startCallbackServer(options.ports ?? CALLBACK_PORTS, {
    onCancel: () => fail(new SignInError('cancelled', 'Sign-in was cancelled: a newer sign-in took over the callback port.')),
    onCallback: async (params) => {
      try {
        const tokens = await complete(params);
        finish(tokens);
        return SUCCESS_PAGE;
      } catch (error) {
        const failure = error instanceof SignInError ? error : new SignInError('save-failed', String(error));
        fail(failure);
        return { status: failure.reason === 'state-mismatch' ? 400 : 200, title: 'Sign-in failed', text: failure.message };
      }
    },
  }).catch((error: unknown) => {
    signal.removeEventListener('abort', onAbort);
    throw error;
  });
  redirectUri = server.redirectUri;

  async function complete(params: URLSearchParams): Promise<LoginTokens> {
    if (params.get('state') !== state) {
      throw new SignInError('state-mismatch', 'Sign-in failed: the answer from the browser does not belong to this sign-in (state mismatch). Run the sign-in again.');
    }
    const error = params.get('error');
    if (error) {
      const description = params.get('error_description');
      throw new SignInError('refused', `ChatGPT sign-in was refused (${error}${description ? `: ${description}` : ''}). Run the sign-in again to retry.`);
    }
    const code = params.get('code');
    if (!code) throw new SignInError('issuer-error', 'Sign-in failed: the browser came back without an authorization code.');
    const tokens = await exchangeAuthorizationCode(client, { code, redirectUri, codeVerifier: pkce.verifier }, signal);
    if (signal.aborted) throw abortedSignIn(signal);
    await options.save(tokens);
    return tokens;
  }

  try {
    await options.onAuthorizeUrl(authorizeUrl(client, redirectUri, pkce, state));
    return await outcome;
  } finally {
    signal.removeEventListener('abort', onAbort);
    server.close();
  }
}

/** `{issuer}/oauth/authorize?…` with the Codex CLI's parameters, in its order. */
export function authorizeUrl(client: IssuerClient, redirectUri: string, pkce: Pkce, state: string): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri,
    scope: SIGN_IN_SCOPES,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    id_token_add_organizations: 'true',
    codex_cli_simplified_flow: 'true',
    state,
    originator: client.originator,
  });
  return `${client.issuer}/oauth/authorize?${params.toString()}`;
}
