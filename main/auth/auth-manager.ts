/**
 * Hands out the ChatGPT credentials for each upstream request and keeps them fresh the way the Codex CLI does
 * (codex-rs/login/src/auth/manager.rs): refresh when the access token is within 5 minutes of expiry or was rejected,
 * one token-endpoint call at a time, and never spend the single-use refresh token when another process (the Codex
 * CLI, another bridge) has already rotated the tokens on disk.
 */
import type { Dispatcher } from '../http/undici-lite.js';
import type { LoginState } from '../../shared/bridge-api.js';
import { ApiError } from '../errors/api-error.js';
import { AuthFileReader, loginProblem, writeAuthFileAtomic, type AuthFile } from './auth-file.js';
import { authLockPath, withFileLock } from './auth-lock.js';
import { isRecord } from './json-guards.js';
import { decodeJwtClaims } from './jwt.js';
import { recoverOrphanedWrite, type OrphanRecovery } from './orphaned-write.js';
import { planLabel } from './plan-label.js';
import { isPermanentRefreshFailure, requestTokenRefresh, type RefreshedTokens, type RefreshReason } from './refresh-client.js';

export interface Credentials {
  accessToken: string;
  /** Sent as ChatGPT-Account-ID. */
  accountId: string | null;
}

export interface AuthManagerOptions {
  authPath: string;
  refreshTokenUrl: string;
  clientId: string;
  originator: string;
  userAgent: string;
  dispatcher?: Dispatcher;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Refresh proactively when the access token expires within this many seconds. */
  refreshWindowSec?: number;
  /** How often a request may look at auth.json for changes (default 1 s); 0 looks every time. */
  fileCheckIntervalMs?: number;
}

/** Declared once, in the contract the window shares. */
export type AuthState = LoginState;

/** What `doctor`, the startup card and the window show about the login. Never carries a token. */
export interface AuthStatus {
  state: AuthState;
  authPath: string;
  plan?: string;
  planLabel?: string;
  email?: string;
  accountId?: string;
  expiresAt?: Date;
  lastRefresh?: Date;
  message?: string;
}

export interface AuthManager {
  /** Credentials for the next upstream request; refreshes first when the access token is about to expire. */
  getCredentials(): Promise<Credentials>;
  /** After the backend rejected `rejectedAccessToken` with 401: newer tokens from disk, else a refreshed pair. */
  recoverFromUnauthorized(rejectedAccessToken: string): Promise<Credentials>;
  describe(): Promise<AuthStatus>;
}

const DEFAULT_REFRESH_WINDOW_SEC = 300;
/** Without a readable `exp` the CLI falls back to the age of the last refresh. */
const MAX_REFRESH_AGE_MS = 8 * 24 * 60 * 60 * 1000;
/** After a transient failure, a still-valid token is used this long before the proactive refresh is tried again. */
const TRANSIENT_RETRY_DELAY_MS = 30_000;

export function createAuthManager(options: AuthManagerOptions): AuthManager {
  const { authPath } = options;
  const clock = options.now ?? Date.now;
  const windowMs = (options.refreshWindowSec ?? DEFAULT_REFRESH_WINDOW_SEC) * 1000;
  const reader = new AuthFileReader(authPath);
  /** How stale a request's view of auth.json may be; a 401 or a refresh always looks again. */
  const requestReadMaxAgeMs = options.fileCheckIntervalMs ?? 1_000;

  let inFlight: Promise<AuthFile> | undefined;
  /** A rejected refresh token stays rejected until auth.json changes, so remember it per file version. */
  let permanentFailure: { stamp: string; error: ApiError } | undefined;
  let transientFailure: { error: ApiError; retryAfter: number } | undefined;

  /** What the last look for a refresh interrupted by a crash found (see orphaned-write.ts). */
  let recovery: OrphanRecovery = { discarded: [] };
  let startupRecovery: Promise<void> | undefined;
  async function recoverInterruptedRefresh(): Promise<void> {
    const found = await recoverOrphanedWrite(authPath).catch((): OrphanRecovery => ({ discarded: [] }));
    if (found.adopted) reader.invalidate();
    if (found.adopted || found.discarded.length > 0) recovery = found;
  }

  async function loadLogin(maxAgeMs = 0): Promise<{ stamp: string; file: AuthFile }> {
    await (startupRecovery ??= recoverInterruptedRefresh());
    const snapshot = await reader.read(maxAgeMs);
    if (snapshot.kind !== 'chatgpt') throw loginProblem(snapshot, authPath);
    return snapshot;
  }

  function needsProactiveRefresh(file: AuthFile): boolean {
    const expiresAt = accessTokenExpiry(file);
    if (expiresAt !== undefined) return expiresAt <= clock() + windowMs;
    const lastRefresh = parseDate(file.lastRefresh);
    return lastRefresh !== undefined && clock() - lastRefresh.getTime() > MAX_REFRESH_AGE_MS;
  }

  /** A token without a readable expiry is presumed valid: the backend's 401 is the final word. */
  function stillValid(file: AuthFile): boolean {
    const expiresAt = accessTokenExpiry(file);
    return expiresAt === undefined || expiresAt > clock();
  }

  /**
   * Every caller needing a refresh while one is running shares it, and other processes wait on the lock file beside
   * auth.json: one token-endpoint request per rotation, the others adopt its tokens from disk.
   */
  function refreshShared(reason: RefreshReason, isStale: (file: AuthFile) => boolean): Promise<AuthFile> {
    inFlight ??= withFileLock(authLockPath(authPath), () => refreshFromDisk(reason, isStale)).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function refreshFromDisk(reason: RefreshReason, isStale: (file: AuthFile) => boolean): Promise<AuthFile> {
    // Re-read right before spending the refresh token: if another process already rotated it, or a crash of this
    // bridge left the rotated tokens in a temp file, adopt those tokens.
    await recoverInterruptedRefresh();
    const { stamp, file } = await loadLogin();
    if (!isStale(file)) return file;
    if (permanentFailure?.stamp === stamp) throw permanentFailure.error;
    let refreshed: RefreshedTokens;
    try {
      refreshed = await requestTokenRefresh(options, file.tokens.refreshToken, reason);
    } catch (caught) {
      const error = explainSpentToken(caught, recovery);
      if (isPermanentRefreshFailure(error)) permanentFailure = { stamp, error };
      else if (error instanceof ApiError) transientFailure = { error, retryAfter: clock() + TRANSIENT_RETRY_DELAY_MS };
      throw error;
    }
    transientFailure = undefined;
    const updated = withRefreshedTokens(file, refreshed, new Date(clock()).toISOString());
    try {
      await writeAuthFileAtomic(authPath, updated.raw);
      reader.invalidate();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      // The old refresh token is spent by now, so the user has to log in again either way.
      throw new ApiError(
        500,
        `The ChatGPT login was refreshed but could not be saved to ${authPath} (${code}): sign in again with \`codex-cursor-bridge login\`.`,
        { code: 'auth_file_write_failed' },
      );
    }
    return updated;
  }

  return {
    async getCredentials() {
      const { stamp, file } = await loadLogin(requestReadMaxAgeMs);
      if (!needsProactiveRefresh(file)) return credentialsOf(file);
      const usable = stillValid(file);
      const knownToFail = permanentFailure?.stamp === stamp || clock() < (transientFailure?.retryAfter ?? 0);
      if (usable && knownToFail) return credentialsOf(file);
      try {
        return credentialsOf(await refreshShared('proactive_expiry', needsProactiveRefresh));
      } catch (error) {
        // Like the CLI: a failed refresh is no reason to stop using a token the backend still accepts.
        if (stillValid(file)) return credentialsOf(file);
        throw error;
      }
    },

    async recoverFromUnauthorized(rejectedAccessToken) {
      // refreshFromDisk adopts whatever is on disk unless it is still the rejected token.
      const current = await refreshShared('unauthorized_recovery', (f) => f.tokens.accessToken === rejectedAccessToken);
      return credentialsOf(current);
    },

    async describe() {
      try {
        await (startupRecovery ??= recoverInterruptedRefresh());
        const snapshot = await reader.read();
        if (snapshot.kind !== 'chatgpt') {
          return { state: snapshot.kind, authPath, message: loginProblem(snapshot, authPath)?.message };
        }
        const { file } = snapshot;
        const status: AuthStatus = { state: 'ok', authPath, ...accountFacts(file) };
        if (recovery.adopted) {
          status.message = `The login was recovered from a refresh interrupted by a crash (the new tokens were in ${recovery.adopted}).`;
        }
        if (permanentFailure?.stamp === snapshot.stamp) {
          status.state = 'refresh-failed';
          status.message = permanentFailure.error.message;
        } else if (transientFailure) {
          status.message = `The last token refresh failed and will be retried: ${transientFailure.error.message}`;
        } else if (!stillValid(file)) {
          status.message = 'The access token has expired; the bridge refreshes it on the next request.';
        }
        return status;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
        return { state: 'unreadable', authPath, message: `Could not inspect the Codex login at ${authPath} (${code}).` };
      }
    },
  };
}

/**
 * "Already used" after an interrupted refresh of this bridge whose temp file could not be adopted (incomplete, or
 * older than auth.json): say so, rather than blame another program.
 */
function explainSpentToken(error: unknown, recovery: OrphanRecovery): unknown {
  if (!(error instanceof ApiError) || error.code !== 'refresh_token_reused' || recovery.discarded.length === 0) return error;
  return new ApiError(
    401,
    `Your ChatGPT login could not be refreshed: its refresh token was already spent by a refresh of this bridge that was ` +
      `interrupted (a crash or kill) before the new tokens were completely saved (left over: ${recovery.discarded.join(', ')}, now removed). ` +
      'Sign in again with `codex-cursor-bridge login`.',
    { type: error.type, code: error.code },
  );
}

function credentialsOf(file: AuthFile): Credentials {
  return { accessToken: file.tokens.accessToken, accountId: accountIdOf(file) ?? null };
}

/** The stored account id is authoritative (the CLI sends it); old files without it fall back to the JWT claim. */
function accountIdOf(file: AuthFile): string | undefined {
  return (
    file.tokens.accountId ??
    decodeJwtClaims(file.tokens.idToken)?.accountId ??
    decodeJwtClaims(file.tokens.accessToken)?.accountId
  );
}

function accountFacts(file: AuthFile): Partial<AuthStatus> {
  const id = decodeJwtClaims(file.tokens.idToken);
  const access = decodeJwtClaims(file.tokens.accessToken);
  const plan = id?.plan ?? access?.plan;
  const email = id?.email ?? access?.email;
  const accountId = accountIdOf(file);
  const expiresAt = access?.exp !== undefined ? new Date(access.exp * 1000) : undefined;
  const lastRefresh = parseDate(file.lastRefresh);
  return {
    ...(plan ? { plan, planLabel: planLabel(plan) } : {}),
    ...(email ? { email } : {}),
    ...(accountId ? { accountId } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    ...(lastRefresh ? { lastRefresh } : {}),
  };
}

/** Per file version: the reader hands out the same AuthFile until auth.json changes, so the JWT is decoded once. */
const expiryByFile = new WeakMap<AuthFile, number | undefined>();

function accessTokenExpiry(file: AuthFile): number | undefined {
  if (expiryByFile.has(file)) return expiryByFile.get(file);
  const exp = decodeJwtClaims(file.tokens.accessToken)?.exp;
  const expiresAt = exp === undefined ? undefined : exp * 1000;
  expiryByFile.set(file, expiresAt);
  return expiresAt;
}

/**
 * The file after a successful refresh: returned tokens replace the stored ones in place, everything else (account_id,
 * unknown fields, key order) is kept, and last_refresh becomes now.
 */
function withRefreshedTokens(file: AuthFile, refreshed: RefreshedTokens, refreshedAt: string): AuthFile {
  const storedTokens = isRecord(file.raw.tokens) ? file.raw.tokens : {};
  const raw = {
    ...file.raw,
    tokens: {
      ...storedTokens,
      ...(refreshed.idToken ? { id_token: refreshed.idToken } : {}),
      ...(refreshed.accessToken ? { access_token: refreshed.accessToken } : {}),
      ...(refreshed.refreshToken ? { refresh_token: refreshed.refreshToken } : {}),
    },
    last_refresh: refreshedAt,
  };
  return {
    tokens: {
      ...file.tokens,
      idToken: refreshed.idToken ?? file.tokens.idToken,
      accessToken: refreshed.accessToken ?? file.tokens.accessToken,
      refreshToken: refreshed.refreshToken ?? file.tokens.refreshToken,
    },
    lastRefresh: refreshedAt,
    raw,
  };
}

function parseDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
