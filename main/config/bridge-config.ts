import os from 'node:os';
import path from 'node:path';

/** Everything the core needs to know about where it listens, what it talks to and who it says it is. */
export interface BridgeConfig {
  host: string;
  port: number;
  /** The login's auth.json, shared with the Codex CLI (written by `codex-cursor-bridge login` or `codex login`). */
  authPath: string;
  /** Backend base, e.g. https://chatgpt.com/backend-api: responses at {base}/codex/responses. */
  upstreamBase: string;
  /** OAuth issuer for sign-in, code exchange, device codes and revocation (CODEX_BRIDGE_AUTH_ISSUER). */
  authIssuer: string;
  /** Token refresh endpoint: `{authIssuer}/oauth/token` unless CODEX_REFRESH_TOKEN_URL_OVERRIDE says otherwise. */
  refreshTokenUrl: string;
  /** The bridge's own state folder (settings, bridge token, backups). */
  home: string;
  clientVersion: string;
  originator: string;
  clientId: string;
  /** Log request bodies (secrets redacted). */
  debug: boolean;
  /** Whether a flag or the environment named the port / address; if not, settings.json's `port` / `host` win. */
  addressGiven?: { port: boolean; host: boolean };
}

/** What codex-cli 0.171.0 sends (../fixtures/codex-cli captures); the backend checks the client version against its catalog. */
export const CODEX_CLIENT_VERSION = '0.171.0';
export const CODEX_ORIGINATOR = 'codex_exec';
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
export const DEFAULT_AUTH_ISSUER = 'https://auth.openai.com';
export const DEFAULT_PORT = 7711;
export const DEFAULT_HOST = '127.0.0.1';

export type Env = Record<string, string | undefined>;

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

export function defaultAuthPath(env: Env, homeDir = os.homedir()): string {
  const explicit = nonEmpty(env.CODEX_AUTH_PATH);
  return explicit ? path.resolve(explicit) : codexCliAuthPath(env, homeDir);
}

/** Where the Codex CLI itself keeps its login: a login written here is shared with it. */
export function codexCliAuthPath(env: Env, homeDir = os.homedir()): string {
  const codexHome = nonEmpty(env.CODEX_HOME);
  return path.join(codexHome ? path.resolve(codexHome) : path.join(homeDir, '.codex'), 'auth.json');
}

/** A port from the environment or a flag, or undefined when the text is not a valid port. */
export function parsePort(raw: string): number | undefined {
  if (!/^\d{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port >= 0 && port <= 65535 ? port : undefined;
}

/**
 * Builds the configuration from the environment; flags (already parsed by the CLI) win over it.
 * Throws an Error with a user-facing message on an invalid environment value.
 */
export function resolveConfig(env: Env, overrides: Partial<BridgeConfig> = {}, homeDir = os.homedir()): BridgeConfig {
  const envPort = nonEmpty(env.CODEX_BRIDGE_PORT);
  let port = DEFAULT_PORT;
  if (envPort !== undefined) {
    const parsed = parsePort(envPort);
    if (parsed === undefined) throw new Error(`CODEX_BRIDGE_PORT must be a port number (0-65535), got "${envPort}"`);
    port = parsed;
  }
  const upstreamBase = (nonEmpty(env.CODEX_BRIDGE_UPSTREAM) ?? 'https://chatgpt.com/backend-api').replace(/\/+$/, '');
  const authIssuer = (nonEmpty(env.CODEX_BRIDGE_AUTH_ISSUER) ?? DEFAULT_AUTH_ISSUER).replace(/\/+$/, '');
  const base: BridgeConfig = {
    host: nonEmpty(env.CODEX_BRIDGE_HOST) ?? DEFAULT_HOST,
    port,
    authPath: defaultAuthPath(env, homeDir),
    upstreamBase,
    authIssuer,
    refreshTokenUrl: nonEmpty(env.CODEX_REFRESH_TOKEN_URL_OVERRIDE) ?? `${authIssuer}/oauth/token`,
    home: path.resolve(nonEmpty(env.CODEX_BRIDGE_HOME) ?? path.join(homeDir, '.codex-cursor-bridge')),
    clientVersion: nonEmpty(env.CODEX_CLIENT_VERSION) ?? CODEX_CLIENT_VERSION,
    originator: nonEmpty(env.CODEX_ORIGINATOR) ?? CODEX_ORIGINATOR,
    clientId: nonEmpty(env.CODEX_CLIENT_ID) ?? CODEX_CLIENT_ID,
    debug: env.CODEX_BRIDGE_DEBUG === '1',
  };
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const addressGiven = { port: envPort !== undefined || overrides.port !== undefined, host: nonEmpty(env.CODEX_BRIDGE_HOST) !== undefined || overrides.host !== undefined };
  return { ...base, ...defined, addressGiven };
}
